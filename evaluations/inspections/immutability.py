"""A finalized inspection is immutable (DESIGN.md §4): refused at the database door.

Every service already refuses to change a finalized inspection; this ``before_flush`` guard
makes that true for any code path, judging by the status as STORED, so that the rows written
in the very flush that finalizes still pass.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from app.errors import Conflict
from evaluations.inspections.models import (
    EvidencePhoto,
    Inspection,
    InspectionAnswer,
    InspectionSignature,
    InspectionStatus,
)


def _committed_status(session: so.Session, obj: Inspection) -> InspectionStatus | None:
    """The status as stored (the attribute may be expired or already changed)."""
    state = sa.inspect(obj)
    history = state.attrs.status.history
    if history.deleted:
        return history.deleted[0]
    if history.unchanged:
        return history.unchanged[0]
    if state.key is None:
        return None
    stored = session.execute(sa.select(Inspection.__table__.c.status)
                             .where(Inspection.__table__.c.id == state.identity[0])).scalar()
    return InspectionStatus(stored) if stored is not None else None


def _column_changed(obj: Any) -> bool:
    state = sa.inspect(obj)
    return any(state.attrs[attr.key].history.has_changes()
               for attr in state.mapper.column_attrs if attr.key != "updated_at")


def _guard_finalized(session: so.Session, _flush_context: Any, _instances: Any) -> None:
    """Refuse, at the database door, any change to a finalized inspection or its parts."""
    with session.no_autoflush:
        for obj in list(session.dirty) + list(session.deleted):
            if isinstance(obj, Inspection) and (
                    obj in session.deleted or _column_changed(obj)) and _committed_status(
                    session, obj) is InspectionStatus.FINALIZED:
                raise Conflict(_("This inspection is finalized and can no longer be changed."))
        for obj in list(session.new) + list(session.dirty) + list(session.deleted):
            if isinstance(obj, InspectionAnswer | EvidencePhoto | InspectionSignature):
                if obj in session.dirty and not _column_changed(obj):
                    continue
                parent = obj.inspection or (session.get(Inspection, obj.inspection_id)
                                            if obj.inspection_id else None)
                if parent is None or parent in session.new:
                    continue
                # the STORED status: rows written in the very flush that finalizes pass
                if _committed_status(session, parent) is InspectionStatus.FINALIZED:
                    raise Conflict(_("This inspection is finalized and can no longer be "
                                     "changed."))


def install() -> None:
    """Guard every ORM session (idempotent)."""
    if not sa.event.contains(so.Session, "before_flush", _guard_finalized):
        sa.event.listen(so.Session, "before_flush", _guard_finalized)


install()
