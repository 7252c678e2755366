"""``/api/v1/corrective-actions``: corrective actions (整改) read, answered, closed, reopened.

The same services as the HTML pages. Visibility: providers only their own actions, officers
their region, inspectors the actions of their inspections and those they raised. Anything
else is a 404, exactly like a missing row.
"""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy.orm as so
from flask import abort, request
from flask.views import MethodView
from flask_babel import gettext as _

from app.api import Blueprint
from app.api.auth import api_user, token_required
from app.api.schemas import PageArgs, page_schema, paginate
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.users.models import Role, User
from evaluations.actions import rectification
from evaluations.actions import services as actions
from evaluations.actions.models import ActionStatus, CorrectiveAction, Severity

blp = Blueprint("api_actions", __name__, url_prefix="/api/v1",
                description="Corrective actions (整改)")

EVERYONE = (Role.ADMIN, Role.OFFICER, Role.INSPECTOR, Role.PROVIDER)
OFFICERS = (Role.ADMIN, Role.OFFICER)


class AttachmentSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String(metadata={"description": "before | after | evidence"})
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
    response = ma.fields.String(metadata={"description": "the measures taken (as measures)"})
    cause = ma.fields.String()
    measures = ma.fields.String()
    responsible_person = ma.fields.String()
    completed_on = ma.fields.Date(allow_none=True)
    responded_at = ma.fields.DateTime(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    reopen_count = ma.fields.Integer()
    reopen_reason = ma.fields.String()
    reinspection_id = ma.fields.Integer(allow_none=True)
    attachments = ma.fields.List(ma.fields.Nested(AttachmentSchema))
    state = ma.fields.String(metadata={"description": "where the action stands (its status, "
                                       "returns and report), to send back as `state_seen`"})


class ActionArgs(PageArgs):
    status = ma.fields.Enum(ActionStatus, by_value=True)
    severity = ma.fields.Enum(Severity, by_value=True)
    overdue = ma.fields.Boolean()
    facility_id = ma.fields.Integer()
    provider_id = ma.fields.Integer()
    inspection_id = ma.fields.Integer()


class AnswerArgs(ma.Schema):
    """The rectification report (整改报告); ``response`` is the older name of ``measures``."""

    cause = ma.fields.String(required=True, metadata={"description": "the cause found"})
    measures = ma.fields.String(load_default=None,
                                metadata={"description": "the measures taken"})
    response = ma.fields.String(load_default=None,
                                metadata={"description": "the measures taken (older name)"})
    responsible_person = ma.fields.String(required=True)
    completed_on = ma.fields.Date(required=True, metadata={"description": "YYYY-MM-DD"})


class ReinspectionArgs(ma.Schema):
    inspector_id = ma.fields.Integer(required=True,
                                     # ids are 32-bit integers on PostgreSQL
                                     validate=ma.validate.Range(min=1, max=2**31 - 1))
    scheduled_for = ma.fields.Date(required=True)


def _state_seen() -> ma.fields.String:
    return ma.fields.String(load_default=None, validate=ma.validate.Length(max=100),
                            metadata={"description": "optional: the action's `state` as read; "
                                      "answered, returned or closed since → 409"})


class ReopenArgs(ma.Schema):
    reason = ma.fields.String(required=True)
    deadline = ma.fields.Date(load_default=None, metadata={
        "description": "YYYY-MM-DD: the corrected report's deadline; required (422) once the "
                       "action's deadline has passed, else the old one holds when omitted"})
    state_seen = _state_seen()


class CloseArgs(ma.Schema):
    note = ma.fields.String(load_default="")
    state_seen = _state_seen()
    answer_seen = ma.fields.String(load_default=None, validate=ma.validate.Length(max=40),
                                   metadata={"description": "the action's `responded_at` as "
                                             "read (\"\" when it had no answer); the provider "
                                             "having answered again since → 409"})


def action_dict(action: CorrectiveAction) -> dict:
    reinspection = actions.shown_reinspection(action, api_user())
    return {
        "id": action.id, "inspection_id": action.inspection_id, "item_id": action.item_id,
        "facility_id": action.facility_id, "contract_id": action.contract_id,
        "provider_id": action.provider_id, "region_code": action.region.code,
        "description": action.description, "severity": action.severity.value,
        "deadline": action.deadline, "status": action.status.value,
        "overdue": action.is_overdue, "response": action.response,
        "measures": action.response, "cause": action.cause,
        "responsible_person": action.responsible_person, "completed_on": action.completed_on,
        "responded_at": action.responded_at, "closed_at": action.closed_at,
        "reopen_count": action.reopen_count, "reopen_reason": action.reopen_reason,
        "reinspection_id": reinspection.id if reinspection is not None else None, "state": actions.state_stamp(action),
        "attachments": [{"id": a.id, "kind": a.kind.value, "name": a.original_name,
                         "content_type": a.content_type, "size": a.size}
                        for a in action.attachments],
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
        rows = stmt.options(so.joinedload(CorrectiveAction.region),
                            so.selectinload(CorrectiveAction.attachments))
        page = paginate(rows, args["page"], args["per_page"])
        page["items"] = [action_dict(a) for a in page["items"]]
        return page


@blp.route("/corrective-actions/<int:action_id>")
class CorrectiveActionDetail(MethodView):
    @token_required(*EVERYONE)
    @blp.response(200, ActionSchema)
    def get(self, action_id: int):
        """One corrective action."""
        return action_dict(_action(action_id))


def _report_body() -> tuple[dict, dict[str, list]]:
    """The report from a JSON body, or from a multipart form with its photo files."""
    multipart = request.mimetype == "multipart/form-data"
    raw = request.form.to_dict() if multipart else request.get_json(silent=True)
    try:
        data = AnswerArgs().load(raw if isinstance(raw, dict) else {})
    except ma.ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {}
        raise ValidationError(_("The rectification report was not sent."),
                              {str(k): [str(m) for m in v] if isinstance(v, list) else [str(v)]
                               for k, v in messages.items()}) from None
    files = {name: [(f.filename, f.read()) for f in request.files.getlist(name)
                    if f and f.filename] for name in ("before", "after", "files")}
    return data, files


@blp.route("/corrective-actions/<int:action_id>/answer")
class CorrectiveActionAnswer(MethodView):
    @token_required(Role.PROVIDER)
    @blp.doc(requestBody={"required": True, "content": {
        "application/json": {"schema": AnswerArgs},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "cause": {"type": "string"}, "measures": {"type": "string"},
            "responsible_person": {"type": "string"},
            "completed_on": {"type": "string", "format": "date"},
            "before": {"type": "array", "items": {"type": "string", "format": "binary"}},
            "after": {"type": "array", "items": {"type": "string", "format": "binary"}},
            "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}})
    @blp.response(200, ActionSchema)
    def post(self, action_id: int):
        """The provider's rectification report (status becomes ``answered``): cause, measures
        taken, person responsible, date completed; as multipart, with ``before`` and
        ``after`` photos and other evidence ``files``. A closed action → 409; a returned one
        is resubmitted the same way."""
        action = _action(action_id)
        data, files = _report_body()
        try:
            rectification.answer_action(
                action, response=data["measures"] or data["response"], cause=data["cause"],
                responsible_person=data["responsible_person"],
                completed_on=data["completed_on"], actor=api_user(), **files)
        except ValidationError as error:
            # the measures are called ``measures`` at this door
            error.fields = {"measures" if k == "response" else k: v
                            for k, v in error.fields.items()}
            raise
        return action_dict(action)


@blp.route("/corrective-actions/<int:action_id>/reinspection")
class CorrectiveActionReinspection(MethodView):
    @token_required(*OFFICERS)
    @blp.arguments(ReinspectionArgs)
    @blp.response(201, ActionSchema)
    def post(self, args, action_id: int):
        """Schedule a re-inspection from the rectification report (``reinspection_id`` of
        the answer names it)."""
        action = _action(action_id)
        inspector = db.session.get(User, args["inspector_id"])
        if inspector is None:
            message = _("Choose an inspector.")
            raise ValidationError(message, {"inspector_id": [message]})
        rectification.reinspection_of_action(action, inspector=inspector,
                                             scheduled_for=args["scheduled_for"],
                                             actor=api_user())
        return action_dict(action)


@blp.route("/corrective-actions/<int:action_id>/close")
class CorrectiveActionClose(MethodView):
    @token_required(*OFFICERS)
    @blp.arguments(CloseArgs)
    @blp.response(200, ActionSchema)
    def post(self, args, action_id: int):
        """The officer closes the action; already closed, answered again since
        ``answer_seen``, or changed since ``state_seen`` (answered, returned, closed) → 409."""
        action = _action(action_id)
        actions.close_action(action, actor=api_user(), note=args["note"],
                             answer_seen=args["answer_seen"], state_seen=args["state_seen"])
        return action_dict(action)


@blp.route("/corrective-actions/<int:action_id>/reopen")
class CorrectiveActionReopen(MethodView):
    @token_required(*OFFICERS)
    @blp.arguments(ReopenArgs)
    @blp.response(200, ActionSchema)
    def post(self, args, action_id: int):
        """The officer sends it back to the provider; ``reason`` required (422 if empty), and a
        new ``deadline`` once the old one has passed (422 naming it); already open, or
        changed since ``state_seen`` (answered, returned, closed) → 409."""
        action = _action(action_id)
        actions.reopen_action(action, reason=args["reason"], actor=api_user(),
                              state_seen=args["state_seen"], deadline=args["deadline"])
        return action_dict(action)
