"""Household-survey records: import (all or nothing), listing, progress, personal-data masking,
subsistence standards and anomaly flags.

Every operation flushes, never commits. The validation of a file is the pure engine
:mod:`contracts.household_import`; this module adds what needs the database: the contract's
region subtree, the ID numbers already stored for a contract and period, and the bulk insert.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock
from app.audit.listener import record_event
from app.errors import Conflict, Forbidden, NotFound, ValidationError
from app.extensions import db
from app.regions.models import Level, Region
from app.scoping import region_subtree, scope
from app.users.models import REGION_ROLES, Role, User
from contracts.household_files import LABELS, UnreadableFile, column_map, open_table
from contracts.household_import import (
    ImportContext,
    ImportResult,
    RowError,
    read_households,
)
from contracts.household_models import (
    HouseholdImport,
    HouseholdRecord,
    Recommendation,
    SubsistenceStandard,
)
from contracts.models import Contract, ContractStatus, Reporting, ServiceType
from contracts.visibility import visible_contracts

#: rows per INSERT statement of an import
CHUNK = 5000
#: default of app.config["HOUSEHOLD_SURVEYOR_DAILY_MAX"]
SURVEYOR_DAILY_MAX = 15

RECOMMENDATION_LABELS = {
    "dibao": _l("Subsistence allowance (低保)"),
    "tekun": _l("Extreme poverty support (特困)"),
    "temporary": _l("Temporary assistance (临时救助)"),
    "none": _l("Not eligible (不符合)"),
}
ANOMALY_LABELS = {
    "income_above_standard": _l("Income above the subsistence standard"),
    "surveyor_overload": _l("Too many households for one surveyor in a day"),
    "duplicate_id": _l("Same ID number under another contract in the period"),
}
ANOMALY_KINDS = tuple(ANOMALY_LABELS)


# ---- periods and masking --------------------------------------------------------------------

def period_key(reporting: Reporting | str, day: date) -> str:
    """The reporting period a day falls in: "2026-10" (monthly) or "2026-Q4" (quarterly)."""
    if str(reporting) == Reporting.QUARTERLY.value:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def mask_id(number: str) -> str:
    """First 6 + ******** + last 4 characters."""
    if not number:
        return ""
    return f"{number[:6]}********{number[-4:]}"


def may_view_full_ids(user: User) -> bool:
    return user.role in (Role.OFFICER, Role.ADMIN) and bool(user.can_view_full_ids)


def shown_id(record: HouseholdRecord, user: User) -> str:
    """The ID number as ``user`` sees it in lists: always masked (a full view is a separate,
    audited step)."""
    return mask_id(record.id_number)


# ---- import ---------------------------------------------------------------------------------

class HouseholdImportError(ValidationError):
    """A file was refused; ``errors`` are the row errors shown (up to the engine's limit),
    ``error_count`` counts all of them. Nothing was stored."""

    def __init__(self, errors: list[RowError], error_count: int):
        super().__init__(
            _("The file has %(n)d errors; nothing was imported.", n=error_count),
            {"file": [_("Correct the rows listed and upload the whole file again.")]})
        self.errors = errors
        self.error_count = error_count

    def rows(self) -> list[dict]:
        """The errors as JSON (messages translated now)."""
        return [{"row": e.row, "field": e.field, "message": str(e.message)} for e in self.errors]


def may_import(user: User, contract: Contract) -> bool:
    """The contract's provider, or an officer/admin who sees it (the caller checked that)."""
    if user.role is Role.PROVIDER:
        return user.provider_id == contract.provider_id
    return user.role in (Role.OFFICER, Role.ADMIN)


def _check_importable(contract: Contract, actor: User | None) -> None:
    if actor is not None and not may_import(actor, contract):
        raise Forbidden(_("Only the contract's provider or an officer may import records."))
    if contract.service_type is not ServiceType.HOUSEHOLD_SURVEY:
        raise Conflict(_("Household records belong to household-survey contracts only."))
    if contract.status is not ContractStatus.ACTIVE:
        raise Conflict(_("Records can be imported into an active contract only; this one is "
                         "%(status)s.", status=contract.status.value))


def _subtree_codes(region: Region) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Region.code, Region.id).where(Region.path.startswith(region.path)))
    return dict(rows.all())


