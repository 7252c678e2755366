"""Spot checks (抽查) of household-survey records.

An officer draws a sample of a contract's records for one period and assigns it to an
inspector, who marks each sampled record confirmed or discrepant.

The sample (the local rule: the district re-checks at least 30 % of households; relatives of
staff are checked 100 %): ``percent`` % of each surveyor's records, rounded up, so every
surveyor is sampled (:func:`contracts.households.sampling.stratified_sample`), and on top every
household of a staff relative and every household carrying an anomaly flag. ``percent`` comes
from the contract's policy, else config ``SPOT_CHECK_PERCENT`` (30); it may never lie below
config ``SPOT_CHECK_FLOOR_PERCENT`` (30). The seed is stored, so :func:`redraw` repeats a draw
exactly while the period's records are unchanged; spot checks drawn before stratification
repeat with their own simple draw.

Who sees what: officers and admins the spot checks of the contracts they see; an inspector
only the spot checks assigned to them; a provider only the finished ones of its contracts, and
of those only the rates (no items).
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app import clock
from app.errors import Conflict, Forbidden, NotFound, ValidationError
from app.extensions import db
from app.scoping import one_visible
from app.unit_of_work import claim_row
from app.users.models import Role, User
from contracts.households.anomalies import any_flag_ids
from contracts.households.files import ALL_FIELDS
from contracts.households.findings import rate
from contracts.households.models import (
    HouseholdRecord,
    SampleMethod,
    SelectedAs,
    SpotCheck,
    SpotCheckItem,
    SpotCheckPolicy,
    SpotCheckResult,
    SpotCheckStatus,
)
from contracts.households.sampling import (
    share_of,
    simple_sample,
    simple_size,
    stratified_sample,
    wilson_interval,
)
from contracts.models import Contract, ServiceType
from contracts.visibility import visible_contracts

#: defaults of config SPOT_CHECK_PERCENT and SPOT_CHECK_FLOOR_PERCENT
DEFAULT_PERCENT = 30
FLOOR_PERCENT = 30
DEFAULT_MINIMUM = 20
_SEED_LIMIT = 2**31


def floor_percent() -> int:
    return int(current_app.config.get("SPOT_CHECK_FLOOR_PERCENT", FLOOR_PERCENT))


def contract_percent(contract: Contract) -> int:
    """The contract's re-check share: its policy, else the configured default (never below
    the floor)."""
    policy = db.session.scalar(sa.select(SpotCheckPolicy.percent).where(
        SpotCheckPolicy.contract_id == contract.id))
    default = int(current_app.config.get("SPOT_CHECK_PERCENT", DEFAULT_PERCENT))
    return max(policy if policy is not None else default, floor_percent())


def set_contract_percent(contract: Contract, percent: Any, *, actor: User | None) -> int:
    """Set the contract's re-check share (officers; never below the floor)."""
    if actor is not None and actor.role not in (Role.OFFICER, Role.ADMIN):
        raise Forbidden(_("Only officers set the re-check share."))
    floor = floor_percent()
    if isinstance(percent, bool) or not isinstance(percent, int) or not floor <= percent <= 100:
        message = _("A percentage from %(floor)d (the floor) to 100.", floor=floor)
        raise ValidationError(message, {"percent": [message]})
    policy = db.session.scalar(sa.select(SpotCheckPolicy).where(
        SpotCheckPolicy.contract_id == contract.id))
    if policy is None:
        policy = SpotCheckPolicy(contract_id=contract.id, percent=percent)
        db.session.add(policy)
    policy.percent = percent
    policy.updated_by_id = actor.id if actor is not None else None
    db.session.flush()
    return percent


def sample_size(population: int, percent: int = DEFAULT_PERCENT,
                minimum: int = DEFAULT_MINIMUM) -> int:
    """max(percent % rounded up, minimum), capped by the population (the simple rule)."""
    return simple_size(population, percent, minimum)


