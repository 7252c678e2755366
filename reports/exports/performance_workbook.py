"""The workbook of contract performance for a period: one row per contract in force."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

import sqlalchemy.orm as so
from flask_babel import gettext as _

from app import clock
from app.extensions import db
from app.spreadsheets import INTEGER, MONEY
from app.users.models import User
from contracts.labels import SERVICE_TYPE_LABELS
from contracts.models import Contract, ContractStatus
from contracts.visibility import visible_contracts
from evaluations.labels import GRADE_LABELS
from reports.exports.filters import PerformanceFilter
from reports.exports.workbook import SCORE, Column, Sheet, label_of, workbook_bytes
from reports.performance.figures import kept_performance
from reports.performance.services import contract_performance


def _period_bounds(period: str) -> tuple[date, date]:
    year = int(period[:4])
    if len(period) == 4:
        return date(year, 1, 1), date(year, 12, 31)
    quarter = int(period[-1])
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + quarter // 4, 3 * quarter % 12 + 1, 1)
    return start, end - timedelta(days=1)


def performance_rows(user: User, f: PerformanceFilter) -> Iterable[Sequence]:
    start, end = _period_bounds(f.period)
    stmt = visible_contracts(user).where(Contract.status != ContractStatus.DRAFT,
                                         Contract.start_date <= end, Contract.end_date >= start)
    if f.service_type is not None:
        stmt = stmt.where(Contract.service_type == f.service_type)
    if f.provider_id is not None:
        stmt = stmt.where(Contract.provider_id == f.provider_id)
    today = clock.today()
    # the kept figures where there are (computing each contract's took 4.4 s for a city)
    kept = kept_performance(stmt, f.period, today)
    contracts = stmt.order_by(Contract.number).options(so.selectinload(Contract.installments))
    for contract in db.session.scalars(contracts):
        p = kept.get(contract.id) or contract_performance(contract, f.period, today)
        yield (contract.number, contract.title, contract.provider.name,
               label_of(SERVICE_TYPE_LABELS, contract.service_type.value), p.period,
               p.rounded("inspection"), p.rounded("timeliness"), p.rounded("targets"),
               p.rounded("composite"), label_of(GRADE_LABELS, p.grade),
               p.payment_share, p.linked_amount, p.payable_amount)


def performance_xlsx(user: User, f: PerformanceFilter) -> bytes:
    columns = [Column(_("Contract number"), width=18), Column(_("Title"), width=32),
               Column(_("Provider"), width=30), Column(_("Service type"), width=14),
               Column(_("Period"), width=10), Column(_("Inspections"), SCORE, 10),
               Column(_("Timeliness"), SCORE, 10), Column(_("Targets"), SCORE, 10),
               Column(_("Composite"), SCORE, 10), Column(_("Grade"), width=8),
               Column(_("Payment share (%)"), INTEGER, 10),
               Column(_("Performance-linked installment (yuan)"), MONEY, 16),
               Column(_("Payable amount (yuan)"), MONEY, 16)]
    return workbook_bytes([Sheet(_("Performance"), columns, performance_rows(user, f))])
