"""``/api/v1`` endpoints of contract performance: the figures, the payment decision, the PDF."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from app.api import Blueprint
from app.api.auth import api_user, token_required
from app.api.schemas import PageArgs, page_schema
from app.users.models import Role
from contracts.visibility import get_visible_contract
from evaluations.scoring import round_score
from reports.appeals.services import is_pending
from reports.performance.decisions import (
    active_decision,
    decision_history,
    get_visible_decision,
    record_payment_decision,
    revoke_payment_decision,
)
from reports.performance.models import PaymentDecision
from reports.performance.services import Performance, contract_performance
from reports.scorecards.responses import pdf_response
from reports.scorecards.services import performance_scorecard_filename, performance_scorecard_pdf

blp = Blueprint("api_performance", __name__, url_prefix="/api/v1",
                description="Contract performance and payment decisions")


def _score(value):
    # half up, as everywhere (Python's round() would give 96.2 for 96.25)
    return None if value is None else float(round_score(value))


def _money(**kwargs) -> ma.fields.Decimal:
    """Yuan as a decimal string with two places ("120000.00"), as the document says."""
    return ma.fields.Decimal(as_string=True, places=2, metadata={
        "type": "string", "example": "120000.00", "description": "yuan, two decimal places"},
        **kwargs)


class PeriodArgs(ma.Schema):
    period = ma.fields.String(load_default=None,
                              metadata={"description": "a year (2026) or a quarter (2026-Q3)"})


class DecisionSchema(ma.Schema):
    id = ma.fields.Integer()
    installment_id = ma.fields.Integer()
    period = ma.fields.String(metadata={"description": "the period the decision was based on"})
    decision = ma.fields.Function(lambda d: d.decision.value)
    amount = _money()
    renew = ma.fields.Boolean()
    comment = ma.fields.String()
    decided_at = ma.fields.AwareDateTime()
    status = ma.fields.Function(lambda d: "active" if d.is_active else "revoked",
                                metadata={"description": "active | revoked"})
    pending = ma.fields.Function(is_pending, metadata={
        "description": "an open appeal may still change it"})
    revoked_at = ma.fields.AwareDateTime(allow_none=True)
    revoke_reason = ma.fields.String()


class DecisionIn(ma.Schema):
    period = ma.fields.String(load_default=None)
    decision = ma.fields.String(required=True,
                                validate=ma.validate.OneOf(["pay", "reduce", "withhold"]))
    renew = ma.fields.Boolean(required=True)
    comment = ma.fields.String(required=True, validate=ma.validate.Length(min=1))
    amount = ma.fields.Decimal(load_default=None, as_string=True, metadata={
        "type": "string", "description": "yuan, when reducing: at most two decimals"})
    basis = ma.fields.String(load_default=None, validate=ma.validate.Length(max=64), metadata={
        "description": "the performance's basis the decision was made on; figures changed "
                       "since (a veto failed meanwhile) → 409"})


class RevokeIn(ma.Schema):
    reason = ma.fields.String(required=True)


class FailedCriticalSchema(ma.Schema):
    inspection_id = ma.fields.Integer()
    item_id = ma.fields.Integer()
    date = ma.fields.Date(attribute="day")
    text = ma.fields.String()


def _details(p: Performance) -> dict:
    """The figures that went into the components, as plain JSON."""
    d = p.details
    return {
        "window": [day.isoformat() for day in d["window"]],
        "inspections": [{"id": i.id, "date": i.day.isoformat(), "template": i.template,
                         "total": None if i.total is None else float(i.total)}
                        for i in d.get("counted_inspections", [])],
        "agreement_rate": _score(d.get("agreement_rate")),
        "agreement_periods": d.get("agreement_periods", []),
        "reports_due": d.get("reports_due", 0), "reports_on_time": d.get("reports_on_time", 0),
        "reports_excused": d.get("reports_excused", 0),
        "targets": {k: (float(v) if not isinstance(v, bool | int | str) else v)
                    for k, v in (d.get("targets") or {}).items()},
    }


class PerformanceSchema(ma.Schema):
    contract_id = ma.fields.Integer()
    period = ma.fields.String()
    inspection = ma.fields.Function(lambda p: _score(p.inspection))
    timeliness = ma.fields.Function(lambda p: _score(p.timeliness))
    targets = ma.fields.Function(lambda p: _score(p.targets))
    composite = ma.fields.Function(lambda p: _score(p.composite))
    grade = ma.fields.String(allow_none=True, metadata={
        "description": "fail whenever failed_critical or failed_critical_in_term is not empty"})
    composite_grade = ma.fields.String(allow_none=True, metadata={
        "description": "the grade of the composite alone"})
    failed_critical = ma.fields.List(ma.fields.Nested(FailedCriticalSchema), metadata={
        "description": "veto items failed in current finalized inspections of the period"})
    failed_critical_in_term = ma.fields.List(ma.fields.Nested(FailedCriticalSchema), metadata={
        "description": "veto items failed in the contract's term outside the period: the "
                       "performance-linked installment pays for the whole term"})
    not_started = ma.fields.Boolean(metadata={"description": "the period has not begun"})
    payment_share = ma.fields.Function(
        lambda p: None if p.payment_share is None else float(p.payment_share))
    linked_amount = _money(allow_none=True)
    payable_amount = _money(allow_none=True)
    decision = ma.fields.Nested(DecisionSchema, allow_none=True)
    details = ma.fields.Function(_details, metadata={"description": "the figures counted"})
    basis = ma.fields.String(metadata={
        "description": "a digest of what a payment decision rests on; send it with the "
                       "decision to have it refused if the figures changed meanwhile"})


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
        """Performance of a contract for a period (DESIGN.md §4) and the payment it allows;
        ``decision`` is the one standing on the performance-linked installment."""
        contract = _visible_contract(contract_id)
        performance = contract_performance(contract, args["period"])
        performance.decision = active_decision(contract)
        return performance


@blp.route("/contracts/<int:contract_id>/payment-decision")
class PaymentDecisionView(MethodView):
    @token_required(Role.OFFICER, Role.ADMIN)
    @blp.arguments(DecisionIn)
    @blp.response(201, DecisionSchema)
    @blp.alt_response(409, description="The installment is already decided (revoke that "
                                       "first), or the figures changed since ``basis``")
    def post(self, data, contract_id: int):
        """Decide the performance-linked installment: pay, reduce or withhold; renew or not.
        One decision per installment."""
        contract = _visible_contract(contract_id)
        amount = None if data["amount"] is None else str(data["amount"])
        return record_payment_decision(contract, data["period"], decision=data["decision"],
                                       renew=data["renew"], comment=data["comment"],
                                       amount=amount, actor=api_user(), basis=data["basis"])


@blp.route("/contracts/<int:contract_id>/payment-decisions")
class PaymentDecisionHistory(MethodView):
    @token_required(Role.OFFICER, Role.ADMIN, Role.PROVIDER)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(DecisionSchema, "DecisionPage"))
    def get(self, args, contract_id: int):
        """Every decision on the contract, revoked ones included, newest first (a list like
        the others: a contract holds a few)."""
        decisions = decision_history(_visible_contract(contract_id))
        page, per_page = args["page"], args["per_page"]
        return {"items": decisions[(page - 1) * per_page:page * per_page],
                "total": len(decisions), "page": page, "per_page": per_page}


@blp.route("/payment-decisions/<int:decision_id>")
class PaymentDecisionDetail(MethodView):
    @token_required(Role.OFFICER, Role.ADMIN, Role.PROVIDER)
    @blp.response(200, DecisionSchema)
    def get(self, decision_id: int) -> PaymentDecision:
        """One payment decision."""
        return get_visible_decision(api_user(), decision_id)


@blp.route("/payment-decisions/<int:decision_id>/revoke")
class PaymentDecisionRevoke(MethodView):
    @token_required(Role.OFFICER, Role.ADMIN)
    @blp.arguments(RevokeIn)
    @blp.response(200, DecisionSchema)
    @blp.alt_response(409, description="Already revoked")
    def post(self, data, decision_id: int):
        """Withdraw a decision with a reason; the installment may then be decided again."""
        row = get_visible_decision(api_user(), decision_id)
        return revoke_payment_decision(row, reason=data["reason"], actor=api_user())


@blp.route("/contracts/<int:contract_id>/scorecard.pdf")
class ContractScorecard(MethodView):
    @token_required(Role.OFFICER, Role.ADMIN, Role.PROVIDER)
    @blp.arguments(PeriodArgs, location="query")
    @blp.response(200, description="The performance scorecard (application/pdf)")
    def get(self, args, contract_id: int):
        """The contract's performance scorecard for a period, as a PDF."""
        contract = _visible_contract(contract_id)
        return pdf_response(performance_scorecard_pdf(contract, args["period"], api_user()),
                            performance_scorecard_filename(contract, args["period"]))
