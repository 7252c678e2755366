"""Checks every change to an inspection passes first, and what each change records.

Shared by the answers, the photos and the life-cycle services, which all change one
inspection's form; none of them imports another for these.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from app import clock
from app.errors import Conflict, NotFound
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
    if not inspection.is_editable:
        raise Conflict(_("This inspection was submitted; it can no longer be edited unless "
                         "an officer sends it back."))


def bump_version(inspection: Inspection) -> None:
    """Record a change of the form (answers, a photo added or removed): a new version, and a
    scheduled inspection is now in progress."""
    if inspection.status is InspectionStatus.SCHEDULED:
        inspection.status = InspectionStatus.IN_PROGRESS
        inspection.started_at = clock.now()
    inspection.version += 1


def item_label(item: TemplateItem | None, item_id: Any) -> str:
    """How a message names an item: ``2.3 <text>`` in the page's language."""
    if item is None:
        return _("item %(id)s", id=item_id)
    number = f"{item.section.position + 1}.{item.position + 1}"
    return f"{number} {item.text(ui_language())}"
