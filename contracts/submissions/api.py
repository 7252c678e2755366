"""``/api/v1`` endpoints of the submissions (服务报告).

``POST /contracts/{id}/submissions`` — the contract's provider submits a period's report
(``{"period": "2026-10", "data": {...}}``); posting the same period again after a return is the
resubmission. ``POST /submissions/{id}/review`` — an officer of the region approves or returns
it (a return needs a comment). Hidden objects answer 404 like missing ones.
"""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy.orm as so
from flask import url_for
from flask.views import MethodView
from flask_smorest.fields import Upload

from app import uploads
from app.api import Blueprint, add_component_schema
from app.api.auth import api_user, token_required
from app.api.schemas import (
    ApiErrorSchema,
    PageArgs,
    page_schema,
    paginate,
    revision_in,
    revision_out,
)
from app.unit_of_work import expect_revision
from app.uploads import read_upload
from app.users.models import Role
from contracts.submissions import attachments
from contracts.submissions import services as subs
from contracts.submissions.data_schema import NAMES, data_schemas
from contracts.submissions.models import Submission, SubmissionStatus
from contracts.visibility import get_visible_contract

blp = Blueprint("api_submissions", __name__, url_prefix="/api/v1",
                description="Service reports of providers and their review")

for _name, _schema in data_schemas().items():
    add_component_schema(_name, _schema)
#: the report's data: the schema of the contract's service type
DATA_BY_SERVICE_TYPE = {
    "anyOf": [{"$ref": f"#/components/schemas/{name}"} for name in NAMES.values()],
    "description": "the report, by the contract's service type: "
                   + ", ".join(f"{service_type} → {name}"
                               for service_type, name in NAMES.items()),
}


def _errors(*codes: int):
    descriptions = {404: "Missing, or hidden from the caller",
                    409: "Clashes with the current state",
                    422: "Invalid input; error.fields names each culprit (data.<field>)"}

    def decorator(view):
        for code in codes:
            view = blp.alt_response(code, schema=ApiErrorSchema,
                                    description=descriptions[code])(view)
        return view

    return decorator


class AttachmentOut(ma.Schema):
    id = ma.fields.Integer()
    filename = ma.fields.String()
    content_type = ma.fields.String()
    size = ma.fields.Integer()
    sha256 = ma.fields.String()
    created_at = ma.fields.DateTime()
    download_url = ma.fields.Function(
        lambda a: url_for("api_submissions.SubmissionFileContent", attachment_id=a.id))


class EventOut(ma.Schema):
    kind = ma.fields.Function(lambda e: e.kind.value)
    at = ma.fields.DateTime()
    actor_id = ma.fields.Integer(allow_none=True)
    comment = ma.fields.String()
    version = ma.fields.Integer()


class SubmissionOut(ma.Schema):
    id = ma.fields.Integer()
    contract_id = ma.fields.Integer()
    period = ma.fields.String()
    status = ma.fields.Function(lambda s: s.status.value,
                                metadata={"enum": [m.value for m in SubmissionStatus]})
    data = ma.fields.Dict(metadata=DATA_BY_SERVICE_TYPE | {
        "description": "the report as stored (cleaned; a draft may lack numbers), by the "
                       "contract's service type"})
    submitted_at = ma.fields.DateTime(allow_none=True)
    first_submitted_at = ma.fields.DateTime(allow_none=True)
    deadline = ma.fields.Date(allow_none=True)
    late = ma.fields.Boolean()
    version = ma.fields.Integer()
    revision = revision_out()
    reviewed_at = ma.fields.DateTime(allow_none=True)
    reviewer_id = ma.fields.Integer(allow_none=True)
    review_comment = ma.fields.String()
    attachments = ma.fields.List(ma.fields.Nested(AttachmentOut))
    events = ma.fields.List(ma.fields.Nested(EventOut))


