"""``/api/v1/inspections``: the inspections' door for the tablets and other systems.

The same services as the HTML pages. Visibility: officers their region, inspectors their own
assignments, providers only finalized inspections of their organization; anything else, 404.
"""

from __future__ import annotations

import marshmallow as ma
from flask import request
from flask.views import MethodView
from flask_babel import gettext

from app.api import Blueprint
from app.api.auth import api_user, token_required
from app.api.schemas import Prepared, page_schema, paginate
from app.errors import NotFound, ValidationError
from app.users.models import Role
from contracts.visibility import get_visible_contract, get_visible_facility
from evaluations.assessment.bands import grade_label
from evaluations.inspections import integrity as photo_integrity
from evaluations.inspections import lists as inspection_lists
from evaluations.inspections import photos as photo_services
from evaluations.inspections import services as inspection_services
from evaluations.inspections import signatures as signature_services
from evaluations.inspections.api_args import (
    PHOTO_BODY,
    SIGNATURE_BODY,
    AnswersArgs,
    CorrectionArgs,
    FinalizeArgs,
    InspectionListArgs,
    ReasonArgs,
    ScheduleArgs,
)
from evaluations.inspections.integrity_schema import IntegritySchema
from evaluations.inspections.models import Inspection, InspectionStatus

blp = Blueprint("api_inspections", __name__, url_prefix="/api/v1",
                description="Inspections")

OFFICERS = (Role.ADMIN, Role.OFFICER)


def _score(value) -> float | None:
    return None if value is None else float(value)


def inspection_result(inspection: Inspection) -> dict | None:
    if inspection.status not in (InspectionStatus.SUBMITTED, InspectionStatus.FINALIZED):
        return None
    return {
        "total": _score(inspection.total),
        "grade": inspection.grade,
        "grade_label": grade_label(inspection.grade, inspection.template.grade_bands),
        "sections": [{"section_id": s["section_id"], "score": float(s["score"])}
                     for s in inspection.section_scores or []],
        "failed_critical": list(inspection.failed_critical or []),
    }


def inspection_dict(inspection: Inspection, integrity: dict | None = None,
                    answers: list | None = None) -> dict:
    """With a whole page's photo signs by photo id (``integrity``) and answers as rows."""
    template = inspection.template
    if integrity is None:
        integrity = photo_integrity.for_inspection(inspection, api_user())
    return {
        "id": inspection.id, "template_id": template.id, "template_code": template.code,
        "template_version": template.version, "facility_id": inspection.facility_id,
        "contract_id": inspection.contract_id, "provider_id": inspection.provider_id,
        "region_code": inspection.region.code, "inspector_id": inspection.inspector_id,
        "campaign_id": inspection.campaign_id,
        "scheduled_for": inspection.scheduled_for.isoformat(),
        "status": inspection.status.value, "version": inspection.version,
        "started_at": inspection.started_at, "submitted_at": inspection.submitted_at,
        "finalized_at": inspection.finalized_at, "supersedes_id": inspection.supersedes_id,
        "superseded_by_id": inspection.superseded_by.id if inspection.superseded_by else None,
        "cancelled_at": inspection.cancelled_at, "cancel_reason": inspection.cancel_reason,
        "verification_code": (inspection.verification_code
                              if inspection.status is InspectionStatus.FINALIZED else None),
        "answers": [answer_dict(a) for a in sorted(
            inspection.answers if answers is None else answers, key=lambda a: a.item_id)],
        "photos": [photo_dict(p, integrity.get(p.id)) for p in inspection.photos],
        "signatures": [signature_dict(s) for s in inspection.signatures],
        "signatures_required": template.signatures_required,
        "result": inspection_result(inspection),
    }


def answer_dict(answer) -> dict:
    return {"item_id": answer.item_id, "points": _score(answer.points), "yes": answer.yes,
            "na": answer.na, "note": answer.note, "version": answer.version,
            "reading": _score(answer.reading)}


def photo_dict(photo, integrity=None) -> dict:
    if integrity is None:
        integrity = photo_integrity.for_inspection(photo.inspection, api_user())[photo.id]
    return {"id": photo.id, "item_id": photo.item_id, "content_type": photo.content_type,
            "width": photo.width, "height": photo.height, "taken_at": photo.taken_at,
            "uploaded_at": photo.uploaded_at, "client_id": photo.client_id,
            "integrity": integrity.as_api()}


