"""Household records through the API.

- ``POST /contracts/{id}/households`` (multipart ``file``) → ``201 {"imported": N}``, or 422 with
  ``error.rows`` listing every row error and nothing imported. A file of more lines than
  ``HOUSEHOLD_IMPORT_QUEUE_ROWS`` is imported by a worker: ``202`` with ``status_url``.
- ``GET /household-uploads/{id}`` — such a queued import: status, rows checked, row errors.
- ``GET /contracts/{id}/households`` — the records, ID numbers masked.
- ``POST /households/{id}/full-id`` — the full ID number (holders of the permission; audited).
"""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy.orm as so
from flask import jsonify, url_for
from flask.views import MethodView
from flask_smorest.fields import Upload

from app.api.auth import api_user, token_required
from app.api.schemas import ApiErrorSchema, PageArgs, page_schema, paginate
from app.template_helpers import ui_language
from app.users.models import Role
from contracts.households import queued, records
from contracts.households import services as households
from contracts.households.anomalies import ANOMALY_KINDS
from contracts.households.api.blueprint import blp
from contracts.households.models import (
    HouseholdRecord,
    HouseholdUpload,
    Recommendation,
    UploadStatus,
)
from contracts.visibility import get_visible_contract

_MONEY = {"type": "string", "example": "1234.50"}


class HouseholdFileSchema(ma.Schema):
    file = Upload(required=True, metadata={
        "description": ".xlsx (first sheet) or .csv (UTF-8 or GBK) with a header row; "
                       "see API.md \"Household-record files\""})


class HouseholdImportedSchema(ma.Schema):
    imported = ma.fields.Integer()
    import_id = ma.fields.Integer()


class HouseholdUploadOut(ma.Schema):
    """A large file imported by a worker; poll until ``status`` is imported, refused or failed."""

    id = ma.fields.Integer()
    contract_id = ma.fields.Integer()
    filename = ma.fields.String()
    status = ma.fields.Function(lambda u: u.status.value, metadata={
        "enum": [s.value for s in UploadStatus]})
    rows_total = ma.fields.Integer(metadata={"description": "data rows counted when queued"})
    rows_checked = ma.fields.Integer()
    imported = ma.fields.Function(
        lambda u: u.rows_checked if u.status is UploadStatus.IMPORTED else 0)
    import_id = ma.fields.Integer(allow_none=True)
    message = ma.fields.String()
    error_count = ma.fields.Integer()
    rows = ma.fields.Function(lambda u: u.errors or [], metadata={
        "description": "the row errors of a refused file: [{\"row\",\"field\",\"message\"}]"})
    created_at = ma.fields.DateTime()
    finished_at = ma.fields.DateTime(allow_none=True)
    status_url = ma.fields.Function(
        lambda u: url_for("api_households.HouseholdUploadById", upload_id=u.id))


class HouseholdImportErrorSchema(ApiErrorSchema):
    """The 422 of an import: ``error.rows`` = ``[{"row","field","message"}]``."""


class HouseholdArgs(PageArgs):
    period = ma.fields.String()
    township_id = ma.fields.Integer()
    recommendation = ma.fields.Enum(Recommendation, by_value=True)
    surveyor = ma.fields.String()
    anomaly = ma.fields.String(validate=ma.validate.OneOf(ANOMALY_KINDS))
    q = ma.fields.String(metadata={"description": "head name, or the last 4 characters of the ID"})


class HouseholdOut(ma.Schema):
    id = ma.fields.Integer()
    contract_id = ma.fields.Integer()
    period = ma.fields.String()
    id_number = ma.fields.Function(lambda r: households.mask_id(r.id_number),
                                   metadata={"description": "masked: 6 + ******** + 4"})
    head_name = ma.fields.String()
    region_code = ma.fields.Function(lambda r: r.region.code)
    members = ma.fields.Integer()
    monthly_income = ma.fields.Decimal(as_string=True, places=2, metadata=_MONEY)
    assets = ma.fields.Decimal(as_string=True, places=2, metadata=_MONEY)
    survey_date = ma.fields.Date()
    surveyor = ma.fields.String()
    recommendation = ma.fields.Function(lambda r: r.recommendation.value)
    second_surveyor = ma.fields.String(allow_none=True)
    surveyors_signed = ma.fields.Boolean(allow_none=True)
    applicant_signed = ma.fields.Boolean(allow_none=True)
    area = ma.fields.Function(lambda r: r.area.value if r.area else None,
                              metadata={"description": "urban | rural; null before the rule"})
    staff_relative = ma.fields.Boolean()
    photos_taken = ma.fields.Boolean(allow_none=True)
    income_lines = ma.fields.Dict(allow_none=True, metadata={
        "description": "the income lines given, e.g. {\"income_wages\": \"800.00\"}"})
    recorded_before_rule = ma.fields.Function(lambda r: r.before_rule, metadata={
        "description": "true: imported before the two-investigator and signature columns"})


class HouseholdFullIdOut(ma.Schema):
    id = ma.fields.Integer()
    id_number = ma.fields.String()


@blp.route("/contracts/<int:contract_id>/households")
class ContractHouseholds(MethodView):
    @token_required()
    @blp.arguments(HouseholdArgs, location="query")
    @blp.response(200, page_schema(HouseholdOut, "HouseholdPage"))
    def get(self, args, contract_id):
        """The contract's records (ID numbers masked), filtered."""
        contract = get_visible_contract(api_user(), contract_id)
        page, per_page = args.pop("page"), args.pop("per_page")
        township = args.pop("township_id", None)
        stmt = records.records_stmt(contract, township=township, **args)
        return paginate(stmt.options(so.joinedload(HouseholdRecord.region, innerjoin=True)),
                        page, per_page)

    @token_required(Role.PROVIDER, Role.OFFICER, Role.ADMIN)
    @blp.arguments(HouseholdFileSchema, location="files")
    @blp.response(201, HouseholdImportedSchema)
    @blp.alt_response(202, schema=HouseholdUploadOut,
                      description="A large file, imported by a worker: poll status_url")
    @blp.alt_response(422, schema=HouseholdImportErrorSchema, description="Row errors; nothing stored")
    def post(self, files, contract_id):
        """Import a household-record file: every record, or none."""
        user = api_user()
        contract = get_visible_contract(user, contract_id)
        upload = files["file"]
        result = queued.import_or_queue(contract, upload.read(), upload.filename or "", user,
                                        ui_language())
        if isinstance(result, HouseholdUpload):
            body = HouseholdUploadOut().dump(result)
            response = jsonify(body)
            response.status_code = 202
            response.headers["Location"] = body["status_url"]
            return response
        return {"imported": result.rows, "import_id": result.id}


@blp.route("/household-uploads/<int:upload_id>")
class HouseholdUploadById(MethodView):
    @token_required()
    @blp.response(200, HouseholdUploadOut)
    def get(self, upload_id):
        """A queued import of a large household-record file: its progress and outcome."""
        return queued.get_visible_upload(api_user(), upload_id)


@blp.route("/households/<int:record_id>/full-id")
class HouseholdFullId(MethodView):
    @token_required(Role.OFFICER, Role.ADMIN)
    @blp.response(200, HouseholdFullIdOut)
    def post(self, record_id):
        """The full ID number (permission "view full IDs"); every call is audited."""
        user = api_user()
        record = records.get_visible_record(user, record_id)
        return {"id": record.id, "id_number": households.full_id(record, user)}
