"""Household-survey records: the import of a file (all or nothing), reporting periods, and
personal data (masked ID numbers, the audited full view). Flush, never commit.

The validation of a file is the pure engine :mod:`contracts.households.checks`; this module adds
what needs the database: the contract's region subtree, the ID numbers already stored for a
contract and period, and the bulk insert. Reading the records: :mod:`contracts.households.records`;
assistance standards: :mod:`contracts.households.standards`; anomaly flags:
:mod:`contracts.households.anomalies`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock
from app.audit.listener import record_event
from app.errors import Conflict, Forbidden, ValidationError
from app.extensions import db
from app.integrity import explain
from app.regions.models import Region
from app.unit_of_work import claim_row
from app.users.models import Role, User
from contracts.households.cells import mask_id
from contracts.households.checks import ImportContext, ImportResult, RowError, read_households
from contracts.households.models import HouseholdImport, HouseholdRecord
from contracts.labels import CONTRACT_STATUS_LABELS
from contracts.models import Contract, ContractStatus, Reporting, ServiceType

#: rows per INSERT statement of an import
CHUNK = 5000

explain("household_records", ("contract_id", "period", "id_number"), field="file", message=_l(
    "Records of this file were imported into this contract at the same moment; nothing was "
    "imported."))


# ---- periods and masking --------------------------------------------------------------------

def period_key(reporting: Reporting | str, day: date) -> str:
    """The reporting period a day falls in: "2026-10" (monthly) or "2026-Q4" (quarterly)."""
    if str(reporting) == Reporting.QUARTERLY.value:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"




def may_view_full_ids(user: User) -> bool:
    return user.role in (Role.OFFICER, Role.ADMIN) and bool(user.can_view_full_ids)


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


def check_importable(contract: Contract, actor: User | None) -> None:
    """Refuse an import into ``contract`` by ``actor`` before its file is read."""
    if actor is not None and not actor.is_active:
        # a large file is imported later by the worker, in the name of whoever sent it: an
        # account disabled since (a user who left, a forged batch) imports nothing
        raise Forbidden(_("The account that sent this file is disabled; nothing was "
                          "imported."))
    if actor is not None and not may_import(actor, contract):
        raise Forbidden(_("Only the contract's provider or an officer may import records."))
    if contract.service_type is not ServiceType.HOUSEHOLD_SURVEY:
        raise Conflict(_("Household records belong to household-survey contracts only."))
    _refuse_unless_active(contract)


def _refuse_unless_active(contract: Contract) -> None:
    if contract.status is not ContractStatus.ACTIVE:
        raise Conflict(_("Records can be imported into an active contract only; this one's "
                         "status is “%(status)s”.",
                         status=CONTRACT_STATUS_LABELS[contract.status]))


def _refuse_imported_file(contract: Contract, sha256: str) -> None:
    """The same file twice into one contract is a clash (409), whether the first import is
    long stored or meets this one in the records' unique key."""
    earlier = db.session.scalars(sa.select(HouseholdImport).where(
        HouseholdImport.contract_id == contract.id, HouseholdImport.sha256 == sha256)).first()
    if earlier is not None:
        message = _("This file was already imported into this contract (%(rows)d records, "
                    "%(day)s); nothing was imported.", rows=earlier.rows,
                    # the bureau's day: before 08:00 in Shanghai the UTC day is yesterday
                    day=earlier.imported_at.astimezone(clock.LOCAL_TZ).date().isoformat())
        raise Conflict(message, {"file": [message]})


def _subtree_codes(region: Region) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Region.code, Region.id).where(Region.path.startswith(region.path)))
    return dict(rows.all())


def _stored_pairs(contract: Contract) -> set[tuple[str, str]]:
    rows = db.session.execute(sa.select(HouseholdRecord.id_number, HouseholdRecord.period)
                              .where(HouseholdRecord.contract_id == contract.id))
    return set(rows)


def import_households(contract: Contract, data: bytes, filename: str,
                      actor: User | None,
                      on_progress: Callable[[int], None] | None = None) -> HouseholdImport:
    """Check the whole file and store every record, or store nothing.

    Refusals: ``Forbidden`` (not the provider or an officer), ``Conflict`` (not an active
    household-survey contract, or the same file imported before or at the same moment),
    :class:`HouseholdImportError` listing every row error.
    ``on_progress(rows_checked)`` is called every few thousand rows (by a queued import).
    """
    check_importable(contract, actor)
    sha256 = hashlib.sha256(data).hexdigest()
    _refuse_imported_file(contract, sha256)
    codes = _subtree_codes(contract.region)
    context = ImportContext(allowed_region_codes=frozenset(codes),
                            period_start=contract.start_date, period_end=contract.end_date,
                            today=clock.today(), period_of=partial(period_key, contract.reporting),
                            # judged in the row's own period, as the records' unique key is
                            stored=frozenset(_stored_pairs(contract)))
    result: ImportResult = read_households(data, filename, context, on_progress)
    if result.errors:
        # the same file stored since the check above clashes with every row: say that
        _refuse_imported_file(contract, sha256)
        raise HouseholdImportError(result.errors, result.error_count)
    if not result.rows:
        raise HouseholdImportError(
            [RowError(None, "file", _l("The file holds no records."))], 1)
    # held for the writing only, not the reading of the file: a contract terminated while the
    # file was read takes none of its records
    claim_row(contract, lambda: _refuse_unless_active(contract))
    batch = HouseholdImport(contract_id=contract.id, filename=(filename or "")[:255],
                            sha256=sha256, rows=len(result.rows),
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
                "created_at": now, "second_surveyor": row.second_surveyor,
                "surveyors_signed": row.surveyors_signed,
                "applicant_signed": row.applicant_signed, "area": row.area,
                "staff_relative": row.staff_relative, "photos_taken": row.photos_taken,
                "income_lines": None if row.income_lines is None else {
                    key: f"{amount:.2f}" for key, amount in row.income_lines.items()},
            })
        # Core insert on the session's connection: one executemany per chunk, no ORM objects.
        db.session.execute(sa.insert(table), chunk)


# ---- personal data --------------------------------------------------------------------------

def full_id(record: HouseholdRecord, actor: User) -> str:
    """The full ID number, for holders of ``can_view_full_ids``; every view is audited."""
    if not may_view_full_ids(actor):
        raise Forbidden(_("You may not see full ID numbers."))
    record_event(db.session, "view_full_id", record,
                 {"contract_id": record.contract_id, "masked": mask_id(record.id_number)})
    db.session.flush()
    return record.id_number