def signature_dict(signature) -> dict:
    return {"role": signature.role.value, "signer_name": signature.signer_name,
            "signed_at": signature.signed_at, "client_id": signature.client_id}


def conflict_dict(conflict) -> dict:
    """Both values of an item two devices changed: the refused change and the stored one."""
    yours, theirs = conflict.yours, conflict.theirs
    return {"item_id": conflict.item_id,
            "yours": {"points": _score(yours.points), "yes": yours.yes, "na": yours.na,
                      "reading": _score(yours.reading),
                      "note": yours.note, "base_version": yours.base_version},
            "theirs": {"points": _score(theirs.points), "yes": theirs.yes, "na": theirs.na,
                       "reading": _score(theirs.reading),
                       "note": theirs.note, "version": theirs.version}}


class AnswerSchema(ma.Schema):
    item_id = ma.fields.Integer()
    points = ma.fields.Float(allow_none=True)
    yes = ma.fields.Boolean(allow_none=True)
    reading = ma.fields.Float(allow_none=True, metadata={
        "description": "reading items: the measured value (one decimal); the points follow "
                       "from the template's parameters"})
    na = ma.fields.Boolean()
    note = ma.fields.String()
    version = ma.fields.Integer(metadata={"description": "the version of the form that last "
                                                         "changed this answer"})


class ResultSchema(ma.Schema):
    total = ma.fields.Float(allow_none=True, metadata={"description": "one decimal"})
    grade = ma.fields.String(allow_none=True, metadata={
        "description": "the code of the template's band: excellent | good | pass | fail with "
                       "the default bands"})
    grade_label = ma.fields.String(allow_none=True,
                                   metadata={"description": "the band's label, as shown"})
    sections = ma.fields.List(ma.fields.Dict())
    failed_critical = ma.fields.List(ma.fields.Integer())


class PhotoSchema(ma.Schema):
    id = ma.fields.Integer()
    item_id = ma.fields.Integer()
    content_type = ma.fields.String()
    width = ma.fields.Integer()
    height = ma.fields.Integer()
    taken_at = ma.fields.AwareDateTime(allow_none=True)
    uploaded_at = ma.fields.AwareDateTime()
    client_id = ma.fields.String(allow_none=True)
    integrity = ma.fields.Nested(IntegritySchema, metadata={
        "description": "reasons to look, not verdicts"})


class SignatureSchema(ma.Schema):
    role = ma.fields.String(metadata={"description": "inspector | representative"})
    signer_name = ma.fields.String()
    signed_at = ma.fields.AwareDateTime()
    client_id = ma.fields.String(allow_none=True)


class InspectionSchema(ma.Schema):
    id = ma.fields.Integer()
    template_id = ma.fields.Integer()
    template_code = ma.fields.String()
    template_version = ma.fields.Integer()
    facility_id = ma.fields.Integer(allow_none=True)
    contract_id = ma.fields.Integer(allow_none=True)
    provider_id = ma.fields.Integer(allow_none=True)
    region_code = ma.fields.String()
    inspector_id = ma.fields.Integer()
    campaign_id = ma.fields.Integer(allow_none=True)
    scheduled_for = ma.fields.String()
    status = ma.fields.String(metadata={"description": "scheduled | in_progress | submitted | "
                                                      "finalized | cancelled"})
    version = ma.fields.Integer(metadata={"description": "send it back with every save"})
    started_at = ma.fields.AwareDateTime(allow_none=True)
    submitted_at = ma.fields.AwareDateTime(allow_none=True)
    finalized_at = ma.fields.AwareDateTime(allow_none=True)
    supersedes_id = ma.fields.Integer(allow_none=True)
    superseded_by_id = ma.fields.Integer(allow_none=True)
    cancelled_at = ma.fields.AwareDateTime(allow_none=True)
    cancel_reason = ma.fields.String()
    verification_code = ma.fields.String(allow_none=True)
    answers = Prepared(AnswerSchema, many=True)  # built by answer_dict
    photos = ma.fields.List(ma.fields.Nested(PhotoSchema))
    signatures = ma.fields.List(ma.fields.Nested(SignatureSchema))
    signatures_required = ma.fields.Boolean()
    result = ma.fields.Nested(ResultSchema, allow_none=True)
    conflicts = ma.fields.List(ma.fields.Dict(), metadata={
        "description": "per-item saves only: the changes refused because the answer was "
                       "changed since their base_version, with both values"})


