"""HTML and file views of the reports feature."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.auth.login import role_required
from app.errors import ValidationError
from app.extensions import db
from app.forms import apply_errors
from app.regions.models import Region
from app.scoping import scope
from app.spreadsheets import XLSX_MIMETYPE, xlsx_bytes
from app.template_helpers import LEVEL_LABELS
from app.users.models import Role
from contracts.visibility import get_visible_contract
from evaluations.inspections.services import get_visible_inspection
from reports import bp
from reports.performance.services import (
    contract_performance,
    decision_for,
    period_choices,
    quarterly_trend,
    record_payment_decision,
)
from reports.scorecards.charts import to_svg, trend_line
from reports.scorecards.pdf import grade_label
from reports.scorecards.services import (
    inspection_by_code,
    inspection_scorecard_pdf,
    performance_scorecard_pdf,
    scorecard_filename,
)


@bp.route("/regions.xlsx")
@login_required
def regions_xlsx():
    """The region codes a user works with, e.g. to fill a household-record file."""
    stmt = sa.select(Region).order_by(Region.code)
    if current_user.role is not Role.PROVIDER:
        stmt = scope(stmt, current_user, region=Region.id)
    rows = ((r.code, r.name, r.name_en, str(LEVEL_LABELS[r.level]),
             r.parent.code if r.parent else "") for r in db.session.scalars(stmt))
    body = xlsx_bytes(_("Regions"), [_("Code"), _("Name"), _("English name"), _("Level"),
                                     _("Parent code")], rows)
    return Response(body, mimetype=XLSX_MIMETYPE,
                    headers={"Content-Disposition": "attachment; filename=regions.xlsx"})


def pdf_response(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename={filename}",
                             "X-Content-Type-Options": "nosniff"})


@bp.route("/inspections/<int:inspection_id>/scorecard.pdf")
@login_required
def inspection_scorecard(inspection_id: int):
    inspection = get_visible_inspection(current_user, inspection_id)
    return pdf_response(inspection_scorecard_pdf(inspection), scorecard_filename(inspection))




@bp.route("/verify/<code>")
def verify(code: str):
    """Anyone holding a printed scorecard can check that it is genuine and still current."""
    inspection = inspection_by_code(code)
    status = 404 if inspection is None else 200
    return render_template("reports/verify.html", code=code, inspection=inspection), status


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[("pay", _l("Pay")),
                                                    ("reduce", _l("Reduce")),
                                                    ("withhold", _l("Withhold"))])
    amount = DecimalField(_l("Amount to pay (yuan), when reducing"), places=2,
                          validators=[Optional(), NumberRange(min=0)])
    renew = BooleanField(_l("Renew the contract"))
    comment = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Record the decision"))


@bp.route("/contracts/<int:contract_id>/performance", methods=["GET", "POST"])
@role_required(Role.OFFICER, Role.ADMIN, Role.PROVIDER)
def contract_performance_page(contract_id: int):
    contract = get_visible_contract(current_user, contract_id)
    period = request.args.get("period") or str(contract.start_date.year)
    form = DecisionForm()
    may_decide = current_user.role in (Role.OFFICER, Role.ADMIN)
    if may_decide and form.validate_on_submit():
        try:
            record_payment_decision(contract, period, decision=form.decision.data,
                                    renew=form.renew.data, comment=form.comment.data,
                                    amount=form.amount.data, actor=current_user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash(_("The decision was recorded."), "success")
            return redirect(url_for(".contract_performance_page", contract_id=contract.id,
                                    period=period))
    try:
        performance = contract_performance(contract, period)
    except ValidationError as error:
        abort(404, error.message)
    trend = quarterly_trend(contract)
    chart = to_svg(trend_line([p.period for p in trend],
                              [float(p.composite) if p.composite is not None else None
                               for p in trend], font="Helvetica"))
    decision = decision_for(contract, performance.period)
    if request.method == "GET" and decision is not None:
        form.decision.data, form.amount.data = decision.decision.value, decision.amount
        form.renew.data, form.comment.data = decision.renew, decision.comment
    return render_template("reports/performance.html", contract=contract, p=performance,
                           chart=chart, decision=decision, form=form, may_decide=may_decide,
                           periods=period_choices(contract)), 422 if form.errors else 200


@bp.route("/contracts/<int:contract_id>/scorecard.pdf")
@role_required(Role.OFFICER, Role.ADMIN, Role.PROVIDER)
def contract_scorecard(contract_id: int):
    contract = get_visible_contract(current_user, contract_id)
    period = request.args.get("period")
    return pdf_response(performance_scorecard_pdf(contract, period),
                        f"performance-{contract.number}-{period or 'all'}.pdf")


bp.add_app_template_global(grade_label, "grade_label")
