"""HTML pages of spot checks: the lists, drawing a sample (with the contract's re-check share
and the sample-size helper), one spot check with its strata, and the inspector's results."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.login import role_required
from app.errors import DomainError
from app.users.models import Role
from contracts import STAFF, bp
from contracts.households import findings, records, spot_checks
from contracts.households.forms import PolicyForm, ResultForm, SampleSizeForm, SpotCheckForm
from contracts.households.models import SpotCheckStatus
from contracts.households.sampling import size_for_margin
from contracts.households.views.records import household_contract
from contracts.web import paginate, show_refusal


@bp.get("/spot-checks")
@login_required
def spot_check_list():
    status = request.args.get("status")
    page = paginate(spot_checks.spot_checks_stmt(
        current_user, status=status if status in set(SpotCheckStatus) else None))
    return render_template("contracts/spot_check_list.html", page=page, contract=None,
                           stats={s.id: spot_checks.agreement(s) for s in page.items})


def _draw_form(contract) -> SpotCheckForm:
    form = SpotCheckForm(data={"percent": spot_checks.contract_percent(contract)}
                         if request.method == "GET" else None)
    form.period.choices = [(p, p) for p in records.contract_periods(contract)]
    form.inspector_id.choices = [(u.id, u.name or u.email)
                                 for u in spot_checks.inspectors_for(contract)]
    return form


def _size_helper(contract) -> tuple[SampleSizeForm, int | None]:
    """The sample-size helper of the page (a GET form): the size for a margin, or None."""
    periods = records.contract_periods(contract)
    latest = len(spot_checks.population_ids(contract, periods[-1])) if periods else None
    form = SampleSizeForm(request.args if "margin" in request.args else None,
                          population=latest)
    if "margin" not in request.args or not form.validate():
        return form, None
    return form, size_for_margin(form.population.data, float(form.margin.data) / 100,
                                 float(form.expected.data) / 100)


def _contract_page(contract, form=None, policy_form=None, status: int = 200):
    may_draw = current_user.role in STAFF
    helper, helper_size = _size_helper(contract)
    page = paginate(spot_checks.spot_checks_stmt(current_user, contract=contract))
    return render_template(
        "contracts/spot_check_list.html", page=page, contract=contract,
        form=form if form is not None else (_draw_form(contract) if may_draw else None),
        policy_form=policy_form or (PolicyForm(data={
            "percent": spot_checks.contract_percent(contract)}) if may_draw else None),
        floor=spot_checks.floor_percent(), helper=helper, helper_size=helper_size,
        stats={s.id: spot_checks.agreement(s) for s in page.items},
        rate=findings.agreement_rate(contract, user=current_user)), status


@bp.route("/contracts/<int:contract_id>/spot-checks", methods=["GET", "POST"])
@login_required
def spot_check_contract(contract_id: int):
    contract = household_contract(contract_id)
    if request.method == "GET":
        return _contract_page(contract)
    if current_user.role not in STAFF:
        abort(403)
    form = _draw_form(contract)
    if not form.validate_on_submit():
        return _contract_page(contract, form, status=422)
    try:
        spot_check = spot_checks.draw_spot_check(
            contract, period=form.period.data, inspector=form.inspector_id.data,
            actor=current_user, seed=form.seed.data, percent=form.percent.data,
            minimum=form.minimum.data)
    except DomainError as error:
        show_refusal(form, error)
        return _contract_page(contract, form, status=error.status)
    flash(_("%(n)d records were drawn.", n=spot_check.size), "success")
    return redirect(url_for(".spot_check", spot_check_id=spot_check.id), 303)


@bp.post("/contracts/<int:contract_id>/spot-checks/policy")
@role_required(*STAFF)
def spot_check_policy(contract_id: int):
    contract = household_contract(contract_id)
    form = PolicyForm()
    if not form.validate_on_submit():
        return _contract_page(contract, policy_form=form, status=422)
    try:
        percent = spot_checks.set_contract_percent(contract, form.percent.data,
                                                   actor=current_user)
    except DomainError as error:
        show_refusal(form, error)
        return _contract_page(contract, policy_form=form, status=error.status)
    flash(_("Each period of this contract is now re-checked at %(n)d %%.", n=percent),
          "success")
    return redirect(url_for(".spot_check_contract", contract_id=contract.id), 303)


@bp.get("/spot-checks/<int:spot_check_id>")
@login_required
def spot_check(spot_check_id: int, form: ResultForm | None = None, item_id: int | None = None,
               status: int = 200):
    spot_check = spot_checks.get_visible_spot_check(current_user, spot_check_id)
    show_items = spot_checks.may_see_items(current_user)
    return render_template(
        "contracts/spot_check_detail.html", spot_check=spot_check,
        stats=spot_checks.agreement(spot_check), show_items=show_items,
        strata=spot_checks.strata_summary(spot_check) if show_items else [],
        may_mark=(current_user.id == spot_check.inspector_id
                  and spot_check.status is SpotCheckStatus.OPEN),
        form=form or ResultForm(), form_item=item_id), status


@bp.post("/spot-checks/<int:spot_check_id>/items/<int:item_id>")
@role_required(Role.INSPECTOR)
def spot_check_item(spot_check_id: int, item_id: int):
    check = spot_checks.get_visible_spot_check(current_user, spot_check_id)
    item = spot_checks.get_item(check, item_id)
    form = ResultForm()
    if form.validate_on_submit():
        try:
            spot_checks.record_result(item, actor=current_user, result=form.result.data,
                                      field=form.field.data or None, finding=form.finding.data)
        except DomainError as error:
            show_refusal(form, error)
            return spot_check(spot_check_id, form, item.id, error.status)
        return redirect(url_for(".spot_check", spot_check_id=check.id) + f"#item-{item.id}", 303)
    return spot_check(spot_check_id, form, item.id, 422)