def population_ids(contract: Contract | int, period: str) -> list[int]:
    contract_id = contract if isinstance(contract, int) else contract.id
    return list(db.session.scalars(
        sa.select(HouseholdRecord.id).where(HouseholdRecord.contract_id == contract_id,
                                            HouseholdRecord.period == period)
        .order_by(HouseholdRecord.id)))


def _strata(contract_id: int, period: str) -> dict[str, list[int]]:
    strata: dict[str, list[int]] = {}
    for record_id, surveyor in db.session.execute(
            sa.select(HouseholdRecord.id, HouseholdRecord.surveyor)
            .where(HouseholdRecord.contract_id == contract_id, HouseholdRecord.period == period)
            .order_by(HouseholdRecord.id)):
        strata.setdefault(surveyor, []).append(record_id)
    return strata


def _forced(contract_id: int, period: str) -> dict[int, SelectedAs]:
    """Records always re-checked: staff relatives first, then flagged ones."""
    forced = {record_id: SelectedAs.FLAGGED for record_id in any_flag_ids(contract_id, period)}
    for record_id in db.session.scalars(sa.select(HouseholdRecord.id).where(
            HouseholdRecord.contract_id == contract_id, HouseholdRecord.period == period,
            HouseholdRecord.staff_relative.is_(True))):
        forced[record_id] = SelectedAs.STAFF_RELATIVE
    return forced


def draw_sample(contract_id: int, period: str, seed: int, percent: int,
                minimum: int = 0) -> dict[int, SelectedAs]:
    """The stratified sample with its forced inclusions: record id → why it is in."""
    drawn = stratified_sample(_strata(contract_id, period), seed, percent, minimum)
    return {record_id: SelectedAs.RANDOM for record_id in drawn} | _forced(contract_id, period)


def redraw(spot_check: SpotCheck) -> list[int]:
    """The records the stored seed draws today (the same as the items while the period's
    records are unchanged)."""
    if spot_check.method is SampleMethod.SIMPLE:
        return simple_sample(population_ids(spot_check.contract_id, spot_check.period),
                             spot_check.seed, spot_check.size)
    return list(draw_sample(spot_check.contract_id, spot_check.period, spot_check.seed,
                            spot_check.percent, spot_check.minimum))


def draw_spot_check(contract: Contract, *, period: str, inspector: User | int | None,
                    actor: User | None, seed: int | None = None, percent: int | None = None,
                    minimum: int = DEFAULT_MINIMUM) -> SpotCheck:
    """Draw the sample of the contract's records of ``period`` for ``inspector``."""
    errors: dict[str, list[str]] = {}
    if actor is not None and actor.role not in (Role.OFFICER, Role.ADMIN):
        raise Forbidden(_("Only officers draw spot checks."))
    if contract.service_type is not ServiceType.HOUSEHOLD_SURVEY:
        raise Conflict(_("Spot checks are drawn from household-survey contracts only."))
    if isinstance(inspector, int):
        inspector = db.session.get(User, inspector)
    if inspector is None or not inspector.is_active_inspector:
        errors.setdefault("inspector_id", []).append(_("Choose an inspector."))
    elif inspector.region is None or not inspector.region.contains(contract.region):
        errors.setdefault("inspector_id", []).append(
            _("The inspector does not work in the contract's region."))
    if percent is None:
        percent = contract_percent(contract)
    floor = floor_percent()
    if not (isinstance(percent, int) and floor <= percent <= 100):
        errors.setdefault("percent", []).append(
            _("A percentage from %(floor)d (the floor) to 100.", floor=floor))
    if not (isinstance(minimum, int) and 0 <= minimum <= 10_000):
        errors.setdefault("minimum", []).append(_("A number from 0 to 10,000."))
    if seed is not None and not (isinstance(seed, int) and 0 <= seed < _SEED_LIMIT):
        errors.setdefault("seed", []).append(_("A whole number from 0 to 2147483647."))
    population = len(population_ids(contract, period or ""))
    if not population:
        errors.setdefault("period", []).append(_("The contract has no records in this period."))
    if errors:
        raise ValidationError(_("The spot check was not drawn."), errors)
    # one open check a period, judged on the contract held: a double click (or two officers)
    # drew two, sending two inspectors to the same households
    claim_row(contract, lambda: _refuse_if_one_is_open(contract, period))
    if seed is None:
        seed = random.SystemRandom().randrange(_SEED_LIMIT)
    sample = draw_sample(contract.id, period, seed, percent, minimum)
    spot_check = SpotCheck(contract=contract, period=period, seed=seed, percent=percent,
                           minimum=minimum, size=len(sample), population=population,
                           inspector=inspector, drawn_by_id=actor.id if actor else None,
                           drawn_at=clock.now(), status=SpotCheckStatus.OPEN,
                           method=SampleMethod.STRATIFIED)
    spot_check.items = [SpotCheckItem(record_id=record_id, selected_as=reason)
                        for record_id, reason in sorted(sample.items())]
    db.session.add(spot_check)
    db.session.flush()
    return spot_check


