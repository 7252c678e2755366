"""``/api/v1`` endpoints of household-survey records and spot checks.

- ``POST /contracts/{id}/households`` (multipart ``file``) → ``201 {"imported": N}``, or 422 with
  ``error.rows`` listing every row error and nothing imported. A file of more lines than
  ``HOUSEHOLD_IMPORT_QUEUE_ROWS`` is imported by a worker: ``202`` with ``status_url``.
- ``GET /household-uploads/{id}`` — such a queued import: status, rows checked, row errors.
- ``GET /contracts/{id}/households`` — the records, ID numbers masked.
- ``POST /households/{id}/full-id`` — the full ID number (holders of the permission; audited).
- ``GET/POST /contracts/{id}/spot-checks``, ``GET /spot-checks/{id}``,
  ``POST /spot-checks/{id}/items/{item_id}``.
A contract or record the caller may not see answers 404.
"""

from __future__ import annotations

import marshmallow as ma
from flask import jsonify, url_for
from flask.views import MethodView
from flask_smorest.fields import Upload

from app.api import Blueprint
from app.api.auth import api_user, token_required
from app.api.errors import error_body
from app.api.schemas import ApiErrorSchema, PageArgs, page_schema, paginate
from app.template_helpers import ui_language
from app.users.models import Role
from contracts.households import queued, records, spot_checks
from contracts.households import services as households
from contracts.households.anomalies import ANOMALY_KINDS
from contracts.households.files import FIELDS
from contracts.households.models import (
    HouseholdUpload,
    Recommendation,
    SpotCheckResult,
    UploadStatus,
)
from contracts.households.services import HouseholdImportError
from contracts.visibility import get_visible_contract

blp = Blueprint("api_households", __name__, url_prefix="/api/v1",
                description="Household-survey records and spot checks")


def _import_error(error: HouseholdImportError):
    response = jsonify(error_body(422, error.message, error.fields, error.code,
                                  rows=error.rows(), error_count=error.error_count))
    response.status_code = 422
    return response


blp.register_error_handler(HouseholdImportError, _import_error)

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


class HouseholdFullIdOut(ma.Schema):
    id = ma.fields.Integer()
    id_number = ma.fields.String()


class SpotCheckIn(ma.Schema):
    period = ma.fields.String(required=True)
    inspector_id = ma.fields.Integer(required=True)
    seed = ma.fields.Integer()
    percent = ma.fields.Integer(load_default=spot_checks.DEFAULT_PERCENT)
    minimum = ma.fields.Integer(load_default=spot_checks.DEFAULT_MINIMUM)


class SpotCheckItemOut(ma.Schema):
    id = ma.fields.Integer()
    record = ma.fields.Nested(HouseholdOut)
    result = ma.fields.Function(lambda i: i.result.value)
    field = ma.fields.String(allow_none=True)
    finding = ma.fields.String()
    checked_at = ma.fields.DateTime(allow_none=True)


def _rate(spot_check):
    rate = spot_checks.spot_check_rate(spot_check)
    return None if rate is None else str(rate)


class SpotCheckOut(ma.Schema):
    id = ma.fields.Integer()
    contract_id = ma.fields.Integer()
    period = ma.fields.String()
    seed = ma.fields.Integer()
    percent = ma.fields.Integer()
    minimum = ma.fields.Integer()
    size = ma.fields.Integer()
    population = ma.fields.Integer()
    inspector_id = ma.fields.Integer()
    drawn_at = ma.fields.DateTime()
    status = ma.fields.Function(lambda s: s.status.value)
    agreement_rate = ma.fields.Function(_rate, metadata={
        "type": "string", "description": "confirmed ÷ checked, e.g. \"0.9500\"; null before any"})


class SpotCheckDetail(SpotCheckOut):
    items = ma.fields.Method("_items")

    def _items(self, spot_check):
        if not spot_checks.may_see_items(api_user()):
            return None
        return SpotCheckItemOut(many=True).dump(spot_check.items)


class SpotCheckResultIn(ma.Schema):
    result = ma.fields.String(required=True, validate=ma.validate.OneOf(
        [SpotCheckResult.CONFIRMED.value, SpotCheckResult.DISCREPANT.value]))
    field = ma.fields.String(validate=ma.validate.OneOf(FIELDS), allow_none=True)
    finding = ma.fields.String(load_default="")


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
        return paginate(stmt, page, per_page)

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


@blp.route("/contracts/<int:contract_id>/spot-checks")
class ContractSpotChecks(MethodView):
    @token_required()
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(SpotCheckOut, "SpotCheckPage"))
    def get(self, args, contract_id):
        """The contract's spot checks the caller may see."""
        user = api_user()
        contract = get_visible_contract(user, contract_id)
        return paginate(spot_checks.spot_checks_stmt(user, contract=contract), args["page"],
                        args["per_page"])

    @token_required(Role.OFFICER, Role.ADMIN)
    @blp.arguments(SpotCheckIn)
    @blp.response(201, SpotCheckDetail)
    def post(self, data, contract_id):
        """Draw a sample: max(percent % rounded up, minimum), capped by the population."""
        user = api_user()
        contract = get_visible_contract(user, contract_id)
        return spot_checks.draw_spot_check(
            contract, period=data["period"], inspector=data["inspector_id"], actor=user,
            seed=data.get("seed"), percent=data["percent"], minimum=data["minimum"])


@blp.route("/spot-checks/<int:spot_check_id>")
class SpotCheckById(MethodView):
    @token_required()
    @blp.response(200, SpotCheckDetail)
    def get(self, spot_check_id):
        """One spot check with its items (providers: finished ones, rates only)."""
        return spot_checks.get_visible_spot_check(api_user(), spot_check_id)


@blp.route("/spot-checks/<int:spot_check_id>/items/<int:item_id>")
class SpotCheckItemResult(MethodView):
    @token_required(Role.INSPECTOR)
    @blp.arguments(SpotCheckResultIn)
    @blp.response(200, SpotCheckItemOut)
    def post(self, data, spot_check_id, item_id):
        """The assigned inspector's result for one sampled record."""
        user = api_user()
        spot_check = spot_checks.get_visible_spot_check(user, spot_check_id)
        item = spot_checks.get_item(spot_check, item_id)
        return spot_checks.record_result(item, actor=user, **data)
