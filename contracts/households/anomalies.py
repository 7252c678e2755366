"""The anomaly flags of household records, each naming its rule and the figures.

Against the assistance standard in force on the survey date for the record's region and area
(:mod:`contracts.households.standards`):

- ``income_above_standard``: per-capita income above the 低保 standard, yet 低保 or 特困;
- ``assets_above_limit``: assets per person above the standard's asset limit, yet 低保 or 特困;
- ``income_far_below``: per-capita income below a share (config
  ``HOUSEHOLD_FAR_BELOW_PERCENT``, 50 %) of the 低保 standard, yet 不符合.

And as before: ``surveyor_overload`` (one surveyor recorded more households in a day than the
configured maximum) and ``duplicate_id`` (the ID number appears under another contract in the
same period). :func:`flagged_ids` applies the rules (filters and samples of one contract, and
the flags kept in ``household_flags`` by :mod:`contracts.households.flags`, which the city's
anomaly list reads: :func:`anomalies_stmt`); :func:`flag_details` words the flags of the rows
of one page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import gettext as _

from app.extensions import db
from app.paging import load_in_order
from app.regions.models import Region
from app.regions.services import get_by_code
from app.scoping import region_subtree, sees_all_regions
from app.template_helpers import yuan
from app.users.models import User
from contracts.households.models import Area, HouseholdFlag, HouseholdRecord, Recommendation
from contracts.households.standards import InForce, in_force
from contracts.labels import ANOMALY_LABELS, AREA_LABELS, RECOMMENDATION_LABELS
from contracts.models import Contract
from contracts.visibility import visible_contracts

#: default of app.config["HOUSEHOLD_SURVEYOR_DAILY_MAX"]
SURVEYOR_DAILY_MAX = 15
#: default of app.config["HOUSEHOLD_FAR_BELOW_PERCENT"]
FAR_BELOW_PERCENT = 50

ANOMALY_KINDS = tuple(ANOMALY_LABELS)
STANDARD_KINDS = ("income_above_standard", "assets_above_limit", "income_far_below")
_ASSISTED = (Recommendation.DIBAO, Recommendation.TEKUN)


def surveyor_daily_max() -> int:
    return int(current_app.config.get("HOUSEHOLD_SURVEYOR_DAILY_MAX", SURVEYOR_DAILY_MAX))


def far_below_percent() -> int:
    return int(current_app.config.get("HOUSEHOLD_FAR_BELOW_PERCENT", FAR_BELOW_PERCENT))


# ---- ids of flagged records (filters, forced inclusions) -----------------------------------

def _year(column: Any) -> sa.ColumnElement:
    return sa.cast(sa.extract("year", column), sa.Integer)


def _area(column: Any) -> sa.ColumnElement:
    return sa.func.coalesce(column, Area.RURAL.value)


def _standards_table(rows: list[tuple]) -> sa.FromClause:
    """(region_id, area, year, dibao, asset_limit) as a derived table: VALUES where the database
    can name its columns, nested UNION ALLs of 400 rows on SQLite (which has neither named
    VALUES columns nor more than 500 terms in one compound SELECT)."""
    money = sa.Numeric(14, 2)
    if db.session.get_bind().dialect.name != "sqlite":
        return sa.values(sa.column("region_id", sa.Integer), sa.column("area", sa.String(8)),
                         sa.column("year", sa.Integer), sa.column("dibao", money),
                         sa.column("asset_limit", money), name="standards_in_force").data(rows)

    def row(region_id: int, area: str, year: int, dibao: Decimal,
            asset_limit: Decimal | None) -> sa.Select:
        return sa.select(sa.literal(region_id, sa.Integer).label("region_id"),
                         sa.literal(area, sa.String(8)).label("area"),
                         sa.literal(year, sa.Integer).label("year"),
                         sa.literal(dibao, money).label("dibao"),
                         sa.literal(asset_limit, money).label("asset_limit"))

    parts = [sa.union_all(*(row(*r) for r in rows[i:i + 400])).subquery()
             for i in range(0, len(rows), 400)]
    if len(parts) == 1:
        return parts[0].alias("standards_in_force")
    return sa.union_all(*(sa.select(part) for part in parts)).subquery("standards_in_force")


def _standard_flag(kind: str, where: list) -> sa.Select:
    r = HouseholdRecord
    combos = db.session.execute(
        sa.select(r.region_id, r.area, _year(r.survey_date)).where(*where).distinct()).all()
    found = in_force((region_id, area.value if area else None, year)
                     for region_id, area, year in combos)
    if not found:
        return sa.select(r.id).where(sa.false())
    seg = _standards_table([(region_id, area, year, s.dibao, s.asset_limit)
                            for (region_id, area, year), s in found.items()])
    stmt = sa.select(r.id).join(seg, sa.and_(
        seg.c.region_id == r.region_id, seg.c.area == _area(r.area),
        seg.c.year == _year(r.survey_date))).where(*where)
    if kind == "income_above_standard":
        return stmt.where(r.recommendation.in_(_ASSISTED),
                          r.monthly_income > sa.cast(seg.c.dibao, sa.Numeric(14, 2)) * r.members)
    if kind == "assets_above_limit":
        # a VALUES column of NULLs only is text to PostgreSQL: say it is money
        limit = sa.cast(seg.c.asset_limit, sa.Numeric(14, 2))
        return stmt.where(r.recommendation.in_(_ASSISTED), limit.is_not(None),
                          r.assets > limit * r.members)
    share = Decimal(far_below_percent()) / 100
    return stmt.where(r.recommendation == Recommendation.NONE,
                      r.monthly_income < sa.cast(seg.c.dibao, sa.Numeric(14, 2)) * r.members
                      * share)


def flagged_ids(kind: str, contract_ids: Sequence[int] | sa.Select | None = None,
                record_ids: Sequence[int] | None = None, *,
                period: str | None = None) -> sa.Select:
    """``SELECT id`` of the records flagged ``kind`` (optionally among some contracts, records
    or one period only)."""
    r = HouseholdRecord
    where = []
    if contract_ids is not None:
        where.append(r.contract_id.in_(contract_ids))
    if record_ids is not None:
        where.append(r.id.in_(record_ids))
    if period is not None:
        where.append(r.period == period)
    if kind in STANDARD_KINDS:
        return _standard_flag(kind, where)
    if kind == "surveyor_overload":
        groups = (sa.select(r.contract_id, r.surveyor, r.survey_date)
                  .group_by(r.contract_id, r.surveyor, r.survey_date)
                  .having(sa.func.count() > surveyor_daily_max()))
        if contract_ids is not None:
            groups = groups.where(r.contract_id.in_(contract_ids))
        elif record_ids is not None:  # only the contracts of those records, not the city's
            of = so.aliased(HouseholdRecord)
            groups = groups.where(r.contract_id.in_(
                sa.select(of.contract_id).where(of.id.in_(record_ids))))
        groups = groups.subquery()
        return sa.select(r.id).join(groups, sa.and_(
            groups.c.contract_id == r.contract_id, groups.c.surveyor == r.surveyor,
            groups.c.survey_date == r.survey_date)).where(*where)
    if kind == "duplicate_id":
        other = so.aliased(HouseholdRecord)
        return sa.select(r.id).where(*where, sa.exists().where(
            other.id_number == r.id_number, other.period == r.period,
            other.contract_id != r.contract_id))
    raise ValueError(kind)


def any_flag_ids(contract_id: int, period: str) -> set[int]:
    """Ids of the records of one contract and period carrying any flag."""
    return set(db.session.scalars(sa.union(
        *(flagged_ids(kind, [contract_id], period=period) for kind in ANOMALY_KINDS))))


def anomalies_stmt(user: User, *, kind: str | None = None, contract_id: int | None = None,
                   county: Region | str | None = None) -> sa.Select:
    """Ids of the records (visible to ``user``) carrying a flag, or the flag ``kind``, newest
    survey first: a page of them reads the stored flags only (:func:`records_by_id` then
    loads the page's records). ``county`` is a region or its code."""
    contracts = visible_contracts(user).with_only_columns(Contract.id).order_by(None)
    if contract_id is not None:
        contracts = contracts.where(Contract.id == contract_id)
    if isinstance(county, str):
        found = get_by_code(county)
        # a code that names no region holds no records: ignoring it listed the whole city's
        contracts = contracts.where(sa.false()) if found is None else contracts
        county = found
    if county is not None:
        contracts = contracts.where(Contract.region_id.in_(region_subtree(county)))
    f = HouseholdFlag
    flags = sa.select(f.record_id, f.survey_date).where(f.contract_id.in_(contracts))
    if kind in ANOMALY_KINDS:
        flags = flags.where(f.kind == kind)
    if sees_all_regions(user) and contract_id is None and county is None:
        flags, record, surveyed = flags.with_only_columns(f.record_id), f.record_id, f.survey_date
    else:
        # A part of the city holds a few thousand flags: read them by contract, then sort.
        # Left to the planner, PostgreSQL read the city's flags newest first, expecting the
        # part's 25 newest among the first rows, and walked 13,000 of 19,000 when the part
        # had surveyed before the rest (a county's first page: 23 ms; read this way, 5 ms).
        scoped = flags.cte("scoped_flags").prefix_with("MATERIALIZED")
        flags, record, surveyed = (sa.select(scoped.c.record_id), scoped.c.record_id,
                                   scoped.c.survey_date)
    return flags.group_by(record, surveyed).order_by(surveyed.desc(), record.desc())


def records_by_id(ids: Sequence[int]) -> list[HouseholdRecord]:
    """The records of ``ids``, in that order, with their region and contract."""
    return load_in_order(HouseholdRecord, ids, (so.joinedload(HouseholdRecord.region),
                                                so.joinedload(HouseholdRecord.contract)))


# ---- the flags of a page of records, with their figures --------------------------------------

@dataclass(frozen=True, slots=True)
class Flag:
    kind: str
    message: str

    @property
    def label(self) -> str:
        return str(ANOMALY_LABELS[self.kind])


def _basis(s: InForce) -> str:
    return _("%(region)s %(year)d, %(area)s", region=s.region_name, year=s.year,
             area=AREA_LABELS[s.area])


def _per_head(amount: Decimal, members: int, rounding: str) -> Decimal:
    """An amount per person to the fen, rounded toward the side of the comparison that
    flagged it: rounded to the nearest fen, 560.0033 would read "¥560.00 is above ¥560.00"."""
    return (amount / members).quantize(Decimal("0.01"), rounding=rounding)


def standard_flags(record: HouseholdRecord, s: InForce | None) -> list[Flag]:
    """The standard-based flags of one record, against the standard ``s`` in force."""
    if s is None:
        return []
    flags = []
    members = record.members
    verdict = str(RECOMMENDATION_LABELS[record.recommendation.value])
    if record.recommendation in _ASSISTED:
        if record.monthly_income > s.dibao * record.members:
            flags.append(Flag("income_above_standard", _(
                "Per-capita income %(income)s is above the 低保 standard %(standard)s "
                "(%(basis)s), yet the recommendation is %(verdict)s.",
                income=yuan(_per_head(record.monthly_income, members, ROUND_CEILING)),
                standard=yuan(s.dibao), basis=_basis(s), verdict=verdict)))
        if s.asset_limit is not None and record.assets > s.asset_limit * record.members:
            flags.append(Flag("assets_above_limit", _(
                "Assets per person %(assets)s exceed the limit %(limit)s (%(basis)s), yet the "
                "recommendation is %(verdict)s.",
                assets=yuan(_per_head(record.assets, members, ROUND_CEILING)),
                limit=yuan(s.asset_limit), basis=_basis(s), verdict=verdict)))
    elif record.recommendation is Recommendation.NONE:
        share = far_below_percent()
        if record.monthly_income < s.dibao * record.members * Decimal(share) / 100:
            flags.append(Flag("income_far_below", _(
                "Per-capita income %(income)s is below %(share)d%% of the 低保 standard "
                "%(standard)s (%(basis)s), yet the recommendation is %(verdict)s.",
                income=yuan(_per_head(record.monthly_income, members, ROUND_FLOOR)),
                share=share, standard=yuan(s.dibao), basis=_basis(s), verdict=verdict)))
    return flags


def flag_details(records: Iterable[HouseholdRecord],
                 user: User | None = None) -> dict[int, list[Flag]]:
    """The flags of each of some records (a page of a list), each with its message, as
    ``user`` may read them: the duplicate-ID flag names only the contracts ``user`` sees (a
    provider sees nothing of another provider, a county officer nothing of another county)."""
    records = list(records)
    flags: dict[int, list[Flag]] = {}
    if not records:
        return flags
    found = in_force((r.region_id, r.area.value if r.area else None, r.survey_date.year)
                     for r in records)
    for r in records:
        key = (r.region_id, r.area.value if r.area else Area.RURAL.value, r.survey_date.year)
        for flag in standard_flags(r, found.get(key)):
            flags.setdefault(r.id, []).append(flag)
    ids = [r.id for r in records]
    by_id = {r.id: r for r in records}
    daily_max = surveyor_daily_max()
    overloaded = set(db.session.scalars(flagged_ids("surveyor_overload", None, ids)))
    if overloaded:
        h = HouseholdRecord
        counts = dict(((c, s, d), n) for c, s, d, n in db.session.execute(
            sa.select(h.contract_id, h.surveyor, h.survey_date, sa.func.count())
            .where(h.contract_id.in_({by_id[i].contract_id for i in overloaded}),
                   h.surveyor.in_({by_id[i].surveyor for i in overloaded}),
                   h.survey_date.in_({by_id[i].survey_date for i in overloaded}))
            .group_by(h.contract_id, h.surveyor, h.survey_date)))
        for record_id in sorted(overloaded):
            r = by_id[record_id]
            flags.setdefault(record_id, []).append(Flag("surveyor_overload", _(
                "%(name)s recorded %(n)d households on %(day)s; at most %(max)d a day are "
                "expected.", name=r.surveyor, day=r.survey_date.isoformat(), max=daily_max,
                n=counts.get((r.contract_id, r.surveyor, r.survey_date), 0))))
    other = so.aliased(HouseholdRecord)
    seen = (sa.true() if user is None else Contract.id.in_(
        visible_contracts(user).with_only_columns(Contract.id).order_by(None)))
    unnamed: set[int] = set()
    for record_id, number, visible in db.session.execute(
            sa.select(HouseholdRecord.id, Contract.number, seen)
            .join(other, sa.and_(other.id_number == HouseholdRecord.id_number,
                                 other.period == HouseholdRecord.period,
                                 other.contract_id != HouseholdRecord.contract_id))
            .join(Contract, Contract.id == other.contract_id)
            .where(HouseholdRecord.id.in_(ids)).order_by(Contract.number)):
        period = by_id[record_id].period
        if visible:
            message = _("The same ID number is recorded under contract %(number)s in period "
                        "%(period)s.", number=number, period=period)
        elif record_id in unnamed:
            continue  # one flag for all the other providers' contracts
        else:
            unnamed.add(record_id)
            message = _("The same ID number is recorded under another contract in period "
                        "%(period)s.", period=period)
        flags.setdefault(record_id, []).append(Flag("duplicate_id", message))
    return flags
