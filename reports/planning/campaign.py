"""A campaign whose targets are the N highest-risk homes (or household-survey contracts) of
the inspection plan, instead of every home matched by rule.

The campaign is checked and created by the campaigns service (same rules: published template,
inspectors covering every target, dates spread over the window); its kinds of home (or service
types) are those of the chosen targets, and it does not recur (next year's plan differs).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.regions.services import root_region
from app.unit_of_work import hold_key
from app.users.models import User
from evaluations.assessment.models import AssessmentTemplate, TemplateTarget
from evaluations.campaigns.models import Campaign, Recurrence
from evaluations.campaigns.services import check_campaign, create_planned, inspectors_named
from evaluations.inspections.models import TO_COME, Inspection
from reports.planning.services import PLANNERS, highest_risk, plan_region

MAX_TARGETS = 200


def campaign_from_plan(*, actor: User, count: Any, name: Any, template_id: Any,
                       region_code: str | None, window_start: date | str | None,
                       window_end: date | str | None, inspector_ids: list[int],
                       assignment: str | None = None, today: date | None = None) -> Campaign:
    """Create a campaign over the ``count`` highest-risk targets of ``actor``'s plan (in the
    region of ``region_code``, default the actor's own) that no inspection of the template's
    kind is still to visit, or nothing."""
    if actor.role not in PLANNERS:
        raise Forbidden(_("Only officers create campaigns."))
    # before the plan is read: a campaign made at the same instant waits for this one's commit
    hold_key("campaign from the plan", "")
    try:
        count = int(count)
    except (TypeError, ValueError):
        count = 0
    if not 1 <= count <= MAX_TARGETS:
        message = _("Choose between 1 and %(n)d targets.", n=MAX_TARGETS)
        raise ValidationError(message, {"count": [message]})
    template = db.session.get(AssessmentTemplate, template_id) if isinstance(
        template_id, int) else None
    region = plan_region(actor, region_code) if region_code else actor.region
    if region is None:  # an admin without a region: the root of the tree
        region = root_region()
    about = ("contract" if template is not None and template.target is TemplateTarget.CONTRACT
             else "facility")
    targets = highest_risk(actor, count, about=about, region=region, today=today,
                           passing_over=_to_be_inspected(template, about))
    data = check_campaign(
        name=name, template=template, region=region,
        facility_kinds=sorted({t.kind.value for t in targets}) if about == "facility" else [],
        service_types=sorted({t.service_type.value for t in targets})
        if about == "contract" else [],
        window_start=window_start, window_end=window_end,
        inspectors=inspectors_named(inspector_ids), assignment=assignment,
        recurrence=Recurrence.NONE, actor=actor)
    if not targets:
        message = _("The plan holds no target of this kind in the region.")
        raise ValidationError(message, {"count": [message]})
    return create_planned(data, actor=actor, targets=targets)


def _to_be_inspected(template: AssessmentTemplate | None, about: str) -> set[int]:
    """The homes (or contracts) with an inspection still to come with a version of ``template``
    (any version: its code); a correction being filled in is none."""
    if template is None:
        return set()
    target = Inspection.facility_id if about == "facility" else Inspection.contract_id
    same_kind = sa.select(AssessmentTemplate.id).where(AssessmentTemplate.code == template.code)
    return set(db.session.scalars(sa.select(target).distinct().where(
        TO_COME, Inspection.template_id.in_(same_kind), target.is_not(None))))
