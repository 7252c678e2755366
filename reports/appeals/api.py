"""``/api/v1`` endpoints of appeals (申诉/复核): lodge, list, read, resolve.

The same services as the pages. A provider lodges appeals of its own finalized inspections and
payment decisions and reads its own; officers read and resolve those of their region. Anything
else answers 404, exactly like a missing row.
"""

from __future__ import annotations

import marshmallow as ma
from flask import url_for
from flask.views import MethodView
from flask_smorest.fields import Upload

from app import uploads
from app.api import Blueprint
from app.api.auth import api_user, token_required
from app.api.schemas import PageArgs, page_schema, paginate
from app.users.models import Role
from evaluations.inspections.services import get_visible_inspection
from reports.appeals import evidence
from reports.appeals import services as appeals
from reports.appeals.models import Appeal, AppealFile, AppealStatus
from reports.performance.decisions import get_visible_decision

blp = Blueprint("api_appeals", __name__, url_prefix="/api/v1",
                description="Appeals (申诉/复核) of inspection results and payment decisions")

READERS = (Role.ADMIN, Role.OFFICER, Role.PROVIDER)
OFFICERS = (Role.ADMIN, Role.OFFICER)


class AppealIn(ma.Schema):
    reason = ma.fields.String(required=True, metadata={"description": "why the provider appeals"})
    evidence = ma.fields.String(load_default=None, allow_none=True,
                                metadata={"description": "the evidence offered, as text"})


class RevisedDecisionIn(ma.Schema):
    decision = ma.fields.String(required=True,
                                validate=ma.validate.OneOf(["pay", "reduce", "withhold"]))
    renew = ma.fields.Boolean(required=True)
    amount = ma.fields.Decimal(load_default=None, as_string=True, metadata={
        "type": "string", "description": "yuan, when reducing: at most two decimals"})
    comment = ma.fields.String(load_default=None, allow_none=True)


class ResolveIn(ma.Schema):
    outcome = ma.fields.String(required=True,
                               validate=ma.validate.OneOf(["upheld", "corrected"]))
    reason = ma.fields.String(required=True)
    revised_decision = ma.fields.Nested(RevisedDecisionIn, load_default=None, metadata={
        "description": "for a corrected payment decision: the decision that replaces it"})
    files_seen = ma.fields.Integer(load_default=None, validate=ma.validate.Range(0, 1000),
                                   metadata={"description": "how many evidence files the "
                                             "resolution was made on; more stored since → 409"})
    inspector_id = ma.fields.Integer(
        load_default=None, validate=ma.validate.Range(1, 2**31 - 1),
        metadata={"description": "a corrected inspection: who fills the correction in; by "
                  "default the inspector of the result, while they still inspect in its region"})


class AppealArgs(PageArgs):
    status = ma.fields.String(validate=ma.validate.OneOf([s.value for s in AppealStatus]))
    contract_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1))
    inspection_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1))


class AppealFileSchema(ma.Schema):
    id = ma.fields.Integer()
    filename = ma.fields.String()
    content_type = ma.fields.String()
    size = ma.fields.Integer(metadata={"description": "bytes"})
    uploaded_at = ma.fields.AwareDateTime()
    download_url = ma.fields.String()


class AppealFileUpload(ma.Schema):
    file = Upload(required=True, metadata={
        "description": "PDF, JPEG, PNG, docx, xlsx, pptx, doc or xls; at most 20 MB; at most "
                       f"{evidence.MAX_FILES} files an appeal"})


class AppealSchema(ma.Schema):
    id = ma.fields.Integer()
    status = ma.fields.String(metadata={"description": "open | upheld | corrected"})
    inspection_id = ma.fields.Integer(allow_none=True)
    payment_decision_id = ma.fields.Integer(allow_none=True)
    contract_id = ma.fields.Integer(allow_none=True)
    provider_id = ma.fields.Integer()
    reason = ma.fields.String()
    evidence = ma.fields.String()
    opened_at = ma.fields.AwareDateTime()
    due_by = ma.fields.Date(metadata={"description": "the officer answers by this day"})
    resolved_at = ma.fields.AwareDateTime(allow_none=True)
    resolution_reason = ma.fields.String()
    correction_id = ma.fields.Integer(allow_none=True, metadata={
        "description": "the correction version of the inspection made to resolve it"})
    revised_decision_id = ma.fields.Integer(allow_none=True)
    files = ma.fields.List(ma.fields.Nested(AppealFileSchema),
                           metadata={"description": "the evidence files offered"})


def file_dict(file: AppealFile) -> dict:
    return {"id": file.id, "filename": file.filename, "content_type": file.content_type,
            "size": file.size, "uploaded_at": file.uploaded_at,
            "download_url": url_for("api_appeals.AppealFileContent", appeal_id=file.appeal_id,
                                    file_id=file.id)}


