"""Household-survey records: import (all or nothing), listing, progress, personal-data masking.

Every operation flushes, never commits. The validation of a file is the pure engine
:mod:`contracts.household_import`; this module adds what needs the database: the contract's
region subtree, the ID numbers already stored for a contract and period, and the bulk insert.
Subsistence standards and anomaly flags live in :mod:`contracts.anomalies` (re-exported here).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock
from app.audit.listener import record_event
from app.errors import Conflict, Forbidden, NotFound, ValidationError
from app.extensions import db
from app.regions.models import Level, Region
from app.scoping import region_subtree
from app.users.models import Role, User
from contracts.households.anomalies import (
    ANOMALY_KINDS,
    SURVEYOR_DAILY_MAX,
    anomalies_stmt,
    delete_standard,
    flagged_ids,
    flags_for,
    get_visible_standard,
    save_standard,
    standard_on,
    surveyor_daily_max,
    visible_standards,
)
from contracts.households.checks import ImportContext, ImportResult, RowError, read_households
from contracts.households.files import LABELS, UnreadableFile, column_map, open_table
from contracts.households.models import HouseholdImport, HouseholdRecord, Recommendation
from contracts.labels import CONTRACT_STATUS_LABELS, RECOMMENDATION_LABELS
from contracts.models import Contract, ContractStatus, Reporting, ServiceType
from contracts.visibility import visible_contracts

#: rows per INSERT statement of an import
CHUNK = 5000


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
        raise Conflict(_("Records can be imported into an active contract only; this one's "
                         "status is “%(status)s”.",
                         status=CONTRACT_STATUS_LABELS[contract.status]))


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


def field_labels() -> dict[str, str]:
    """Record fields an inspector may name as wrong (keys of the file, Chinese labels)."""
    return {key: label for key, label in LABELS.items()}


__all__ = [
    "ANOMALY_KINDS", "CHUNK", "SURVEYOR_DAILY_MAX",
    "HouseholdImportError", "anomalies_stmt", "contract_periods", "delete_standard",
    "export_records", "field_labels", "flagged_ids", "flags_for", "full_id",
    "get_visible_record", "get_visible_standard", "import_households", "mask_id", "may_import",
    "may_view_full_ids", "period_key", "progress", "records_stmt", "save_standard",
    "shown_id", "standard_on", "surveyor_daily_max", "townships", "visible_records",
    "visible_standards",
]
