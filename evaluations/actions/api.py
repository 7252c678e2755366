"""``/api/v1`` endpoints of corrective actions (read and answer) and campaigns (read, create).

The same services as the HTML pages. Visibility: providers only their own actions, officers
their region, inspectors the actions of their inspections and the campaigns they are part
of. Anything else is a 404, exactly like a missing row.
"""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy as sa
from flask import abort
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.auth import api_user, token_required
from app.api.schemas import PageArgs, page_schema, paginate
from app.errors import NotFound
from app.extensions import db
from app.regions.models import Region
from app.users.models import Role, User
from evaluations.actions import services as actions
from evaluations.actions.models import ActionStatus, CorrectiveAction, Severity
from evaluations.assessment.models import AssessmentTemplate
from evaluations.campaigns import services as campaigns
from evaluations.campaigns.models import Assignment, Campaign, Recurrence

blp = Blueprint("api_followup", __name__, url_prefix="/api/v1",
                description="Corrective actions (整改) and campaigns (专项行动)")

EVERYONE = (Role.ADMIN, Role.OFFICER, Role.INSPECTOR, Role.PROVIDER)
STAFF = (Role.ADMIN, Role.OFFICER, Role.INSPECTOR)
OFFICERS = (Role.ADMIN, Role.OFFICER)


# ---- schemas ------------------------------------------------------------------------------

class AttachmentSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    content_type = ma.fields.String()
    size = ma.fields.Integer()