def _refuse_if_one_is_open(contract: Contract, period: str) -> None:
    open_id = db.session.scalar(sa.select(SpotCheck.id).where(
        SpotCheck.contract_id == contract.id, SpotCheck.period == period,
        SpotCheck.status == SpotCheckStatus.OPEN))
    if open_id is not None:
        message = _("Spot check #%(id)d of %(period)s is still open: finish it before drawing "
                    "another of the same period.", id=open_id, period=period)
        raise Conflict(message, {"period": [message]})


def strata_summary(spot_check: SpotCheck) -> list[dict]:
    """Per surveyor: records of the period, the share drawn at random, and all sampled."""
    rows = []
    sampled: dict[str, int] = {}
    for item in spot_check.items:
        sampled[item.record.surveyor] = sampled.get(item.record.surveyor, 0) + 1
    for surveyor, ids in sorted(_strata(spot_check.contract_id, spot_check.period).items()):
        rows.append({"surveyor": surveyor, "records": len(ids),
                     "share": share_of(len(ids), spot_check.percent),
                     "sampled": sampled.get(surveyor, 0)})
    return rows


def _refuse_if_done(spot_check: SpotCheck) -> None:
    if spot_check.status is SpotCheckStatus.DONE:
        raise Conflict(_("This spot check is finished."))


def record_result(item: SpotCheckItem, *, actor: User | None, result: str,
                  field: str | None = None, finding: str = "") -> SpotCheckItem:
    """The inspector's finding on one sampled record; the check is done when none is pending."""
    spot_check = item.spot_check
    if actor is not None and actor.id != spot_check.inspector_id:
        raise Forbidden(_("Only the assigned inspector records results."))
    # one result at a time: two saved at once each counted the other's item still pending,
    # and the check with none pending was never done
    claim_row(spot_check, lambda: _refuse_if_done(spot_check))
    errors: dict[str, list[str]] = {}
    finding = (finding or "").strip()
    if result not in (SpotCheckResult.CONFIRMED.value, SpotCheckResult.DISCREPANT.value):
        errors.setdefault("result", []).append(_("Choose confirmed or discrepant."))
    elif result == SpotCheckResult.DISCREPANT.value:
        if field not in ALL_FIELDS:
            errors.setdefault("field", []).append(_("Name the field that was found wrong."))
        if not finding:
            errors.setdefault("finding", []).append(_("Say what was found."))
    if len(finding) > 2000:
        errors.setdefault("finding", []).append(_("At most 2,000 characters."))
    if errors:
        raise ValidationError(_("The result was not saved."), errors)
    item.result = SpotCheckResult(result)
    item.field = field if result == SpotCheckResult.DISCREPANT.value else None
    item.finding = finding
    item.checked_at = clock.now()
    db.session.flush()
    pending = db.session.scalar(sa.select(sa.func.count()).select_from(SpotCheckItem).where(
        SpotCheckItem.spot_check_id == spot_check.id,
        SpotCheckItem.result == SpotCheckResult.PENDING))
    if not pending:
        spot_check.status = SpotCheckStatus.DONE
        spot_check.done_at = clock.now()
        db.session.flush()
    return item