def _stored_pairs(contract: Contract) -> set[tuple[str, str]]:
    rows = db.session.execute(sa.select(HouseholdRecord.id_number, HouseholdRecord.period)
                              .where(HouseholdRecord.contract_id == contract.id))
    return set(rows)


def _clashing_ids(data: bytes, filename: str, contract: Contract,
                  stored: set[tuple[str, str]]) -> frozenset[str]:
    """ID numbers of the file already stored for the contract in the period of their row's
    survey date (a light scan of the raw cells; the engine reports the rows)."""
    try:
        table = open_table(data, filename)
        indices, missing, _unknown, _repeated = column_map(table.header)
        if "id_number" in missing or "survey_date" in missing:
            return frozenset()
        id_at, day_at = indices["id_number"], indices["survey_date"]
        ids = {number for number, _period in stored}
        clashes = set()
        for _row, cells in table.rows:
            if len(cells) <= max(id_at, day_at):
                continue
            number = cells[id_at]
            if number.__class__ is not str:
                continue
            number = number.strip().upper()
            if number not in ids:
                continue
            day = _as_date(cells[day_at])
            if day is not None and (number, period_key(contract.reporting, day)) in stored:
                clashes.add(number)
    except UnreadableFile:
        return frozenset()
    return frozenset(clashes)


def _as_date(cell: Any) -> date | None:
    if isinstance(cell, date):
        return cell if cell.__class__ is date else cell.date()
    try:
        return date.fromisoformat(str(cell).strip())
    except ValueError:
        return None


def import_households(contract: Contract, data: bytes, filename: str,
                      actor: User | None) -> HouseholdImport:
    """Check the whole file and store every record, or store nothing.

    Refusals: ``Forbidden`` (not the provider or an officer), ``Conflict`` (not an active
    household-survey contract), :class:`HouseholdImportError` listing every row error.
    """
    _check_importable(contract, actor)
    codes = _subtree_codes(contract.region)
    stored = _stored_pairs(contract)
    clashes = _clashing_ids(data, filename, contract, stored) if stored else frozenset()
    context = ImportContext(allowed_region_codes=frozenset(codes),
                            period_start=contract.start_date, period_end=contract.end_date,
                            today=clock.today(), existing_id_numbers=clashes)
    result: ImportResult = read_households(data, filename, context)
    if result.errors:
        raise HouseholdImportError(result.errors, result.error_count)
    if not result.rows:
        raise HouseholdImportError(
            [RowError(None, "file", _l("The file holds no records."))], 1)
    batch = HouseholdImport(contract_id=contract.id, filename=(filename or "")[:255],
                            sha256=hashlib.sha256(data).hexdigest(), rows=len(result.rows),
                            imported_by_id=actor.id if actor is not None else None,
                            imported_at=clock.now())
    db.session.add(batch)
    db.session.flush()
    _bulk_insert(contract, batch, result.rows, codes)
    return batch


def _bulk_insert(contract: Contract, batch: HouseholdImport, rows: Sequence,
                 codes: dict[str, int]) -> None:
    now = clock.now()
    reporting = contract.reporting
    periods: dict[date, str] = {}
    table = HouseholdRecord.__table__
    for start in range(0, len(rows), CHUNK):
        chunk = []
        for row in rows[start:start + CHUNK]:
            day = row.survey_date
            period = periods.get(day)
            if period is None:
                period = periods[day] = period_key(reporting, day)
            chunk.append({
                "contract_id": contract.id, "period": period, "id_number": row.id_number,
                "head_name": row.head_name, "region_id": codes[row.region_code],
                "members": row.members, "monthly_income": row.monthly_income,
                "assets": row.assets, "survey_date": day, "surveyor": row.surveyor,
                "recommendation": row.recommendation, "import_id": batch.id,
                "created_at": now,
            })
        # Core insert on the session's connection: one executemany per chunk, no ORM objects.
        db.session.execute(sa.insert(table), chunk)


# ---- reading --------------------------------------------------------------------------------

def visible_records(user: User) -> sa.Select:
    """Records of the contracts ``user`` may see."""
    contract_ids = visible_contracts(user).with_only_columns(Contract.id).order_by(None)
    return sa.select(HouseholdRecord).where(HouseholdRecord.contract_id.in_(contract_ids))


