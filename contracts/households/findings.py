"""What a contract's spot checks found, over all of them: the agreement rate and the records
not found wrong.

A record is counted once, as last found: a later spot check of the same period (a re-check
after a poor result) may sample a record again, and counting both findings weighed that record
twice in the rate and could hold a record wrong that the re-check found right.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from app.extensions import db
from app.users.models import Role, User
from contracts.households.models import (
    HouseholdRecord,
    SpotCheck,
    SpotCheckItem,
    SpotCheckResult,
    SpotCheckStatus,
)
from contracts.models import Contract


def rate(confirmed: int, checked: int) -> Decimal | None:
    """confirmed ÷ checked, a fraction with 4 places; None before any check."""
    if not checked:
        return None
    return (Decimal(confirmed) / Decimal(checked)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def latest_findings(contract: Contract, *, finished_only: bool) -> sa.Select:
    """The ids of the items holding each checked record's last finding: of finished spot
    checks only, or of those under way too (what officers watch while the inspector works)."""
    stmt = (sa.select(sa.func.max(SpotCheckItem.id))
            .join(SpotCheck, SpotCheck.id == SpotCheckItem.spot_check_id)
            .where(SpotCheck.contract_id == contract.id,
                   SpotCheckItem.result != SpotCheckResult.PENDING)
            .group_by(SpotCheckItem.record_id))
    if finished_only:
        stmt = stmt.where(SpotCheck.status == SpotCheckStatus.DONE)
    return stmt


def _counts_by_period(contract: Contract, *, finished_only: bool) -> sa.Select:
    return (sa.select(SpotCheck.period, SpotCheckItem.result, sa.func.count())
            .join(SpotCheck, SpotCheck.id == SpotCheckItem.spot_check_id)
            .where(SpotCheckItem.id.in_(latest_findings(contract,
                                                        finished_only=finished_only)))
            .group_by(SpotCheck.period, SpotCheckItem.result))


def records_not_found_wrong(contract: Contract, start: date, end: date) -> int:
    """Records of the contract surveyed from ``start`` to ``end`` (inclusive), less those last
    found discrepant by a finished spot check: what target attainment counts."""
    wrong = (sa.select(SpotCheckItem.record_id)
             .where(SpotCheckItem.id.in_(latest_findings(contract, finished_only=True)),
                    SpotCheckItem.result == SpotCheckResult.DISCREPANT))
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(HouseholdRecord).where(
            HouseholdRecord.contract_id == contract.id,
            HouseholdRecord.survey_date.between(start, end),
            HouseholdRecord.id.not_in(wrong))) or 0


def agreement_rate(contract: Contract, period: str | None = None, *,
                   user: User | None = None) -> Decimal | None:
    """confirmed ÷ checked records of the contract (of ``period`` if given): a fraction from 0
    to 1 with 4 places (Decimal("0.9500")), ``None`` when nothing was checked. Shown to
    ``user``, a provider's rate counts only the finished spot checks, the only ones it sees."""
    stmt = _counts_by_period(contract, finished_only=user is not None
                             and user.role is Role.PROVIDER)
    if period:
        stmt = stmt.where(SpotCheck.period == period)
    found: dict = {}
    for _key, result, count in db.session.execute(stmt):
        found[result] = found.get(result, 0) + count
    return _agreement(found)


def agreement_rates(contract: Contract, periods: list[str]) -> dict[str, Decimal]:
    """The agreement rate of each of ``periods`` with a record checked by a finished spot
    check, in one statement (a survey contract's year has twelve). Finished only: these are
    the performance figures, shown to the provider and deciding its payment, and a check
    under way is neither seen by the provider nor final."""
    counts: dict[str, dict] = {}
    for period, result, count in db.session.execute(
            _counts_by_period(contract, finished_only=True)
            .where(SpotCheck.period.in_(periods))):
        counts.setdefault(period, {})[result] = count
    rates = {period: _agreement(found) for period, found in counts.items()}
    return {period: value for period, value in rates.items() if value is not None}


def _agreement(counts: dict) -> Decimal | None:
    confirmed = counts.get(SpotCheckResult.CONFIRMED, 0)
    return rate(confirmed, confirmed + counts.get(SpotCheckResult.DISCREPANT, 0))
