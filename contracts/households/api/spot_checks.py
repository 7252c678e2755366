"""Spot checks through the API.

- ``GET/POST /contracts/{id}/spot-checks`` — the contract's spot checks; officers draw one (the
  contract's re-check share of each surveyor's records, rounded up, plus every staff relative
  and every flagged household).
- ``GET/PUT /contracts/{id}/spot-check-policy`` — the contract's re-check share (never below
  the configured floor).
- ``GET /contracts/{id}/spot-checks/sample-size?period=&margin=&expected=`` — how many records
  give that margin at 95 %, with the finite-population correction.
- ``GET /spot-checks/{id}`` — with ``agreement_rate``, ``ci_low``, ``ci_high`` (95 % Wilson).
- ``POST /spot-checks/{id}/items/{item_id}`` — the assigned inspector's result.
"""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_babel import gettext as _

from app.api.auth import api_user, token_required
from app.api.schemas import PageArgs, page_schema, paginate
from app.errors import ValidationError
from app.users.models import Role
from contracts.households import records, spot_checks
from contracts.households.api.blueprint import blp
from contracts.households.api.records import HouseholdOut
from contracts.households.files import ALL_FIELDS
from contracts.households.models import SpotCheckResult
from contracts.households.sampling import size_for_margin
from contracts.visibility import get_visible_contract

_ID = ma.validate.Range(min=1, max=2**63 - 1)
_FRACTION = {"type": "string", "example": "0.9500", "nullable": True}


class SpotCheckIn(ma.Schema):
    period = ma.fields.String(required=True, validate=ma.validate.Length(max=7))
    inspector_id = ma.fields.Integer(required=True, validate=_ID)
    seed = ma.fields.Integer(validate=ma.validate.Range(min=0, max=2**31 - 1))
    percent = ma.fields.Integer(validate=ma.validate.Range(min=1, max=100), metadata={
        "description": "default: the contract's re-check share; never below the floor"})
    minimum = ma.fields.Integer(load_default=spot_checks.DEFAULT_MINIMUM,
                                validate=ma.validate.Range(min=0, max=10_000))


class SpotCheckItemOut(ma.Schema):
    id = ma.fields.Integer()
    record = ma.fields.Nested(HouseholdOut)
    selected_as = ma.fields.Function(lambda i: i.selected_as.value, metadata={
        "description": "random | staff_relative | flagged: why the record is in the sample"})
    result = ma.fields.Function(lambda i: i.result.value)
    field = ma.fields.String(allow_none=True)
    finding = ma.fields.String()
    checked_at = ma.fields.DateTime(allow_none=True)


def _fraction(value):
    return None if value is None else str(value)


class SpotCheckOut(ma.Schema):
    id = ma.fields.Integer()
    contract_id = ma.fields.Integer()
    period = ma.fields.String()
    seed = ma.fields.Integer()
    method = ma.fields.Function(lambda s: s.method.value, metadata={
        "description": "stratified | simple (drawn before stratification)"})
    percent = ma.fields.Integer()
    minimum = ma.fields.Integer()
    size = ma.fields.Integer()
    population = ma.fields.Integer()
    inspector_id = ma.fields.Integer()
    drawn_at = ma.fields.DateTime()
    status = ma.fields.Function(lambda s: s.status.value)
    agreement_rate = ma.fields.Function(
        lambda s: _fraction(spot_checks.agreement(s)["rate"]), metadata=_FRACTION | {
            "description": "confirmed ÷ checked, e.g. \"0.9500\"; null before any"})
    ci_low = ma.fields.Function(
        lambda s: _fraction(spot_checks.agreement(s)["ci_low"]), metadata=_FRACTION | {
            "description": "lower bound of the 95 % Wilson interval of the agreement rate"})
    ci_high = ma.fields.Function(
        lambda s: _fraction(spot_checks.agreement(s)["ci_high"]), metadata=_FRACTION | {
            "description": "upper bound of the 95 % Wilson interval of the agreement rate"})