def get_visible_record(user: User, record_id: Any) -> HouseholdRecord:
    try:
        ident = int(record_id)
    except (TypeError, ValueError):
        raise NotFound(_("Not found.")) from None
    record = db.session.scalars(visible_records(user).where(HouseholdRecord.id == ident)).first()
    if record is None:
        raise NotFound(_("Not found."))
    return record


def records_stmt(contract: Contract | None = None, *, period: str | None = None,
                 township: Region | int | None = None, recommendation: str | None = None,
                 surveyor: str | None = None, anomaly: str | None = None,
                 q: str | None = None, base: sa.Select | None = None) -> sa.Select:
    """Records filtered as in the list (and the export); newest survey first."""
    stmt = base if base is not None else sa.select(HouseholdRecord)
    if contract is not None:
        stmt = stmt.where(HouseholdRecord.contract_id == contract.id)
    if period:
        stmt = stmt.where(HouseholdRecord.period == period)
    if township:
        region = township if isinstance(township, Region) else db.session.get(Region, township)
        if region is not None:
            stmt = stmt.where(HouseholdRecord.region_id.in_(region_subtree(region)))
    if recommendation:
        stmt = stmt.where(HouseholdRecord.recommendation == recommendation)
    if surveyor:
        stmt = stmt.where(HouseholdRecord.surveyor.contains(surveyor.strip(), autoescape=True))
    if anomaly in ANOMALY_KINDS:
        ids = flagged_ids(anomaly, [contract.id] if contract is not None else None)
        stmt = stmt.where(HouseholdRecord.id.in_(ids))
    if q and q.strip():
        text = q.strip()
        if len(text) == 4 and text[:3].isdigit() and (text[3].isdigit() or text[3] in "xX"):
            stmt = stmt.where(HouseholdRecord.id_number.endswith(text.upper()))
        else:
            stmt = stmt.where(HouseholdRecord.head_name.contains(text, autoescape=True))
    return stmt.order_by(HouseholdRecord.survey_date.desc(), HouseholdRecord.id.desc())


def contract_periods(contract: Contract) -> list[str]:
    return list(db.session.scalars(
        sa.select(HouseholdRecord.period).where(HouseholdRecord.contract_id == contract.id)
        .distinct().order_by(HouseholdRecord.period)))


def townships(contract: Contract) -> list[Region]:
    """Township-level regions inside the contract's region (or the region itself)."""
    region = contract.region
    if region.level is Level.TOWNSHIP:
        return [region]
    return list(db.session.scalars(
        sa.select(Region).where(Region.path.startswith(region.path),
                                Region.level == Level.TOWNSHIP).order_by(Region.code)))


