"""``/api/v1`` endpoints of contract performance: the figures, the payment decision, the PDF."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from app.api import Blueprint
from app.api.auth import api_user, token_required
from app.users.models import Role
from contracts.visibility import get_visible_contract
from reports.performance.services import (
    contract_performance,
    decision_for,
    record_payment_decision,
)
from reports.scorecards.responses import pdf_response
from reports.scorecards.services import performance_scorecard_filename, performance_scorecard_pdf

blp = Blueprint("api_performance", __name__, url_prefix="/api/v1",
                description="Contract performance and payment decisions")


def _score(value):
    return None if value is None else float(round(value, 1))


class PeriodArgs(ma.Schema):
    period = ma.fields.String(load_default=None,
                              metadata={"description": "a year (2026) or a quarter (2026-Q3)"})


class DecisionSchema(ma.Schema):
    period = ma.fields.String(dump_only=True)
    decision = ma.fields.Function(lambda d: d.decision.value)
    amount = ma.fields.Decimal(as_string=True, places=2)
    renew = ma.fields.Boolean()
    comment = ma.fields.String()
    decided_at = ma.fields.AwareDateTime()


class DecisionIn(ma.Schema):
    period = ma.fields.String(load_default=None)
    decision = ma.fields.String(required=True,
                                validate=ma.validate.OneOf(["pay", "reduce", "withhold"]))
    renew = ma.fields.Boolean(required=True)
    comment = ma.fields.String(required=True, validate=ma.validate.Length(min=1))
    amount = ma.fields.Decimal(load_default=None, places=2, as_string=True)


class PerformanceSchema(ma.Schema):
    contract_id = ma.fields.Integer()
    period = ma.fields.String()
    inspection = ma.fields.Function(lambda p: _score(p.inspection))
    timeliness = ma.fields.Function(lambda p: _score(p.timeliness))
    targets = ma.fields.Function(lambda p: _score(p.targets))
    composite = ma.fields.Function(lambda p: _score(p.composite))
    grade = ma.fields.String(allow_none=True)
    payment_share = ma.fields.Function(
        lambda p: None if p.payment_share is None else float(p.payment_share))
    linked_amount = ma.fields.Decimal(as_string=True, places=2, allow_none=True)
    payable_amount = ma.fields.Decimal(as_string=True, places=2, allow_none=True)
    decision = ma.fields.Nested(DecisionSchema, allow_none=True)


def _visible_contract(contract_id: int):
    return get_visible_contract(api_user(), contract_id)


@blp.route("/contracts/<int:contract_id>/performance")
class ContractPerformance(MethodView):
    @token_required(Role.OFFICER, Role.ADMIN, Role.PROVIDER)
    @blp.arguments(PeriodArgs, location="query")
    @blp.response(200, PerformanceSchema)
    @blp.alt_response(404, description="No such contract, or not visible to the caller")
    @blp.alt_response(422, description="The period is malformed or outside the contract")
    def get(self, args, contract_id: int):
        """Performance of a contract for a period (DESIGN.md §4) and the payment it allows."""
        contract = _visible_contract(contract_id)
        performance = contract_performance(contract, args["period"])
        performance.decision = decision_for(contract, performance.period)
        return performance


@blp.route("/contracts/<int:contract_id>/payment-decision")
class PaymentDecisionView(MethodView):
    @token_required(Role.OFFICER, Role.ADMIN)
    @blp.arguments(DecisionIn)
    @blp.response(201, DecisionSchema)
    def post(self, data, contract_id: int):
        """Record the officer's decision: pay, reduce or withhold; renew or not."""
        contract = _visible_contract(contract_id)
        return record_payment_decision(contract, data["period"], decision=data["decision"],
                                       renew=data["renew"], comment=data["comment"],
                                       amount=data["amount"], actor=api_user())


@blp.route("/contracts/<int:contract_id>/scorecard.pdf")
class ContractScorecard(MethodView):
    @token_required(Role.OFFICER, Role.ADMIN, Role.PROVIDER)
    @blp.arguments(PeriodArgs, location="query")
    @blp.response(200, description="The performance scorecard (application/pdf)")
    def get(self, args, contract_id: int):
        """The contract's performance scorecard for a period, as a PDF."""
        contract = _visible_contract(contract_id)
        return pdf_response(performance_scorecard_pdf(contract, args["period"]),
                            performance_scorecard_filename(contract, args["period"]))
