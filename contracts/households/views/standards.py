"""HTML pages of the assistance standards: the list with the form that sets one, and one
standard with its history. Officers edit their own region's; they read their ancestors'."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.login import role_required
from app.errors import DomainError
from contracts import STAFF, bp
from contracts.households import standards
from contracts.households.forms import StandardForm
from contracts.households.models import AssistanceStandard
from contracts.web import paginate, show_refusal


def _year_arg() -> int | None:
    year = request.args.get("year", type=int)
    return year if year is not None and 2000 <= year <= 2100 else None


@bp.route("/households/standards", methods=["GET", "POST"])
@role_required(*STAFF)
def household_standards():
    regions = standards.editable_regions(current_user)
    form = StandardForm(regions) if regions else None
    status = 200
    if form is not None and form.validate_on_submit():
        try:
            standard, created = standards.save_standard(
                region=form.region_code.data, year=form.year.data, area=form.area.data,
                dibao_monthly=form.dibao_monthly.data, tekun_monthly=form.tekun_monthly.data,
                near_poor_monthly=form.near_poor_monthly.data,
                asset_limit_per_person=form.asset_limit_per_person.data, actor=current_user)
        except DomainError as error:
            show_refusal(form, error)
            status = error.status
        else:
            flash(_("The standard was saved.") if created else
                  _("The standard was changed; its history keeps the old amounts."), "success")
            return redirect(url_for(".household_standard", standard_id=standard.id), 303)
    elif form is not None and form.is_submitted():
        status = 422
    elif request.method == "POST":
        abort(403)
    page = paginate(standards.standards_stmt(current_user, year=_year_arg(),
                                             area=request.args.get("area")))
    return render_template("contracts/household_standards.html", form=form, page=page,
                           editing=None), status


def _edit_form(standard: AssistanceStandard) -> StandardForm:
    data = None
    if request.method == "GET":
        data = {"region_code": standard.region.code, "year": standard.year,
                "area": standard.area.value} | {
            name: "" if getattr(standard, name) is None else f"{getattr(standard, name):.2f}"
            for name in standards.AMOUNTS}
    form = StandardForm([standard.region], data=data)
    # region, year and area name the standard (shown, not sent): only the amounts change here
    for field, value in ((form.region_code, standard.region.code), (form.year, standard.year),
                         (form.area, standard.area.value)):
        field.data, field.raw_data = value, [str(value)]
        field.render_kw = {"disabled": True}
    if request.method == "GET":
        form.seen.data = standards.standard_stamp(standard)
    return form


@bp.route("/households/standards/<int:standard_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def household_standard(standard_id: int):
    standard = standards.get_visible_standard(current_user, standard_id)
    editable = standards.may_edit(current_user, standard.region)
    if request.method == "POST" and not editable:
        abort(403)
    form = _edit_form(standard) if editable else None
    status = 200
    if form is not None and form.validate_on_submit():
        try:
            standards.change_standard(
                standard, actor=current_user, dibao_monthly=form.dibao_monthly.data,
                tekun_monthly=form.tekun_monthly.data,
                near_poor_monthly=form.near_poor_monthly.data,
                asset_limit_per_person=form.asset_limit_per_person.data,
                seen=form.seen.data)
        except DomainError as error:
            show_refusal(form, error)
            form.seen.data = standards.standard_stamp(standard)  # a retry saves over it
            status = error.status
        else:
            flash(_("The standard was changed; its history keeps the old amounts."), "success")
            return redirect(url_for(".household_standard", standard_id=standard.id), 303)
    elif form is not None and form.is_submitted():
        status = 422
    return render_template("contracts/household_standards.html", form=form, page=None,
                           editing=standard), status