class ActionSchema(ma.Schema):
    id = ma.fields.Integer()
    inspection_id = ma.fields.Integer(allow_none=True)
    item_id = ma.fields.Integer(allow_none=True)
    facility_id = ma.fields.Integer(allow_none=True)
    contract_id = ma.fields.Integer(allow_none=True)
    provider_id = ma.fields.Integer()
    region_code = ma.fields.String()
    description = ma.fields.String()
    severity = ma.fields.String(metadata={"description": "red | orange | yellow | blue"})
    deadline = ma.fields.Date()
    status = ma.fields.String(metadata={"description": "open | answered | closed"})
    overdue = ma.fields.Boolean(metadata={"description": "deadline passed and not closed"})
    response = ma.fields.String()
    responded_at = ma.fields.DateTime(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    reopen_count = ma.fields.Integer()
    reopen_reason = ma.fields.String()
    reinspection_id = ma.fields.Integer(allow_none=True)
    attachments = ma.fields.List(ma.fields.Nested(AttachmentSchema))


class ActionArgs(PageArgs):
    status = ma.fields.Enum(ActionStatus, by_value=True)
    severity = ma.fields.Enum(Severity, by_value=True)
    overdue = ma.fields.Boolean()
    facility_id = ma.fields.Integer()
    provider_id = ma.fields.Integer()
    inspection_id = ma.fields.Integer()


class AnswerArgs(ma.Schema):
    response = ma.fields.String(required=True, metadata={"description": "what was done"})


class ReopenArgs(ma.Schema):
    reason = ma.fields.String(required=True)


class CloseArgs(ma.Schema):
    note = ma.fields.String(load_default="")


class CountsSchema(ma.Schema):
    scheduled = ma.fields.Integer()
    in_progress = ma.fields.Integer()
    submitted = ma.fields.Integer()
    finalized = ma.fields.Integer()
    total = ma.fields.Integer()


class CountyCountsSchema(CountsSchema):
    region_code = ma.fields.String(allow_none=True)
    region_name = ma.fields.String(allow_none=True)


class ProgressSchema(ma.Schema):
    totals = ma.fields.Nested(CountsSchema)
    by_county = ma.fields.List(ma.fields.Nested(CountyCountsSchema))


class CampaignSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    template_id = ma.fields.Integer()
    region_code = ma.fields.String()
    facility_kinds = ma.fields.List(ma.fields.String())
    window_start = ma.fields.Date()
    window_end = ma.fields.Date()
    assignment = ma.fields.String(metadata={"description": "by_region | round_robin"})
    recurrence = ma.fields.String(metadata={"description": "none | yearly"})
    previous_id = ma.fields.Integer(allow_none=True)
    inspector_ids = ma.fields.List(ma.fields.Integer())
    inspection_ids = ma.fields.List(ma.fields.Integer())
    progress = ma.fields.Nested(ProgressSchema)


class CampaignCreateArgs(ma.Schema):
    name = ma.fields.String(required=True)
    template_id = ma.fields.Integer(required=True)
    region_code = ma.fields.String(required=True)
    facility_kinds = ma.fields.List(ma.fields.String(), required=True)
    window_start = ma.fields.Date(required=True)
    window_end = ma.fields.Date(required=True)
    inspector_ids = ma.fields.List(ma.fields.Integer(), required=True)
    assignment = ma.fields.Enum(Assignment, by_value=True, load_default=Assignment.BY_REGION)
    recurrence = ma.fields.Enum(Recurrence, by_value=True, load_default=Recurrence.NONE)


# ---- helpers ------------------------------------------------------------------------------

def action_dict(action: CorrectiveAction) -> dict:
    return {
        "id": action.id, "inspection_id": action.inspection_id, "item_id": action.item_id,
        "facility_id": action.facility_id, "contract_id": action.contract_id,
        "provider_id": action.provider_id, "region_code": action.region.code,
        "description": action.description, "severity": action.severity.value,
        "deadline": action.deadline, "status": action.status.value,
        "overdue": action.is_overdue, "response": action.response,
        "responded_at": action.responded_at, "closed_at": action.closed_at,
        "reopen_count": action.reopen_count, "reopen_reason": action.reopen_reason,
        "reinspection_id": action.reinspection_id,
        "attachments": [{"id": a.id, "name": a.original_name, "content_type": a.content_type,
                         "size": a.size} for a in action.attachments],
    }


def campaign_dict(campaign: Campaign, *, with_progress: bool = False) -> dict:
    data = {
        "id": campaign.id, "name": campaign.name, "template_id": campaign.template_id,
        "region_code": campaign.region.code, "facility_kinds": list(campaign.facility_kinds),
        "window_start": campaign.window_start, "window_end": campaign.window_end,
        "assignment": campaign.assignment.value, "recurrence": campaign.recurrence.value,
        "previous_id": campaign.previous_id,
        "inspector_ids": [u.id for u in campaign.inspectors],
        "inspection_ids": [i.id for i in campaign.inspections],
    }
    if with_progress:
        data["progress"] = campaigns.campaign_progress(campaign).as_dict()
    return data


def _action(action_id: int) -> CorrectiveAction:
    try:
        return actions.get_visible_action(api_user(), action_id)
    except NotFound:
        abort(404)


# ---- corrective actions -------------------------------------------------------------------

@blp.route("/corrective-actions")
class CorrectiveActions(MethodView):
    @token_required(*EVERYONE)
    @blp.arguments(ActionArgs, location="query")
    @blp.response(200, page_schema(ActionSchema, "CorrectiveActionPage"))
    def get(self, args):
        """Corrective actions the caller may see, by deadline; filters: status, severity,
        overdue, facility_id, provider_id, inspection_id."""
        stmt = actions.action_stmt(
            api_user(), status=args.get("status"), severity=args.get("severity"),
            overdue=args.get("overdue"), facility_id=args.get("facility_id"),
            provider_id=args.get("provider_id"), inspection_id=args.get("inspection_id"))
        page = paginate(stmt, args["page"], args["per_page"])
        page["items"] = [action_dict(a) for a in page["items"]]
        return page


@blp.route("/corrective-actions/<int:action_id>")
class CorrectiveActionDetail(MethodView):
    @token_required(*EVERYONE)
    @blp.response(200, ActionSchema)
    def get(self, action_id: int):
        """One corrective action."""
        return action_dict(_action(action_id))


@blp.route("/corrective-actions/<int:action_id>/answer")
class CorrectiveActionAnswer(MethodView):
    @token_required(Role.PROVIDER)
    @blp.arguments(AnswerArgs)
    @blp.response(200, ActionSchema)
    def post(self, args, action_id: int):
        """The provider says what was done (status becomes ``answered``); a closed action
        → 409. Evidence files are uploaded through the web page."""
        action = _action(action_id)
        actions.answer_action(action, response=args["response"], actor=api_user())
        return action_dict(action)


@blp.route("/corrective-actions/<int:action_id>/close")
class CorrectiveActionClose(MethodView):
    @token_required(*OFFICERS)
    @blp.arguments(CloseArgs)
    @blp.response(200, ActionSchema)
    def post(self, args, action_id: int):
        """The officer closes the action; already closed → 409."""
        action = _action(action_id)
        actions.close_action(action, actor=api_user(), note=args["note"])
        return action_dict(action)


@blp.route("/corrective-actions/<int:action_id>/reopen")
class CorrectiveActionReopen(MethodView):
    @token_required(*OFFICERS)
    @blp.arguments(ReopenArgs)
    @blp.response(200, ActionSchema)
    def post(self, args, action_id: int):
        """The officer sends it back to the provider; ``reason`` required (422 if empty)."""
        action = _action(action_id)
        actions.reopen_action(action, reason=args["reason"], actor=api_user())
        return action_dict(action)


# ---- campaigns ----------------------------------------------------------------------------

@blp.route("/campaigns")
class Campaigns(MethodView):
    @token_required(*STAFF)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(CampaignSchema, "CampaignPage"))
    def get(self, args):
        """Campaigns the caller may see (officers their region, inspectors their own)."""
        stmt = campaigns.visible_campaigns(api_user()).order_by(Campaign.window_start.desc(),
                                                                Campaign.id.desc())
        page = paginate(stmt, args["page"], args["per_page"])
        page["items"] = [campaign_dict(c) for c in page["items"]]
        return page

    @token_required(*OFFICERS)
    @blp.arguments(CampaignCreateArgs)
    @blp.response(201, CampaignSchema)
    def post(self, args):
        """Create a campaign and ALL its inspections at once (one per matching home)."""
        inspectors = [db.session.get(User, i) for i in args["inspector_ids"]]
        campaign = campaigns.create_campaign(
            name=args["name"], template=db.session.get(AssessmentTemplate, args["template_id"]),
            region=db.session.scalar(sa.select(Region).where(
                Region.code == args["region_code"])),
            facility_kinds=args["facility_kinds"], window_start=args["window_start"],
            window_end=args["window_end"], inspectors=inspectors, assignment=args["assignment"],
            recurrence=args["recurrence"], actor=api_user())
        return campaign_dict(campaign, with_progress=True)


@blp.route("/campaigns/<int:campaign_id>")
class CampaignDetail(MethodView):
    @token_required(*STAFF)
    @blp.response(200, CampaignSchema)
    def get(self, campaign_id: int):
        """One campaign with its progress by county."""
        try:
            campaign = campaigns.get_visible_campaign(api_user(), campaign_id)
        except NotFound:
            abort(404)
        return campaign_dict(campaign, with_progress=True)
