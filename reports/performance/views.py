"""Pages of contract performance: the period's figures, the payment decision, the PDF."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.auth.login import role_required
from app.errors import DomainError, ValidationError
from app.forms import apply_errors
from app.users.models import Role
from contracts.models import Contract
from contracts.visibility import get_visible_contract
from reports import bp
from reports.appeals.services import appeals_of_period, is_pending
from reports.performance.decisions import (
    active_decision,
    decision_history,
    default_choice,
    get_visible_decision,
    record_payment_decision,
    revoke_payment_decision,
)
from reports.performance.explain import figure_lines, score_text, veto_lines, veto_notice
from reports.performance.figures import kept_trend
from reports.performance.forms import DecisionForm, RevokeForm
from reports.performance.services import contract_performance, period_choices
from reports.scorecards.charts import to_svg, trend_line
from reports.scorecards.pdf import grade_label
from reports.scorecards.responses import pdf_response
from reports.scorecards.services import performance_scorecard_filename, performance_scorecard_pdf
from reports.scorecards.services import viewer_language as _language

READERS = (Role.OFFICER, Role.ADMIN, Role.PROVIDER)
DECIDERS = (Role.OFFICER, Role.ADMIN)


def _refusal(form: DecisionForm, contract: Contract, period: str) -> DomainError | None:
    """Record the submitted decision; a refusal lands on the form's fields and is returned."""
    try:
        record_payment_decision(contract, period, decision=form.decision.data,
                                renew=form.renew.data, comment=form.comment.data,
                                amount=form.amount.data, actor=current_user,
                                basis=form.basis.data or None)
    except DomainError as error:
        apply_errors(form, error)
        return error
    return None


def _trend_chart(contract: Contract) -> str:
    trend = kept_trend(contract, clock.today())
    return to_svg(trend_line([p.period for p in trend],
                             [float(p.composite) if p.composite is not None else None
                              for p in trend], font="Helvetica"))


def _page(contract: Contract, period: str, form: DecisionForm | None = None,
          revoke_form: RevokeForm | None = None, status: int = 422):
    """The performance page; a refused form comes back with its errors and a 422."""
    try:
        performance = contract_performance(contract, period, locale=_language())
    except ValidationError as error:
        abort(404, error.message)
    history = decision_history(contract)
    decision = active_decision(contract, among=history)
    refused = form is not None or revoke_form is not None
    if form is None:
        form = DecisionForm(formdata=None)
        form.propose(default_choice(performance), performance.payable_amount)
    form.basis.data = performance.basis  # what this page shows, refused or not
    return render_template(
        "reports/performance.html", contract=contract, p=performance,
        chart=_trend_chart(contract), decision=decision, form=form,
        revoke_form=revoke_form or RevokeForm(formdata=None),
        pending=decision is not None and is_pending(decision),
        may_decide=current_user.role in DECIDERS,
        history=[d for d in history if not d.is_active],
        appeals=appeals_of_period(contract, performance),
        veto=veto_notice(performance), veto_lines=veto_lines(performance),
        figures=figure_lines(performance), periods=period_choices(contract)
    ), status if refused else 200


@bp.route("/contracts/<int:contract_id>/performance", methods=["GET", "POST"])
@role_required(*READERS)
def contract_performance_page(contract_id: int):
    contract = get_visible_contract(current_user, contract_id)
    period = request.args.get("period") or str(contract.start_date.year)
    if request.method == "GET":
        return _page(contract, period)
    if current_user.role not in DECIDERS:
        abort(403)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _page(contract, period, form=form)
    if error := _refusal(form, contract, period):
        return _page(contract, period, form=form, status=error.status)
    flash(_("The decision was recorded."), "success")
    return redirect(url_for(".contract_performance_page", contract_id=contract.id,
                            period=period))


@bp.route("/payment-decisions/<int:decision_id>/revoke", methods=["POST"])
@role_required(*DECIDERS)
def revoke_decision(decision_id: int):
    row = get_visible_decision(current_user, decision_id)
    period = request.args.get("period") or row.period
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            revoke_payment_decision(row, reason=form.reason.data, actor=current_user)
        except DomainError as error:
            apply_errors(form, error)
            return _page(row.contract, period, revoke_form=form, status=error.status)
        else:
            flash(_("The decision was revoked; the installment may be decided again."),
                  "success")
            return redirect(url_for(".contract_performance_page", contract_id=row.contract_id,
                                    period=period))
    return _page(row.contract, period, revoke_form=form)


@bp.route("/contracts/<int:contract_id>/scorecard.pdf")
@role_required(*READERS)
def contract_scorecard(contract_id: int):
    contract = get_visible_contract(current_user, contract_id)
    period = request.args.get("period")
    return pdf_response(performance_scorecard_pdf(contract, period, current_user),
                        performance_scorecard_filename(contract, period))


bp.add_app_template_global(grade_label, "grade_label")
bp.add_app_template_filter(score_text, "score")
