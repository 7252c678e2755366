"""Subsistence standards (低保标准) and the anomaly flags of household records.

A record is flagged when its income lies above the standard of its region on its survey day,
when its surveyor recorded more households in a day than the configured maximum, or when its ID
number appears under another contract in the same period. Flags are computed on demand (GROUP BY
served by an index), never stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.errors import NotFound, ValidationError
from app.extensions import db
from app.regions.models import Region
from app.scoping import one_visible, region_subtree, scope
from app.users.models import REGION_ROLES, Role, User
from contracts.households.models import HouseholdRecord, Recommendation, SubsistenceStandard
from contracts.labels import ANOMALY_LABELS
from contracts.models import Contract
from contracts.visibility import visible_contracts

#: default of app.config["HOUSEHOLD_SURVEYOR_DAILY_MAX"]
SURVEYOR_DAILY_MAX = 15

ANOMALY_KINDS = tuple(ANOMALY_LABELS)


# ---- subsistence standards ------------------------------------------------------------------

def visible_standards(user: User) -> sa.Select:
    """Standards of the regions in ``user``'s subtree (admins: all)."""
    return scope(sa.select(SubsistenceStandard).join(SubsistenceStandard.region), user,
                 region=SubsistenceStandard.region_id).order_by(
        Region.code, SubsistenceStandard.effective_from.desc())


def standards_for(user: User) -> list[SubsistenceStandard]:
    """The standards ``user`` may see, by region, the latest first within a region."""
    return list(db.session.scalars(visible_standards(user)))


def _money(value: Any, field: str, errors: dict) -> Decimal | None:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("Enter an amount in yuan like 750.00."))
        return None
    if not amount.is_finite() or amount <= 0 or amount >= 10**6 or \
            amount != amount.quantize(Decimal("0.01")):
        errors.setdefault(field, []).append(_("Enter an amount above 0 with at most 2 decimals."))
        return None
    return amount.quantize(Decimal("0.01"))


def save_standard(*, region: Region | str | None, monthly_amount: Any, effective_from: Any,
                  actor: User | None, standard: SubsistenceStandard | None = None
                  ) -> SubsistenceStandard:
    """Create (or, with ``standard``, change) a region's standard from a day on."""
    errors: dict[str, list[str]] = {}
    if isinstance(region, str):
        region = db.session.scalar(sa.select(Region).where(Region.code == region.strip()))
    if region is None:
        errors.setdefault("region_code", []).append(_("Choose a region."))
    elif actor is not None and actor.role is not Role.ADMIN and (
            actor.role not in REGION_ROLES or actor.region is None
            or not actor.region.contains(region)):
        errors.setdefault("region_code", []).append(
            _("This region lies outside your own region."))
    amount = _money(monthly_amount, "monthly_amount", errors)
    day = effective_from
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day)
        except ValueError:
            day = None
    if not isinstance(day, date):
        errors.setdefault("effective_from", []).append(_("Enter a date like 2026-01-01."))
    if region is not None and isinstance(day, date) and not errors:
        clash = db.session.scalar(sa.select(SubsistenceStandard).where(
            SubsistenceStandard.region_id == region.id,
            SubsistenceStandard.effective_from == day))
        if clash is not None and clash is not standard:
            errors.setdefault("effective_from", []).append(
                _("This region already has a standard from that day; change that one."))
    if errors:
        raise ValidationError(_("The standard was not saved."), errors)
    if standard is None:
        standard = SubsistenceStandard(region=region, monthly_amount=amount, effective_from=day)
        db.session.add(standard)
    else:
        standard.region = region
        standard.monthly_amount = amount
        standard.effective_from = day
    db.session.flush()
    return standard


def get_visible_standard(user: User, standard_id: Any) -> SubsistenceStandard:
    if user.role not in (Role.OFFICER, Role.ADMIN):
        raise NotFound(_("Not found."))
    return one_visible(visible_standards(user), SubsistenceStandard.id, standard_id)


def delete_standard(standard: SubsistenceStandard) -> None:
    db.session.delete(standard)
    db.session.flush()


def standard_on(region: Region, day: date) -> Decimal | None:
    """The nearest ancestor's (or the region's own) latest standard effective on ``day``."""
    ids = [int(part) for part in region.path.strip("/").split("/") if part]
    rows = db.session.execute(
        sa.select(SubsistenceStandard.region_id, SubsistenceStandard.monthly_amount)
        .where(SubsistenceStandard.region_id.in_(ids),
               SubsistenceStandard.effective_from <= day)
        .order_by(SubsistenceStandard.effective_from)).all()
    latest = {region_id: amount for region_id, amount in rows}
    for region_id in reversed(ids):
        if region_id in latest:
            return latest[region_id]
    return None


def _standard_segments(region_ids: Iterable[int]) -> list[tuple[int, date, date, Decimal]]:
    """(region_id, from, until (exclusive), amount) of the standard in force for each region:
    the nearest ancestor's latest one, as it changes over time."""
    region_ids = set(region_ids)
    if not region_ids:
        return []
    paths = dict(db.session.execute(sa.select(Region.id, Region.path)
                                    .where(Region.id.in_(region_ids))).all())
    by_region: dict[int, list[tuple[date, Decimal]]] = {}
    for region_id, day, amount in db.session.execute(sa.select(
            SubsistenceStandard.region_id, SubsistenceStandard.effective_from,
            SubsistenceStandard.monthly_amount).order_by(SubsistenceStandard.effective_from)):
        by_region.setdefault(region_id, []).append((day, amount))
    far = date(9999, 12, 31)
    segments = []
    for region_id, path in paths.items():
        chain = [int(p) for p in path.strip("/").split("/") if p]
        timelines = [(depth, by_region[a]) for depth, a in enumerate(chain) if a in by_region]
        if not timelines:
            continue
        changes = sorted({day for _d, line in timelines for day, _a in line})
        for i, day in enumerate(changes):
            amount = None
            for _depth, line in reversed(timelines):  # nearest ancestor first
                effective = [a for d, a in line if d <= day]
                if effective:
                    amount = effective[-1]
                    break
            until = changes[i + 1] if i + 1 < len(changes) else far
            if amount is not None:
                segments.append((region_id, day, until, amount))
    return segments