def _visible_inspection(inspection_id: int) -> Inspection:
    return inspection_services.get_visible_inspection(api_user(), inspection_id)


def _target(model, ident, field: str):
    """A facility or contract the caller may see, else a 422 naming ``field``."""
    if ident is None:
        return None
    getter = get_visible_facility if model == "facility" else get_visible_contract
    try:
        return getter(api_user(), ident)
    except NotFound:
        message = (gettext("There is no such facility.") if model == "facility"
                   else gettext("There is no such contract."))
        raise ValidationError(message, {field: [message]}) from None


@blp.route("/inspections")
class Inspections(MethodView):
    @token_required()
    @blp.arguments(InspectionListArgs, location="query")
    @blp.response(200, page_schema(InspectionSchema, "InspectionPage"))
    def get(self, args):
        """Inspections the caller may see, newest scheduled first."""
        stmt = inspection_lists.inspection_stmt(
            api_user(), status=args.get("status"), template_id=args.get("template_id"),
            facility_id=args.get("facility_id"), contract_id=args.get("contract_id"),
            inspector_id=args.get("inspector_id"))
        page = paginate(stmt, args["page"], args["per_page"],
                        load=inspection_lists.row_relations(api=True))
        signs = photo_integrity.for_inspections(page["items"], api_user())
        answers = inspection_lists.answer_rows([i.id for i in page["items"]])
        page["items"] = [inspection_dict(i, signs, answers.get(i.id, [])) for i in page["items"]]
        return page

    @token_required(*OFFICERS)
    @blp.arguments(ScheduleArgs)
    @blp.response(201, InspectionSchema)
    def post(self, args):
        """Schedule an inspection of a facility or a contract (officer)."""
        template, inspector = inspection_services.template_and_inspector(
            args["template_id"], args["inspector_id"])
        inspection = inspection_services.schedule_inspection(
            template=template, inspector=inspector, scheduled_for=args["scheduled_for"],
            facility=_target("facility", args.get("facility_id"), "facility_id"),
            contract=_target("contract", args.get("contract_id"), "contract_id"),
            actor=api_user())
        return inspection_dict(inspection)


@blp.route("/inspections/<int:inspection_id>")
class InspectionDetail(MethodView):
    @token_required()
    @blp.response(200, InspectionSchema)
    def get(self, inspection_id: int):
        """One inspection with its answers and, once submitted, its result."""
        return inspection_dict(_visible_inspection(inspection_id))


@blp.route("/inspections/<int:inspection_id>/answers")
class InspectionAnswers(MethodView):
    @token_required(Role.INSPECTOR)
    @blp.arguments(AnswersArgs)
    @blp.response(200, InspectionSchema)
    def put(self, args, inspection_id: int):
        """Save (part of) the answers.

        With ``version``: it must be the one read, else 409 and nothing is stored. Without
        it, each answer carries ``base_version`` (the ``version`` of that answer the device
        started from, 0 if none): changes to answers nobody changed since are stored, the
        others come back in ``conflicts`` with both values."""
        inspection = _visible_inspection(inspection_id)
        conflicts = []
        if "version" in args:
            inspection_services.save_answers(inspection, version=args["version"],
                                             answers=args["answers"], actor=api_user())
        else:
            conflicts = inspection_services.save_changes(inspection, answers=args["answers"],
                                                         actor=api_user())
        return inspection_dict(inspection) | {"conflicts": [conflict_dict(c) for c in conflicts]}


@blp.route("/inspections/<int:inspection_id>/submit")
class InspectionSubmit(MethodView):
    @token_required(Role.INSPECTOR)
    @blp.response(200, InspectionSchema)
    def post(self, inspection_id: int):
        """Submit: every item answered and required photos present; computes the result."""
        inspection = _visible_inspection(inspection_id)
        inspection_services.submit_inspection(inspection, actor=api_user())
        return inspection_dict(inspection)


@blp.route("/inspections/<int:inspection_id>/finalize")
class InspectionFinalize(MethodView):
    @token_required(*OFFICERS)
    @blp.arguments(FinalizeArgs)
    @blp.response(200, InspectionSchema)
    @blp.alt_response(409, description="Not submitted, or changed since ``version``")
    def post(self, args, inspection_id: int):
        """Sign the result off; the inspection never changes again."""
        inspection = _visible_inspection(inspection_id)
        inspection_services.finalize_inspection(inspection, actor=api_user(),
                                                version_seen=args["version"])
        return inspection_dict(inspection)