class SpotCheckDetail(SpotCheckOut):
    items = ma.fields.Method("_items")

    def _items(self, spot_check):
        if not spot_checks.may_see_items(api_user()):
            return None
        return SpotCheckItemOut(many=True).dump(spot_check.items)


class SpotCheckResultIn(ma.Schema):
    result = ma.fields.String(required=True, validate=ma.validate.OneOf(
        [SpotCheckResult.CONFIRMED.value, SpotCheckResult.DISCREPANT.value]))
    field = ma.fields.String(validate=ma.validate.OneOf(ALL_FIELDS), allow_none=True)
    finding = ma.fields.String(load_default="")


class PolicySchema(ma.Schema):
    percent = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=100))
    floor = ma.fields.Integer(dump_only=True)


class SampleSizeArgs(ma.Schema):
    period = ma.fields.String(validate=ma.validate.Length(max=7), metadata={
        "description": "the period whose records are the population (default: the latest)"})
    margin = ma.fields.Float(load_default=0.05, validate=ma.validate.Range(
        min=0.005, max=0.5), metadata={"description": "± margin as a fraction, e.g. 0.05"})
    expected = ma.fields.Float(load_default=0.5, validate=ma.validate.Range(
        min=0.01, max=0.99), metadata={"description": "expected agreement; 0.5 needs most"})


class SampleSizeOut(ma.Schema):
    period = ma.fields.String()
    population = ma.fields.Integer()
    margin = ma.fields.Float()
    expected = ma.fields.Float()
    confidence = ma.fields.Float()
    size = ma.fields.Integer()


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
        """Draw a sample: the share of each surveyor's records, plus the forced inclusions."""
        user = api_user()
        contract = get_visible_contract(user, contract_id)
        return spot_checks.draw_spot_check(
            contract, period=data["period"], inspector=data["inspector_id"], actor=user,
            seed=data.get("seed"), percent=data.get("percent"), minimum=data["minimum"])


@blp.route("/contracts/<int:contract_id>/spot-check-policy")
class ContractSpotCheckPolicy(MethodView):
    @token_required(Role.OFFICER, Role.ADMIN)
    @blp.response(200, PolicySchema)
    def get(self, contract_id):
        """The contract's re-check share and the floor."""
        contract = get_visible_contract(api_user(), contract_id)
        return {"percent": spot_checks.contract_percent(contract),
                "floor": spot_checks.floor_percent()}

    @token_required(Role.OFFICER, Role.ADMIN)
    @blp.arguments(PolicySchema)
    @blp.response(200, PolicySchema)
    def put(self, data, contract_id):
        """Set the contract's re-check share (never below the floor)."""
        user = api_user()
        contract = get_visible_contract(user, contract_id)
        percent = spot_checks.set_contract_percent(contract, data["percent"], actor=user)
        return {"percent": percent, "floor": spot_checks.floor_percent()}


@blp.route("/contracts/<int:contract_id>/spot-checks/sample-size")
class ContractSampleSize(MethodView):
    @token_required(Role.OFFICER, Role.ADMIN, Role.INSPECTOR)
    @blp.arguments(SampleSizeArgs, location="query")
    @blp.response(200, SampleSizeOut)
    def get(self, args, contract_id):
        """Records to check for a margin at 95 %, with the finite-population correction."""
        contract = get_visible_contract(api_user(), contract_id)
        periods = records.contract_periods(contract)
        period = args.get("period") or (periods[-1] if periods else None)
        population = len(spot_checks.population_ids(contract, period or ""))
        if not population:
            message = _("The contract has no records in this period.")
            raise ValidationError(message, {"period": [message]})
        margin, expected = float(args["margin"]), float(args["expected"])
        return {"period": period, "population": population, "margin": margin,
                "expected": expected, "confidence": 0.95,
                "size": size_for_margin(population, margin, expected)}


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
