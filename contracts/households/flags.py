"""The anomaly flags of household records kept in ``household_flags``, so that the anomaly list
of a city of 200,000 records reads an index instead of checking every record per request.

The rows hold what :func:`contracts.households.anomalies.flagged_ids` finds. They are
refreshed

- in the transaction that changes what they depend on: records imported (or changed) for a
  contract, which also refreshes every contract holding one of its ID numbers in the same
  period (``duplicate_id``); an assistance standard added, changed or removed refreshes the
  contracts with records in its region;
- every night by the scheduler job ``contracts.refresh_household_flags`` (the thresholds
  ``HOUSEHOLD_SURVEYOR_DAILY_MAX`` and ``HOUSEHOLD_FAR_BELOW_PERCENT`` are configuration), and
  on demand with ``flask households refresh-flags``.

The flags' messages, with their figures, are still worded per page
(:func:`contracts.households.anomalies.flag_details`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import chain

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.derived import keep_current
from app.extensions import db
from app.regions.models import Region
from contracts.households.anomalies import ANOMALY_KINDS, flagged_ids
from contracts.households.models import (
    AssistanceStandard,
    HouseholdFlag,
    HouseholdImport,
    HouseholdRecord,
)

#: contracts refreshed per statement (bound parameters stay well under SQLite's limit)
_CHUNK = 500


def _write(contract_ids: Sequence[int] | None) -> None:
    r = HouseholdRecord
    for kind in ANOMALY_KINDS:
        found = flagged_ids(kind, contract_ids)
        db.session.execute(sa.insert(HouseholdFlag).from_select(
            ["record_id", "contract_id", "survey_date", "kind"],
            sa.select(r.id, r.contract_id, r.survey_date, sa.literal(kind, sa.String(32)))
            .where(r.id.in_(found))))


def _sharing(contract_ids: Sequence[int]) -> set[int]:
    """Contracts holding an ID number of these contracts' records in the same period."""
    mine, other = so.aliased(HouseholdRecord), so.aliased(HouseholdRecord)
    return set(db.session.scalars(
        sa.select(other.contract_id).distinct()
        .join(mine, sa.and_(mine.id_number == other.id_number, mine.period == other.period))
        .where(mine.contract_id.in_(contract_ids), other.contract_id.not_in(contract_ids))))


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    return (ids[start:start + _CHUNK] for start in range(0, len(ids), _CHUNK))


def refresh(contract_ids: Iterable[int]) -> None:
    """Recompute the flags of the records of some contracts (and of the contracts sharing
    an ID number with them in a period)."""
    asked = sorted(set(contract_ids))
    sharing: set[int] = set()
    for chunk in _chunks(asked):
        sharing |= _sharing(chunk)
    for chunk in _chunks(asked + sorted(sharing - set(asked))):
        db.session.execute(sa.delete(HouseholdFlag).where(HouseholdFlag.contract_id.in_(chunk)))
        _write(chunk)


def refresh_all() -> int:
    """Recompute every record's flags; returns how many flags there are."""
    db.session.execute(sa.delete(HouseholdFlag))
    _write(None)
    return db.session.scalar(sa.select(sa.func.count()).select_from(HouseholdFlag))


# ---- kept current in the transaction that changes the records --------------------------------

def _stale(session: so.Session) -> set[tuple[str, int | None]]:
    marks: set[tuple[str, int | None]] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, HouseholdImport | HouseholdRecord):
            marks.add(("contract", obj.contract_id))
        elif isinstance(obj, AssistanceStandard):
            marks.add(("region", obj.region_id))
    return marks


def _surveyed_in(region_ids: list[int]) -> set[int]:
    """Contracts with records in these regions or below them: a standard applies there only."""
    paths = db.session.scalars(sa.select(Region.path).where(Region.id.in_(region_ids)))
    below = sa.select(Region.id).where(sa.or_(*(Region.path.startswith(p) for p in paths)))
    return set(db.session.scalars(sa.select(HouseholdRecord.contract_id).distinct()
                                  .where(HouseholdRecord.region_id.in_(below))))


def _refresh_marked(marks: set) -> None:
    contracts = {ident for kind, ident in marks if kind == "contract" and ident is not None}
    regions = [ident for kind, ident in marks if kind == "region" and ident is not None]
    if regions:
        contracts |= _surveyed_in(regions)
    refresh(contracts)


keep_current("household_flags", _stale, _refresh_marked)