@blp.route("/inspections/<int:inspection_id>/reopen")
class InspectionReopen(MethodView):
    @token_required(*OFFICERS)
    @blp.arguments(ReasonArgs)
    @blp.response(200, InspectionSchema)
    def post(self, args, inspection_id: int):
        """Send a submitted inspection back to its inspector, with the reason."""
        inspection = _visible_inspection(inspection_id)
        inspection_services.reopen_inspection(inspection, actor=api_user(),
                                              reason=args["reason"])
        return inspection_dict(inspection)


@blp.route("/inspections/<int:inspection_id>/correction")
class InspectionCorrection(MethodView):
    @token_required(*OFFICERS)
    @blp.arguments(CorrectionArgs)
    @blp.response(201, InspectionSchema)
    def post(self, args, inspection_id: int):
        """Correct a finalized inspection: a new inspection superseding it, answers copied,
        filled in by ``inspector_id`` (by default the inspector of the result)."""
        inspection = _visible_inspection(inspection_id)
        new = inspection_services.correct_inspection(inspection, actor=api_user(),
                                                     reason=args["reason"],
                                                     inspector_id=args["inspector_id"])
        return inspection_dict(new)


@blp.route("/inspections/<int:inspection_id>/photos")
class InspectionPhotos(MethodView):
    @token_required(Role.INSPECTOR)
    @blp.doc(requestBody=PHOTO_BODY)
    @blp.response(201, PhotoSchema)
    def post(self, inspection_id: int):
        """Attach a photo (multipart ``item_id``, ``file``: JPEG or PNG) to an item.

        With the device's ``client_id``, a repeated upload returns the photo stored the first
        time: retries never store it twice."""
        inspection = _visible_inspection(inspection_id)
        return photo_dict(photo_services.add_photo(
            inspection, request.form.get("item_id"), request.files.get("file"), api_user(),
            client_id=request.form.get("client_id")))


@blp.route("/inspections/<int:inspection_id>/photos/<int:photo_id>")
class InspectionPhoto(MethodView):
    @token_required()
    @blp.response(200, description="The image (JPEG or PNG)")
    def get(self, inspection_id: int, photo_id: int):
        """The photo file; visible exactly when the inspection is."""
        photo = photo_services.get_photo(_visible_inspection(inspection_id), photo_id)
        return photo_services.photo_response(photo)

    @token_required(Role.INSPECTOR)
    @blp.response(204)
    def delete(self, inspection_id: int, photo_id: int):
        """Remove a photo while the inspection is still being filled in."""
        photo = photo_services.get_photo(_visible_inspection(inspection_id), photo_id)
        photo_services.delete_photo(photo, api_user())


@blp.route("/inspections/<int:inspection_id>/signatures")
class InspectionSignatures(MethodView):
    @token_required(Role.INSPECTOR)
    @blp.doc(requestBody=SIGNATURE_BODY)
    @blp.response(201, SignatureSchema)
    def post(self, inspection_id: int):
        """Store a signature drawn on the device (multipart ``role``: inspector |
        representative, ``signer_name``, ``signed_at`` ISO 8601, ``file`` PNG, ``client_id``);
        it replaces an earlier one of the same role."""
        inspection = _visible_inspection(inspection_id)
        form = request.form
        return signature_dict(signature_services.add_signature(
            inspection, role=form.get("role"), signer_name=form.get("signer_name"),
            signed_at=form.get("signed_at"), file_storage=request.files.get("file"),
            actor=api_user(), client_id=form.get("client_id")))


@blp.route("/inspections/<int:inspection_id>/signatures/<role>")
class InspectionSignatureFile(MethodView):
    @token_required()
    @blp.response(200, description="The signature (PNG)")
    def get(self, inspection_id: int, role: str):
        """The signature image; visible exactly when the inspection is."""
        signature = signature_services.get_signature(_visible_inspection(inspection_id), role)
        return signature_services.signature_response(signature)


# the officer's reassign and cancel, on this blueprint (kept apart: this module is full)
from evaluations.inspections import api_assignment  # noqa: E402, F401
