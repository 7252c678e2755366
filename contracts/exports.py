"""Excel exports of the filtered lists: providers, facilities, procurements, contracts.

``export_response(kind, stmt, user)`` writes every row of the list's already-filtered (and already
scoped) statement. Headers and codes are written as labels in the user's language (Chinese by
default): 民办非企业单位, not ``private_nonprofit``. Money is a number with two decimals, dates
are dates, so that the sheet can be summed and sorted.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Response, send_file
from flask_babel import lazy_gettext as _l

from app import clock
from app.extensions import db
from app.spreadsheets import DATE, INTEGER, MONEY, XLSX_MIMETYPE, xlsx_bytes
from app.template_helpers import region_name
from app.users.models import User
from contracts.facilities import preload_operators, visible_operator
from contracts.labels import (
    CONTRACT_STATUS_LABELS,
    FACILITY_KIND_LABELS,
    METHOD_LABELS,
    PROCUREMENT_STATUS_LABELS,
    PROVIDER_KIND_LABELS,
    PROVIDER_STATUS_LABELS,
    REPORTING_LABELS,
    SERVICE_TYPE_LABELS,
)
from contracts.models import (
    Bid,
    Contract,
    Installment,
    Procurement,
    Provider,
)

Row = Sequence[Any]


@dataclass(frozen=True)
class Column:
    label: Any
    format: str | None = None
    width: int = 14


@dataclass(frozen=True)
class Export:
    title: Any
    columns: tuple[Column, ...]
    #: the rows of a list's objects as ``user`` may see them
    rows: Callable[[list, User], Iterable[Row]]


def _label(labels: dict, code: Any) -> str:
    return str(labels.get(str(code), code)) if code is not None else ""


def _name(obj: Any) -> str:
    return obj.name if obj is not None else ""


# ---- rows of each kind (one query per kind for the related data, never one per row) -------

def _provider_rows(providers: list[Provider], _user: User) -> Iterable[Row]:
    for p in providers:
        quals = "; ".join(
            f"{q.cert_type} {q.number}" + (f" ({q.valid_until.isoformat()})" if q.valid_until
                                           else "")
            for q in p.qualifications)
        yield (p.name, p.credit_code, _label(PROVIDER_KIND_LABELS, p.kind),
               _label(PROVIDER_STATUS_LABELS, p.status), p.status_reason, p.contact_name,
               p.contact_phone, p.contact_email, p.address, quals)


def _facility_rows(facilities: list, user: User) -> Iterable[Row]:
    for f in preload_operators(facilities):
        wards = f.ward_beds
        yield (f.name, _label(FACILITY_KIND_LABELS, f.kind), region_name(f.region), f.address,
               f.beds, wards.get("self_care"), wards.get("semi_disabled"),
               wards.get("disabled"), f.opened_on, _name(visible_operator(user, f)))


def _procurement_rows(procurements: list[Procurement], _user: User) -> Iterable[Row]:
    ids = [p.id for p in procurements]
    counts = dict(db.session.execute(
        sa.select(Bid.procurement_id, sa.func.count()).where(Bid.procurement_id.in_(ids))
        .group_by(Bid.procurement_id)).all()) if ids else {}
    winners = {b.procurement_id: b for b in db.session.scalars(
        sa.select(Bid).where(Bid.procurement_id.in_(ids), Bid.awarded.is_(True)))} if ids else {}
    for p in procurements:
        win = winners.get(p.id)
        yield (p.title, _label(SERVICE_TYPE_LABELS, p.service_type),
               _label(METHOD_LABELS, p.method), _label(PROCUREMENT_STATUS_LABELS, p.status),
               region_name(p.region), _name(p.facility), p.budget, p.published_on,
               p.bid_deadline, counts.get(p.id, 0), _name(win.provider) if win else "",
               win.price if win else None, p.awarded_on)


def _contract_rows(contracts: list[Contract], _user: User) -> Iterable[Row]:
    ids = [c.id for c in contracts]
    paid = dict(db.session.execute(
        sa.select(Installment.contract_id, sa.func.sum(Installment.paid_amount))
        .where(Installment.contract_id.in_(ids), Installment.paid_amount.is_not(None))
        .group_by(Installment.contract_id)).all()) if ids else {}
    for c in contracts:
        yield (c.number, c.title, _label(SERVICE_TYPE_LABELS, c.service_type),
               _label(CONTRACT_STATUS_LABELS, c.status), _name(c.provider),
               region_name(c.region), _name(c.facility), c.start_date, c.end_date, c.amount,
               paid.get(c.id) or 0, _label(REPORTING_LABELS, c.reporting), c.version)


EXPORTS: dict[str, Export] = {
    "providers": Export(_l("Providers"), (
        Column(_l("Name"), width=32), Column(_l("Unified social credit code"), width=22),
        Column(_l("Kind"), width=20), Column(_l("Status"), width=10),
        Column(_l("Reason for the status"), width=24), Column(_l("Contact"), width=10),
        Column(_l("Contact phone"), width=16), Column(_l("Contact e-mail"), width=22),
        Column(_l("Address"), width=30), Column(_l("Qualifications (valid until)"), width=40),
    ), _provider_rows),
    "facilities": Export(_l("Facilities"), (
        Column(_l("Name"), width=30), Column(_l("Kind"), width=18),
        Column(_l("Region"), width=16), Column(_l("Address"), width=30),
        Column(_l("Beds"), INTEGER, 8), Column(_l("Self-care beds"), INTEGER, 10),
        Column(_l("Semi-disabled beds"), INTEGER, 10), Column(_l("Disabled beds"), INTEGER, 10),
        Column(_l("Opened on"), DATE, 12), Column(_l("Current operator"), width=30),
    ), _facility_rows),
    "procurements": Export(_l("Procurements"), (
        Column(_l("Title"), width=36), Column(_l("Service type"), width=16),
        Column(_l("Method"), width=16), Column(_l("Status"), width=10),
        Column(_l("Region"), width=16), Column(_l("Facility"), width=26),
        Column(_l("Budget (yuan)"), MONEY, 16), Column(_l("Published on"), DATE, 12),
        Column(_l("Bid deadline"), DATE, 12), Column(_l("Bids"), INTEGER, 8),
        Column(_l("Awarded to"), width=30), Column(_l("Awarded price (yuan)"), MONEY, 16),
        Column(_l("Awarded on"), DATE, 12),
    ), _procurement_rows),
    "contracts": Export(_l("Contracts"), (
        Column(_l("Contract number"), width=18), Column(_l("Title"), width=36),
        Column(_l("Service type"), width=16), Column(_l("Status"), width=10),
        Column(_l("Provider"), width=30), Column(_l("Region"), width=16),
        Column(_l("Facility"), width=26), Column(_l("Start date"), DATE, 12),
        Column(_l("End date"), DATE, 12), Column(_l("Amount (yuan)"), MONEY, 16),
        Column(_l("Paid (yuan)"), MONEY, 16), Column(_l("Reporting"), width=10),
        Column(_l("Version"), INTEGER, 8),
    ), _contract_rows),
}


def export_bytes(kind: str, stmt: sa.Select, user: User) -> bytes:
    """The .xlsx of every row of ``stmt`` (a select of the kind's model, scoped to ``user``)."""
    export = EXPORTS[kind]
    rows = list(db.session.scalars(stmt).unique())
    return xlsx_bytes(str(export.title), [str(c.label) for c in export.columns],
                      export.rows(rows, user), formats=[c.format for c in export.columns],
                      widths=[c.width for c in export.columns])


def export_response(kind: str, stmt: sa.Select, user: User) -> Response:
    """An attachment ``<kind>-<date>.xlsx`` holding the rows of ``stmt`` for ``user``."""
    body = export_bytes(kind, stmt, user)
    response = send_file(io.BytesIO(body), mimetype=XLSX_MIMETYPE, as_attachment=True,
                         download_name=f"{kind}-{clock.today().isoformat()}.xlsx", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
