"""Checks every change to an inspection passes first, and what each change records.

Shared by the answers, the photos and the life-cycle services, which all change one
inspection's form; none of them imports another for these.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from app import clock
from app.errors import Conflict, NotFound, ValidationError
from app.extensions import db
from app.regions.models import Region
from app.template_helpers import ui_language
from app.users.models import Role, User
from evaluations.assessment.models import TemplateItem
from evaluations.inspections.models import Inspection, InspectionStatus


def within(region: Region | None, ancestor: Region | None) -> bool:
    """``region`` lies in ``ancestor``'s subtree (a region lies in its own)."""
    return (region is not None and ancestor is not None
            and region.path.startswith(ancestor.path))


def require_inspector(inspection: Inspection, actor: User | None) -> None:
    """Only the assigned inspector fills the form in; anyone else sees a 404."""
    if actor is None or actor.id != inspection.inspector_id:
        raise NotFound(_("Not found."))


def require_officer_of(inspection: Inspection, actor: User | None) -> None:
    """An admin, or an officer of the inspection's region, or the system (``actor`` None)."""
    if actor is None:
        return  # the system (CLI, seed)
    if actor.role is Role.ADMIN:
        return
    if actor.role is Role.OFFICER and within(inspection.region, actor.region):
        return
    raise NotFound(_("Not found."))


def refuse_unless_editable(inspection: Inspection) -> None:
    """A finalized or submitted inspection's form no longer changes: ``Conflict``."""
    if inspection.status is InspectionStatus.FINALIZED:
        raise Conflict(_("This inspection is finalized and can no longer be changed."))
    if inspection.status is InspectionStatus.CANCELLED:
        raise Conflict(_("This inspection was cancelled; it can no longer be filled in or "
                         "submitted."))
    if not inspection.is_editable:
        raise Conflict(_("This inspection was submitted; it can no longer be edited unless "
                         "an officer sends it back."))


_EDITABLE = (InspectionStatus.SCHEDULED, InspectionStatus.IN_PROGRESS)


def claim_version(inspection: Inspection, expected: int | None = None) -> int:
    """Take the next version of the form in ONE conditional UPDATE, or raise ``Conflict``.

    ``UPDATE inspections SET version = version + 1 WHERE id = :id AND <editable>
    [AND version = :expected]``: the database, not a compare in Python, decides which of two
    simultaneous saves wins. The row stays locked (PostgreSQL) or the database write-locked
    (SQLite) until the request commits, so the answers read after this call are current and
    no other save can interleave. A scheduled inspection is now in progress.
    """
    table = Inspection.__table__
    # still the inspector the caller was checked as: an officer may have given the visit to
    # another meanwhile (evaluations.inspections.assignment), and a device's change sent
    # without a version would otherwise land in the new inspector's form
    stmt = (sa.update(table)
            .where(table.c.id == inspection.id, table.c.status.in_(_EDITABLE),
                   table.c.inspector_id == inspection.inspector_id)
            .values(version=table.c.version + 1).returning(table.c.version))
    if expected is not None:
        stmt = stmt.where(table.c.version == expected)
    new_version = db.session.execute(stmt).scalar_one_or_none()
    if new_version is None:
        status, current, inspector_id = db.session.execute(
            sa.select(table.c.status, table.c.version, table.c.inspector_id)
            .where(table.c.id == inspection.id)).one()
        if inspector_id != inspection.inspector_id:
            raise Conflict(_("The inspection was given to another inspector."))
        so.attributes.set_committed_value(inspection, "version", current)
        if InspectionStatus(status) not in _EDITABLE:
            so.attributes.set_committed_value(inspection, "status", InspectionStatus(status))
            refuse_unless_editable(inspection)
        raise stale_version(current)
    so.attributes.set_committed_value(inspection, "version", new_version)
    if inspection.status is InspectionStatus.SCHEDULED:
        inspection.status = InspectionStatus.IN_PROGRESS
        inspection.started_at = clock.now()
    return new_version


def stale_version(current: int) -> Conflict:
    return Conflict(_("This inspection was changed by someone else since you opened it "
                      "(version %(version)d); reload it.", version=current),
                    {"version": [str(current)]})


def bump_version(inspection: Inspection) -> int:
    """Record a change of the form that conflicts with nothing (a photo added or removed):
    a new version, taken atomically."""
    return claim_version(inspection)


#: a device's id of a photo or signature: a UUID or similar, letters, digits, - and _
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def check_client_id(value: Any) -> str | None:
    """The device's id of an upload (``None`` when none was given), or a ``ValidationError``
    on ``client_id``."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not _CLIENT_ID.match(value):
        message = _("The device's id of the upload must be 8 to 64 letters, digits, - or _.")
        raise ValidationError(message, {"client_id": [message]})
    return value


def item_label(item: TemplateItem | None, item_id: Any) -> str:
    """How a message names an item: ``2.3 <text>`` in the page's language."""
    if item is None:
        return _("item %(id)s", id=item_id)
    number = f"{item.section.position + 1}.{item.position + 1}"
    return f"{number} {item.text(ui_language())}"