def _segments_table(segments: list[tuple[int, date, date, Decimal]]) -> sa.FromClause:
    """The segments as a derived table (region_id, since, until, amount): VALUES where the
    database can name its columns, nested UNION ALLs of 400 rows on SQLite (which has neither
    named VALUES columns nor more than 500 terms in one compound SELECT)."""
    if db.session.get_bind().dialect.name != "sqlite":
        return sa.values(sa.column("region_id", sa.Integer), sa.column("since", sa.Date),
                         sa.column("until", sa.Date), sa.column("amount", sa.Numeric(14, 2)),
                         name="standard_segments").data(segments)

    def row(region_id: int, since: date, until: date, amount: Decimal) -> sa.Select:
        return sa.select(sa.literal(region_id, sa.Integer).label("region_id"),
                         sa.literal(since, sa.Date).label("since"),
                         sa.literal(until, sa.Date).label("until"),
                         sa.literal(amount, sa.Numeric(14, 2)).label("amount"))

    parts = [sa.union_all(*(row(*segment) for segment in segments[i:i + 400])).subquery()
             for i in range(0, len(segments), 400)]
    if len(parts) == 1:
        return parts[0].alias("standard_segments")
    return sa.union_all(*(sa.select(part) for part in parts)).subquery("standard_segments")


# ---- anomaly flags --------------------------------------------------------------------------

def _daily_max() -> int:
    return int(current_app.config.get("HOUSEHOLD_SURVEYOR_DAILY_MAX", SURVEYOR_DAILY_MAX))


def flagged_ids(kind: str, contract_ids: Sequence[int] | sa.Select | None = None,
                record_ids: Sequence[int] | None = None) -> sa.Select:
    """``SELECT id`` of the records flagged ``kind`` (optionally among some contracts or
    records only). Computed on demand with GROUP BY; an index serves each."""
    r = HouseholdRecord
    where = []
    if contract_ids is not None:
        where.append(r.contract_id.in_(contract_ids))
    if record_ids is not None:
        where.append(r.id.in_(record_ids))
    if kind == "income_above_standard":
        region_stmt = sa.select(r.region_id).where(*where).distinct()
        segments = _standard_segments(db.session.scalars(region_stmt))
        if not segments:
            return sa.select(r.id).where(sa.false())
        seg = _segments_table(segments)
        return (sa.select(r.id).join(seg, seg.c.region_id == r.region_id)
                .where(*where, r.survey_date >= seg.c.since, r.survey_date < seg.c.until,
                       r.recommendation.in_([Recommendation.DIBAO, Recommendation.TEKUN]),
                       r.monthly_income > seg.c.amount * r.members))
    if kind == "surveyor_overload":
        groups = (sa.select(r.contract_id, r.surveyor, r.survey_date)
                  .group_by(r.contract_id, r.surveyor, r.survey_date)
                  .having(sa.func.count() > _daily_max()))
        if contract_ids is not None:
            groups = groups.where(r.contract_id.in_(contract_ids))
        groups = groups.subquery()
        return sa.select(r.id).join(groups, sa.and_(
            groups.c.contract_id == r.contract_id, groups.c.surveyor == r.surveyor,
            groups.c.survey_date == r.survey_date)).where(*where)
    if kind == "duplicate_id":
        other = sa.orm.aliased(HouseholdRecord)
        return sa.select(r.id).where(*where, sa.exists().where(
            other.id_number == r.id_number, other.period == r.period,
            other.contract_id != r.contract_id))
    raise ValueError(kind)


def flags_for(record_ids: Sequence[int]) -> dict[int, list[str]]:
    """The anomaly kinds of each of some records (for badges on a page of a list)."""
    flags: dict[int, list[str]] = {}
    if not record_ids:
        return flags
    ids = list(record_ids)
    contract_ids = sa.select(HouseholdRecord.contract_id).where(
        HouseholdRecord.id.in_(ids)).distinct()
    for kind in ANOMALY_KINDS:
        for record_id in db.session.scalars(flagged_ids(kind, contract_ids, ids)):
            flags.setdefault(record_id, []).append(kind)
    return flags


def anomalies_stmt(user: User, *, kind: str | None = None, contract_id: int | None = None,
                   county: Region | None = None) -> sa.Select:
    """Records (visible to ``user``) carrying a flag, or the flag ``kind``."""
    contracts = visible_contracts(user).with_only_columns(Contract.id).order_by(None)
    if contract_id is not None:
        contracts = contracts.where(Contract.id == contract_id)
    if county is not None:
        contracts = contracts.where(Contract.region_id.in_(region_subtree(county)))
    kinds = [kind] if kind in ANOMALY_KINDS else list(ANOMALY_KINDS)
    flagged = sa.union(*(flagged_ids(k, contracts) for k in kinds)).subquery()
    return (sa.select(HouseholdRecord).where(HouseholdRecord.id.in_(sa.select(flagged.c.id)))
            .order_by(HouseholdRecord.survey_date.desc(), HouseholdRecord.id.desc()))


def surveyor_daily_max() -> int:
    return _daily_max()
