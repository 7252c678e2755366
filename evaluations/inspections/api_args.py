"""The arguments of ``/api/v1/inspections``'s operations."""

from __future__ import annotations

import marshmallow as ma

from app.api.schemas import PageArgs
from evaluations.inspections.models import InspectionStatus


class ScheduleArgs(ma.Schema):
    template_id = ma.fields.Integer(required=True)
    facility_id = ma.fields.Integer(allow_none=True)
    contract_id = ma.fields.Integer(allow_none=True)
    inspector_id = ma.fields.Integer(required=True)
    scheduled_for = ma.fields.Date(required=True)


class InspectionListArgs(PageArgs):
    status = ma.fields.Enum(InspectionStatus, by_value=True)
    template_id = ma.fields.Integer()
    facility_id = ma.fields.Integer()
    contract_id = ma.fields.Integer()
    inspector_id = ma.fields.Integer()


class AnswersArgs(ma.Schema):
    #: the whole form's version; leave it out to send per-item ``base_version``s instead
    version = ma.fields.Raw()
    #: checked item by item by the service, so that errors name ``answers[i].<field>`` (the
    #: door's own refusals too: ``bracketed``)
    answers = ma.fields.List(ma.fields.Raw(), required=True, metadata={"bracketed": True})


class ReasonArgs(ma.Schema):
    reason = ma.fields.String(required=True)


class CorrectionArgs(ReasonArgs):
    inspector_id = ma.fields.Integer(load_default=None, validate=ma.validate.Range(1, 2**31 - 1),
                                     metadata={"description": "who fills the correction in; "
                                               "by default the inspector of the result, while "
                                               "they still inspect in its region"})


class FinalizeArgs(ma.Schema):
    version = ma.fields.Integer(load_default=None, validate=ma.validate.Range(1, 2**31 - 1),
                                metadata={"description": "the version of the result read; a "
                                          "result sent back and submitted again since → 409"})


_VERSION_SEEN = dict(load_default=None, validate=ma.validate.Range(1, 2**31 - 1),
                     metadata={"description": "the version of the inspection read; changed "
                               "since (another officer's step, an answer saved) → 409"})


class ReassignArgs(ma.Schema):
    inspector_id = ma.fields.Integer(required=True, validate=ma.validate.Range(1, 2**31 - 1),
                                     metadata={"description": "an enabled inspector of the "
                                               "inspection's region"})
    version = ma.fields.Integer(**_VERSION_SEEN)


class CancelArgs(ReasonArgs):
    version = ma.fields.Integer(**_VERSION_SEEN)


def _multipart(required: list[str], properties: dict) -> dict:
    """The document's request body of a multipart upload, which the view reads itself."""
    return {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": required, "properties": properties}}}}


_CLIENT_ID = {"type": "string", "description": "the device's id of the upload (8 to 64 "
                                               "letters, digits, - or _): a retry is stored once"}

#: ``POST /inspections/{id}/photos``
PHOTO_BODY = _multipart(["item_id", "file"], {
    "item_id": {"type": "integer", "description": "the template item the photo shows"},
    "file": {"type": "string", "format": "binary", "description": "a JPEG or PNG picture"},
    "client_id": _CLIENT_ID})

#: ``POST /inspections/{id}/signatures``
SIGNATURE_BODY = _multipart(["role", "signer_name", "file"], {
    "role": {"type": "string", "enum": ["inspector", "representative"]},
    "signer_name": {"type": "string", "description": "at most 100 characters"},
    "signed_at": {"type": "string", "description": "ISO 8601, local time if it names no "
                                                   "zone (the server's time if left out)"},
    "file": {"type": "string", "format": "binary", "description": "the drawing, a PNG of at "
                                                                  "most 1 MB"},
    "client_id": _CLIENT_ID})