class SubmissionIn(ma.Schema):
    period = ma.fields.String(required=True, metadata={"example": "2026-10",
                                                      "description": "YYYY-MM or YYYY-Qn"})
    data = ma.fields.Dict(required=True, metadata=DATA_BY_SERVICE_TYPE)
    draft = ma.fields.Boolean(load_default=False, metadata={
        "description": "true: keep it as a draft (to attach files) instead of submitting"})
    revision = revision_in()


class SubmissionArgs(PageArgs):
    status = ma.fields.String(validate=ma.validate.OneOf([m.value for m in SubmissionStatus]))


class ReviewIn(ma.Schema):
    decision = ma.fields.String(required=True,
                                validate=ma.validate.OneOf(["approved", "returned"]))
    comment = ma.fields.String(load_default="")
    revision = revision_in()


class UploadSchema(ma.Schema):
    file = Upload(required=True, metadata={
        "description": "PDF, JPEG, PNG, docx, xlsx, pptx, doc or xls; at most 20 MB"})


@blp.route("/contracts/<int:contract_id>/submissions")
class ContractSubmissions(MethodView):
    @token_required()
    @blp.arguments(SubmissionArgs, location="query")
    @blp.response(200, page_schema(SubmissionOut, "SubmissionPage"))
    @_errors(404)
    def get(self, args, contract_id):
        """The contract's submissions, newest period first."""
        contract = get_visible_contract(api_user(), contract_id)
        stmt = (subs.visible_submissions(api_user())
                .where(Submission.contract_id == contract.id)
                .order_by(Submission.period.desc())
                .options(so.selectinload(Submission.events),
                         so.selectinload(Submission.attachments)))
        if args.get("status"):
            stmt = stmt.where(Submission.status == args["status"])
        return paginate(stmt, args["page"], args["per_page"])

    @token_required(Role.PROVIDER)
    @blp.arguments(SubmissionIn)
    @blp.response(201, SubmissionOut)
    @_errors(404, 409, 422)
    def post(self, data, contract_id):
        """Submit a period's report (again, after a return)."""
        contract = get_visible_contract(api_user(), contract_id)
        operation = subs.save_draft if data["draft"] else subs.submit_report
        return operation(contract, data["period"], data["data"], actor=api_user(),
                         revision=data["revision"])


@blp.route("/submissions/<int:submission_id>")
class SubmissionItem(MethodView):
    @token_required()
    @blp.response(200, SubmissionOut)
    @_errors(404)
    def get(self, submission_id):
        return subs.get_visible_submission(api_user(), submission_id)


@blp.route("/submissions/<int:submission_id>/review")
class SubmissionReview(MethodView):
    @token_required(Role.OFFICER, Role.ADMIN)
    @blp.arguments(ReviewIn)
    @blp.response(200, SubmissionOut)
    @_errors(404, 409, 422)
    def post(self, data, submission_id):
        """Approve, or return with a comment, a report waiting for review."""
        submission = subs.get_visible_submission(api_user(), submission_id)
        expect_revision(submission, data["revision"])
        return subs.review_submission(submission, data["decision"], data["comment"],
                                      actor=api_user())


@blp.route("/submissions/<int:submission_id>/attachments")
class SubmissionFiles(MethodView):
    @token_required(Role.PROVIDER)
    @blp.arguments(UploadSchema, location="files")
    @blp.response(201, AttachmentOut)
    @_errors(404, 409, 422)
    def post(self, files, submission_id):
        """Attach a file to a draft or returned report; its content must match its name."""
        submission = subs.get_visible_submission(api_user(), submission_id)
        upload = files["file"]
        return attachments.add_attachment(submission, filename=upload.filename,
                                   data=read_upload(upload.stream), uploader=api_user())


@blp.route("/submission-files/<int:attachment_id>/content")
class SubmissionFileContent(MethodView):
    @token_required()
    @blp.response(200, content_type="application/octet-stream")
    @_errors(404)
    def get(self, attachment_id):
        attachment = attachments.get_visible_attachment(api_user(), attachment_id)
        return uploads.send(attachments.AREA, attachment.stored_name, mimetype=attachment.content_type,
                            download_name=attachment.filename)
