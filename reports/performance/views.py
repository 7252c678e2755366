"""Pages of contract performance: the period's figures, the payment decision, the PDF."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.login import role_required
from app.errors import ValidationError
from app.forms import apply_errors
from app.users.models import Role
from contracts.models import Contract
from contracts.visibility import get_visible_contract
from reports import bp
from reports.performance.forms import DecisionForm
from reports.performance.services import (
    contract_performance,
    decision_for,
    period_choices,
    quarterly_trend,
    record_payment_decision,
)
from reports.scorecards.charts import to_svg, trend_line
from reports.scorecards.pdf import grade_label
from reports.scorecards.responses import pdf_response
from reports.scorecards.services import performance_scorecard_filename, performance_scorecard_pdf

READERS = (Role.OFFICER, Role.ADMIN, Role.PROVIDER)
DECIDERS = (Role.OFFICER, Role.ADMIN)


def _recorded(form: DecisionForm, contract: Contract, period: str) -> bool:
    """Record the submitted decision; a refusal lands on the form's fields."""
    try:
        record_payment_decision(contract, period, decision=form.decision.data,
                                renew=form.renew.data, comment=form.comment.data,
                                amount=form.amount.data, actor=current_user)
    except ValidationError as error:
        apply_errors(form, error)
        return False
    return True


def _trend_chart(contract: Contract) -> str:
    trend = quarterly_trend(contract)
    return to_svg(trend_line([p.period for p in trend],
                             [float(p.composite) if p.composite is not None else None
                              for p in trend], font="Helvetica"))


@bp.route("/contracts/<int:contract_id>/performance", methods=["GET", "POST"])
@role_required(*READERS)
def contract_performance_page(contract_id: int):
    contract = get_visible_contract(current_user, contract_id)
    period = request.args.get("period") or str(contract.start_date.year)
    form = DecisionForm()
    may_decide = current_user.role in DECIDERS
    if may_decide and form.validate_on_submit() and _recorded(form, contract, period):
        flash(_("The decision was recorded."), "success")
        return redirect(url_for(".contract_performance_page", contract_id=contract.id,
                                period=period))
    try:
        performance = contract_performance(contract, period)
    except ValidationError as error:
        abort(404, error.message)
    decision = decision_for(contract, performance.period)
    if request.method == "GET" and decision is not None:
        form.show(decision)
    return render_template("reports/performance.html", contract=contract, p=performance,
                           chart=_trend_chart(contract), decision=decision, form=form,
                           may_decide=may_decide, periods=period_choices(contract)
                           ), 422 if form.errors else 200


@bp.route("/contracts/<int:contract_id>/scorecard.pdf")
@role_required(*READERS)
def contract_scorecard(contract_id: int):
    contract = get_visible_contract(current_user, contract_id)
    period = request.args.get("period")
    return pdf_response(performance_scorecard_pdf(contract, period),
                        performance_scorecard_filename(contract, period))


bp.add_app_template_global(grade_label, "grade_label")
