"""``/api/v1/corrective-actions``: corrective actions (整改) read, answered, closed, reopened.

The same services as the HTML pages. Visibility: providers only their own actions, officers
their region, inspectors the actions of their inspections and those they raised. Anything
else is a 404, exactly like a missing row.
"""

from __future__ import annotations

import marshmallow as ma
from flask import abort
from flask.views import MethodView

from app.api import Blueprint
from app.api.auth import api_user, token_required
from app.api.schemas import PageArgs, page_schema, paginate
from app.errors import NotFound
from app.users.models import Role
from evaluations.actions import services as actions
from evaluations.actions.models import ActionStatus, CorrectiveAction, Severity

blp = Blueprint("api_actions", __name__, url_prefix="/api/v1",
                description="Corrective actions (整改)")

EVERYONE = (Role.ADMIN, Role.OFFICER, Role.INSPECTOR, Role.PROVIDER)
OFFICERS = (Role.ADMIN, Role.OFFICER)


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


def _action(action_id: int) -> CorrectiveAction:
    try:
        return actions.get_visible_action(api_user(), action_id)
    except NotFound:
        abort(404)


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