def appeal_dict(appeal: Appeal) -> dict:
    return {
        "id": appeal.id, "status": appeal.status.value, "inspection_id": appeal.inspection_id,
        "payment_decision_id": appeal.payment_decision_id, "contract_id": appeal.contract_id,
        "provider_id": appeal.provider_id, "reason": appeal.reason,
        "evidence": appeal.evidence, "opened_at": appeal.opened_at, "due_by": appeal.due_by,
        "resolved_at": appeal.resolved_at, "resolution_reason": appeal.resolution_reason,
        "correction_id": appeal.correction_id,
        "revised_decision_id": appeal.revised_decision_id,
        "files": [file_dict(f) for f in appeal.files],
    }


@blp.route("/inspections/<int:inspection_id>/appeals")
class InspectionAppeals(MethodView):
    @token_required(Role.PROVIDER)
    @blp.arguments(AppealIn)
    @blp.response(201, AppealSchema)
    @blp.alt_response(404, description="No such inspection, or not the caller's")
    @blp.alt_response(409, description="Already appealed, not finalized, or the window closed")
    def post(self, data, inspection_id: int):
        """The provider appeals a finalized inspection result, within the appeal window."""
        inspection = get_visible_inspection(api_user(), inspection_id)
        return appeal_dict(appeals.open_inspection_appeal(
            inspection, reason=data["reason"], evidence=data["evidence"], actor=api_user()))


@blp.route("/payment-decisions/<int:decision_id>/appeals")
class DecisionAppeals(MethodView):
    @token_required(Role.PROVIDER)
    @blp.arguments(AppealIn)
    @blp.response(201, AppealSchema)
    @blp.alt_response(404, description="No such decision, or not on the caller's contract")
    @blp.alt_response(409, description="Already appealed, revoked, or the window closed")
    def post(self, data, decision_id: int):
        """The provider appeals a payment decision on its contract, within the window."""
        decision = get_visible_decision(api_user(), decision_id)
        return appeal_dict(appeals.open_decision_appeal(
            decision, reason=data["reason"], evidence=data["evidence"], actor=api_user()))


@blp.route("/appeals")
class AppealList(MethodView):
    @token_required(*READERS)
    @blp.arguments(AppealArgs, location="query")
    @blp.response(200, page_schema(AppealSchema, "AppealPage"))
    def get(self, args):
        """The appeals the caller may see, open first; filters: status, contract_id,
        inspection_id."""
        stmt = appeals.appeal_stmt(api_user(), status=args.get("status"),
                                   contract_id=args.get("contract_id"),
                                   inspection_id=args.get("inspection_id"))
        page = paginate(stmt, args["page"], args["per_page"])
        page["items"] = [appeal_dict(a) for a in page["items"]]
        return page


@blp.route("/appeals/<int:appeal_id>")
class AppealDetail(MethodView):
    @token_required(*READERS)
    @blp.response(200, AppealSchema)
    def get(self, appeal_id: int):
        """One appeal."""
        return appeal_dict(appeals.get_visible_appeal(api_user(), appeal_id))


@blp.route("/appeals/<int:appeal_id>/resolve")
class AppealResolve(MethodView):
    @token_required(*OFFICERS)
    @blp.arguments(ResolveIn)
    @blp.response(200, AppealSchema)
    @blp.alt_response(409, description="Already resolved, or evidence added since "
                                       "``files_seen``")
    def post(self, data, appeal_id: int):
        """The officer's answer: ``upheld``, or ``corrected`` (an inspection gets a correction
        version; a decision is revoked and ``revised_decision`` recorded), with a reason."""
        appeal = appeals.get_visible_appeal(api_user(), appeal_id)
        revised = data["revised_decision"]
        if revised is not None and revised.get("amount") is not None:
            revised["amount"] = str(revised["amount"])
        return appeal_dict(appeals.resolve_appeal(appeal, outcome=data["outcome"],
                                                  reason=data["reason"], actor=api_user(),
                                                  revised=revised,
                                                  files_seen=data["files_seen"],
                                                  inspector_id=data["inspector_id"]))


@blp.route("/appeals/<int:appeal_id>/files")
class AppealFiles(MethodView):
    @token_required(Role.PROVIDER)
    @blp.arguments(AppealFileUpload, location="files")
    @blp.response(201, AppealFileSchema)
    @blp.alt_response(404, description="No such appeal, or not the caller's")
    @blp.alt_response(409, description="The appeal is resolved")
    @blp.alt_response(422, description="Not an accepted file, or too many files")
    def post(self, files, appeal_id: int):
        """The provider adds an evidence file to its open appeal (multipart ``file``)."""
        appeal = appeals.get_visible_appeal(api_user(), appeal_id)
        upload = files["file"]
        [added] = evidence.attach_files(
            appeal, [(upload.filename, uploads.read_upload(upload.stream))], actor=api_user())
        return file_dict(added)


@blp.route("/appeals/<int:appeal_id>/files/<int:file_id>")
class AppealFileContent(MethodView):
    @token_required(*READERS)
    @blp.response(200, content_type="application/octet-stream")
    @blp.alt_response(404, description="No such file, or an appeal the caller may not read")
    def get(self, appeal_id: int, file_id: int):
        """An evidence file, under its original name."""
        return evidence.send_file(appeals.get_visible_appeal(api_user(), appeal_id), file_id)