def progress(contract: Contract) -> dict:
    """Households surveyed against the target, by township and by recommendation."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(HouseholdRecord)
                              .where(HouseholdRecord.contract_id == contract.id)) or 0
    target = (contract.targets or {}).get("households")
    by_region = db.session.execute(
        sa.select(HouseholdRecord.region_id, sa.func.count())
        .where(HouseholdRecord.contract_id == contract.id)
        .group_by(HouseholdRecord.region_id)).all()
    regions = {r.id: r for r in db.session.scalars(
        sa.select(Region).where(Region.path.startswith(contract.region.path)))}
    by_path = {r.path: r for r in regions.values()}
    counts: Counter = Counter()
    for region_id, count in by_region:
        township = _township_of(regions.get(region_id), by_path)
        counts[township.id if township is not None else None] += count
    township_rows = [{"region": regions[rid] if rid is not None else None, "count": n,
                      "share": n / total if total else 0}
                     for rid, n in counts.items()]
    township_rows.sort(key=lambda r: (r["region"] is None, r["region"].code if r["region"] else ""))
    by_rec = dict(db.session.execute(
        sa.select(HouseholdRecord.recommendation, sa.func.count())
        .where(HouseholdRecord.contract_id == contract.id)
        .group_by(HouseholdRecord.recommendation)).all())
    recommendation_rows = [{"recommendation": r.value, "count": by_rec.get(r, 0),
                            "share": by_rec.get(r, 0) / total if total else 0}
                           for r in Recommendation]
    return {"total": total, "target": target,
            "share": min(total / target, 1) if target else None,
            "townships": township_rows, "recommendations": recommendation_rows}


def _township_of(region: Region | None, by_path: dict[str, Region]) -> Region | None:
    """The township-level ancestor of ``region`` (itself if a township), if any."""
    if region is None:
        return None
    if region.level is Level.TOWNSHIP:
        return region
    parts = region.path.strip("/").split("/")
    for end in range(len(parts), 0, -1):
        ancestor = by_path.get("/" + "/".join(parts[:end]) + "/")
        if ancestor is not None and ancestor.level is Level.TOWNSHIP:
            return ancestor
    return None


# ---- personal data --------------------------------------------------------------------------

def full_id(record: HouseholdRecord, actor: User) -> str:
    """The full ID number, for holders of ``can_view_full_ids``; every view is audited."""
    if not may_view_full_ids(actor):
        raise Forbidden(_("You may not see full ID numbers."))
    record_event(db.session, "view_full_id", record,
                 {"contract_id": record.contract_id, "masked": mask_id(record.id_number)})
    db.session.flush()
    return record.id_number


EXPORT_HEADERS = (_l("ID number (身份证号)"), _l("Head of household (户主姓名)"),
                  _l("Region code (区划代码)"), _l("Region (区划)"), _l("Members (家庭人口)"),
                  _l("Monthly income (家庭月收入)"), _l("Assets (家庭财产)"),
                  _l("Survey date (调查日期)"), _l("Surveyor (调查员)"),
                  _l("Recommendation (建议)"), _l("Period (期间)"))


def export_records(contract: Contract, stmt: sa.Select, user: User) -> bytes:
    """The filtered records as .xlsx; ID numbers masked unless ``user`` may see them in full,
    in which case the export is audited as one event."""
    from app.spreadsheets import DATE, INTEGER, MONEY, xlsx_bytes

    full = may_view_full_ids(user)
    rows = db.session.execute(
        stmt.with_only_columns(
            HouseholdRecord.id_number, HouseholdRecord.head_name, Region.code, Region.name,
            HouseholdRecord.members, HouseholdRecord.monthly_income, HouseholdRecord.assets,
            HouseholdRecord.survey_date, HouseholdRecord.surveyor,
            HouseholdRecord.recommendation, HouseholdRecord.period)
        .join(Region, Region.id == HouseholdRecord.region_id)).all()
    if full:
        record_event(db.session, "export_full_ids", contract,
                     {"rows": len(rows)})
        db.session.flush()
    labels = {key: str(label) for key, label in RECOMMENDATION_LABELS.items()}

    def lines() -> Iterable[Sequence]:
        for number, name, code, region, members, income, assets, day, surveyor, rec, per in rows:
            yield (number if full else mask_id(number), name, code, region, members, income,
                   assets, day, surveyor, labels.get(str(rec), str(rec)), per)

    return xlsx_bytes(_("Household records"), EXPORT_HEADERS, lines(),
                      formats=(None, None, None, None, INTEGER, MONEY, MONEY, DATE),
                      widths=(22, 12, 14, 16, 10, 14, 14, 12, 16, 18, 9))


# ---- subsistence standards ------------------------------------------------------------------

def visible_standards(user: User) -> sa.Select:
    """Standards of the regions in ``user``'s subtree (admins: all)."""
    return scope(sa.select(SubsistenceStandard).join(SubsistenceStandard.region), user,
                 region=SubsistenceStandard.region_id).order_by(
        Region.code, SubsistenceStandard.effective_from.desc())


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
    try:
        ident = int(standard_id)
    except (TypeError, ValueError):
        raise NotFound(_("Not found.")) from None
    standard = db.session.scalars(visible_standards(user).where(
        SubsistenceStandard.id == ident)).first()
    if standard is None or user.role not in (Role.OFFICER, Role.ADMIN):
        raise NotFound(_("Not found."))
    return standard


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


def field_labels() -> dict[str, str]:
    """Record fields an inspector may name as wrong (keys of the file, Chinese labels)."""
    return {key: label for key, label in LABELS.items()}


def surveyor_daily_max() -> int:
    return _daily_max()
