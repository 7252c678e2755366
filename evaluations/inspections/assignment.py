"""An officer's way out of a planned visit: give it to another inspector, or call it off.

Both take the row first (:func:`app.unit_of_work.claim_row`) and then check the state as the
database has it, and both take the next ``version``: of two officers acting on the page they
both opened, the second is refused with a ``Conflict`` naming the version, as is a device of
the former inspector still saving its answers.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import clock
from app.errors import Conflict, ValidationError
from app.extensions import db
from app.notifications.reminders import DUE_SOON_DAYS
from app.scoping import as_id
from app.unit_of_work import claim_row
from app.users.models import User
from evaluations.inspections.guards import require_officer_of, stale_version
from evaluations.inspections.models import (
    EvidencePhoto,
    Inspection,
    InspectionAnswer,
    InspectionSignature,
    InspectionStatus,
)
from evaluations.inspections.services import may_fill_in
from evaluations.reminders import tell_inspection_due

__all__ = ["cancel_inspection", "reassign_inspection"]

_NOT_SUBMITTED = (InspectionStatus.SCHEDULED, InspectionStatus.IN_PROGRESS)
MAX_REASON = 2000


def _refuse_stale(inspection: Inspection, version_seen: Any) -> None:
    if version_seen in (None, ""):
        return
    if as_id(version_seen) != inspection.version:
        raise stale_version(inspection.version)


def _refuse_unless_not_submitted(inspection: Inspection, version_seen: Any) -> None:
    if inspection.status is InspectionStatus.CANCELLED:
        raise Conflict(_("This inspection was cancelled."))
    if inspection.status not in _NOT_SUBMITTED:
        raise Conflict(_("This inspection was submitted; it can no longer be given to another "
                         "inspector or cancelled."))
    _refuse_stale(inspection, version_seen)


def _take_next_version(inspection: Inspection) -> None:
    # the row is held (claim_row): the former inspector's save naming the version it read
    # is refused from now on, as is a second officer's step sent from the same page
    inspection.version = inspection.version + 1


def reassign_inspection(inspection: Inspection, *, inspector_id: Any, actor: User | None,
                        version_seen: Any = None) -> Inspection:
    """Give a not yet submitted inspection to another enabled inspector of its region; its
    answers so far stay. The former inspector no longer sees it; the new one is told as the
    reminders tell an assignee."""
    require_officer_of(inspection, actor)
    claim_row(inspection, lambda: _refuse_unless_not_submitted(inspection, version_seen))
    ident = as_id(inspector_id)
    inspector = db.session.get(User, ident) if ident is not None else None
    if inspector is None or not may_fill_in(inspector, inspection.region):
        message = _("Choose an enabled inspector who works in the region of the inspection.")
        raise ValidationError(message, {"inspector_id": [message]})
    if inspector.id == inspection.inspector_id:
        message = _("This inspector already has the inspection.")
        raise ValidationError(message, {"inspector_id": [message]})
    inspection.inspector_id = inspector.id
    inspection.inspector = inspector
    _take_next_version(inspection)
    db.session.flush()  # audited as a change of the row (app.audit), the former inspector kept
    _tell_the_new_inspector(inspection)
    return inspection


def _tell_the_new_inspector(inspection: Inspection) -> None:
    """The notice the daily reminders would give the assignee, now, under the same key (so
    it is not given twice): a visit taken over for a sick colleague is often tomorrow's.
    A visit further ahead is announced by the reminders in time, as a scheduled one is."""
    if 0 <= (inspection.scheduled_for - clock.today()).days <= DUE_SOON_DAYS:
        tell_inspection_due(inspection)


def _refuse_uncancellable(inspection: Inspection, version_seen: Any) -> None:
    _refuse_unless_not_submitted(inspection, version_seen)
    if inspection.supersedes_id is not None:
        # the result it corrects would stay "being corrected" for ever
        raise Conflict(_("A correction cannot be cancelled."))
    recorded = db.session.scalar(sa.union_all(
        *(sa.select(table.id).where(table.inspection_id == inspection.id)
          for table in (InspectionAnswer, EvidencePhoto, InspectionSignature))).limit(1))
    if recorded is not None:
        raise Conflict(_("The inspector has already recorded answers, photos or signatures; "
                         "an inspection under way cannot be cancelled."))


def cancel_inspection(inspection: Inspection, *, reason: Any, actor: User | None,
                      version_seen: Any = None) -> Inspection:
    """Call off a visit nothing was recorded for yet, saying why. It is kept (status
    CANCELLED): it leaves the lists of visits to come, the reminders and the plans, and can no
    longer be filled in or submitted."""
    require_officer_of(inspection, actor)
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason or len(reason) > MAX_REASON:
        message = (_("Say why the inspection is cancelled.") if not reason else
                   _("At most %(n)d characters.", n=MAX_REASON))
        raise ValidationError(message, {"reason": [message]})
    claim_row(inspection, lambda: _refuse_uncancellable(inspection, version_seen))
    inspection.status = InspectionStatus.CANCELLED
    inspection.cancelled_at = clock.now()
    inspection.cancelled_by_id = actor.id if actor is not None else None
    inspection.cancel_reason = reason
    _take_next_version(inspection)
    db.session.flush()
    return inspection