def counts(spot_check: SpotCheck) -> dict[str, int]:
    rows = dict(db.session.execute(
        sa.select(SpotCheckItem.result, sa.func.count())
        .where(SpotCheckItem.spot_check_id == spot_check.id)
        .group_by(SpotCheckItem.result)).all())
    return {r.value: rows.get(r, 0) for r in SpotCheckResult}


def spot_check_rate(spot_check: SpotCheck) -> Decimal | None:
    """confirmed ÷ checked of one spot check (a fraction, 4 places), None before any check."""
    c = counts(spot_check)
    return rate(c["confirmed"], c["confirmed"] + c["discrepant"])


def agreement(spot_check: SpotCheck) -> dict[str, Any]:
    """The counts of one spot check, its agreement rate and the rate's 95 % Wilson interval
    (fractions with 4 places; ``None`` before any record was checked)."""
    c = counts(spot_check)
    checked = c["confirmed"] + c["discrepant"]
    low, high = wilson_interval(c["confirmed"], checked)
    return c | {"checked": checked, "rate": rate(c["confirmed"], checked), "ci_low": low,
                "ci_high": high}


# ---- visibility -----------------------------------------------------------------------------

def visible_spot_checks(user: User) -> sa.Select:
    """Officers/admins: of the contracts they see; inspectors: assigned to them; providers:
    the finished ones of their contracts."""
    stmt = sa.select(SpotCheck)
    if user.role is Role.INSPECTOR:
        return stmt.where(SpotCheck.inspector_id == user.id)
    contracts = visible_contracts(user).with_only_columns(Contract.id).order_by(None)
    stmt = stmt.where(SpotCheck.contract_id.in_(contracts))
    if user.role is Role.PROVIDER:
        stmt = stmt.where(SpotCheck.status == SpotCheckStatus.DONE)
    return stmt


def spot_checks_stmt(user: User, *, contract: Contract | None = None,
                     status: SpotCheckStatus | str | None = None) -> sa.Select:
    """The spot checks ``user`` may see, newest first; of one contract, in one status (the
    list of the HTML pages and of the API alike)."""
    stmt = visible_spot_checks(user)
    if contract is not None:
        stmt = stmt.where(SpotCheck.contract_id == contract.id)
    if status:
        stmt = stmt.where(SpotCheck.status == status)
    return stmt.order_by(SpotCheck.id.desc())


def get_visible_spot_check(user: User, spot_check_id: Any) -> SpotCheck:
    return one_visible(visible_spot_checks(user), SpotCheck.id, spot_check_id)


def get_item(spot_check: SpotCheck, item_id: Any) -> SpotCheckItem:
    try:
        ident = int(item_id)
    except (TypeError, ValueError):
        raise NotFound(_("Not found.")) from None
    item = db.session.get(SpotCheckItem, ident)
    if item is None or item.spot_check_id != spot_check.id:
        raise NotFound(_("Not found."))
    return item


def may_see_items(user: User) -> bool:
    return user.role is not Role.PROVIDER


def inspectors_for(contract: Contract) -> list[User]:
    """Enabled inspectors whose region contains the contract's region."""
    users = db.session.scalars(sa.select(User).where(User.role == Role.INSPECTOR,
                                                     User.is_enabled.is_(True))
                               .order_by(User.name, User.email)).all()
    return [u for u in users if u.region is not None and u.region.contains(contract.region)]
