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
    #: checked item by item by the service, so that errors name ``answers[i].<field>``
    answers = ma.fields.List(ma.fields.Raw(), required=True)


class ReasonArgs(ma.Schema):
    reason = ma.fields.String(required=True)


class FinalizeArgs(ma.Schema):
    version = ma.fields.Integer(load_default=None, validate=ma.validate.Range(1, 2**31 - 1),
                                metadata={"description": "the version of the result read; a "
                                          "result sent back and submitted again since → 409"})
