"""HTML views of contracts: list, drafting, detail with timeline, transitions,
amendments, payments."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.login import role_required
from app.errors import DomainError, ValidationError
from app.extensions import db
from app.users.models import Role, User
from contracts import EVERYONE, STAFF, bp, listing, services
from contracts.forms import AmendmentForm, ContractForm, PaymentForm, TransitionForm, format_targets
from contracts.labels import CONTRACT_STATUS_LABELS
from contracts.models import ContractStatus, ServiceType
from contracts.views.providers import _form_page, _is_staff, _list, _refused, _region_visible


@bp.route("/contracts")
@role_required(*EVERYONE)
def contracts():
    return _list("contracts", "contracts/contracts.html", statuses=list(ContractStatus),
                 service_types=list(ServiceType), regions=listing.region_options(current_user),
                 providers=db.session.scalars(listing.providers_list_stmt({}, current_user))
                 .all() if current_user.role is not Role.PROVIDER else [])


def _contract_values(form) -> dict:
    values = form.values()
    if not _region_visible(values["region"]):
        raise ValidationError(_("The contract was not saved."),
                              {"region_code": [_("Outside your region.")]})
    return values


@bp.route("/contracts/new", methods=["GET", "POST"])
@role_required(*STAFF)
def contract_create():
    form = ContractForm(current_user)
    if form.validate_on_submit():
        try:
            contract = services.create_contract(**_contract_values(form),
                                                installments=form.schedule(),
                                                actor=current_user)
        except DomainError as error:
            _refused(form, error)
        else:
            flash(_("Contract %(number)s drafted.", number=contract.number), "success")
            return redirect(url_for(".contract", contract_id=contract.id))
    return _form_page("contracts/contract_form.html", form, contract=None)


@bp.route("/contracts/<int:contract_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def contract_edit(contract_id: int):
    contract = services.get_visible_contract(current_user, contract_id)
    if contract.status is not ContractStatus.DRAFT:
        flash(_("Only a draft can be edited; amend an active contract instead."), "warning")
        return redirect(url_for(".contract", contract_id=contract.id))
    form = ContractForm(current_user)
    if not form.is_submitted():
        _fill_contract_form(form, contract)
    if form.validate_on_submit():
        try:
            services.update_contract(contract, actor=current_user,
                                     installments=form.schedule(), **_contract_values(form))
        except DomainError as error:
            _refused(form, error)
        else:
            flash(_("Contract %(number)s saved.", number=contract.number), "success")
            return redirect(url_for(".contract", contract_id=contract.id))
    return _form_page("contracts/contract_form.html", form, contract=contract)


def _fill_contract_form(form: ContractForm, contract) -> None:
    for name in ("title", "start_date", "end_date", "report_due_days"):
        form[name].data = getattr(contract, name)
    form.service_type.data = contract.service_type.value
    form.reporting.data = contract.reporting.value
    form.provider_id.data = str(contract.provider_id)
    form.region_code.data = contract.region.code
    form.facility_id.data = str(contract.facility_id or "")
    form.amount.data = f"{contract.amount:.2f}"
    form.targets.data = format_targets(contract.targets)
    for key in ("inspection", "timeliness", "targets"):
        form[f"weight_{key}"].data = (contract.weights or {}).get(key)
    form.fill_schedule(contract.installments)


def _timeline(contract) -> list[dict]:
    """Creation, transitions and amendments, oldest first, with who did them."""
    ids = {t.actor_id for t in contract.transitions} | {a.actor_id for a in contract.amendments}
    ids.discard(None)
    actors = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
    events = [{"kind": "created", "at": contract.created_at, "actor": None}]
    events += [{"kind": "transition", "at": t.at, "actor": actors.get(t.actor_id), "item": t}
               for t in contract.transitions]
    events += [{"kind": "amendment", "at": a.at, "actor": actors.get(a.actor_id), "item": a}
               for a in contract.amendments]
    return sorted(events, key=lambda e: e["at"] or datetime.min.replace(tzinfo=UTC))


def _contract_page(contract, status: int = 200, error: DomainError | None = None, **forms):
    context = dict(
        contract=contract, error=error, can_write=_is_staff(), timeline=_timeline(contract),
        allowed=services.allowed_transitions(contract), reason_required=services.REASON_REQUIRED,
        operator=services.current_operator(contract.facility) if contract.facility else None,
        transition_form=TransitionForm(formdata=None), amend_form=AmendmentForm(formdata=None),
        payment_form=PaymentForm(formdata=None), payment_for=None)
    context.update(forms)
    return render_template("contracts/contract_detail.html", **context), status


@bp.route("/contracts/<int:contract_id>")
@role_required(*EVERYONE)
def contract(contract_id: int):
    return _contract_page(services.get_visible_contract(current_user, contract_id))


@bp.route("/contracts/<int:contract_id>/transition", methods=["POST"])
@role_required(*STAFF)
def contract_transition(contract_id: int):
    contract = services.get_visible_contract(current_user, contract_id)
    form = TransitionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.transition_contract(contract, form.to.data, actor=current_user,
                                     reason=form.reason.data or "")
    except DomainError as error:
        _refused(form, error)
        return _contract_page(contract, error.status, error=error)
    flash(_("Contract %(number)s is now %(status)s.", number=contract.number,
            status=CONTRACT_STATUS_LABELS[contract.status]), "success")
    return redirect(url_for(".contract", contract_id=contract.id))


@bp.route("/contracts/<int:contract_id>/amend", methods=["POST"])
@role_required(*STAFF)
def contract_amend(contract_id: int):
    contract = services.get_visible_contract(current_user, contract_id)
    form = AmendmentForm()
    if form.validate_on_submit():
        try:
            amendment = services.amend_contract(contract, reason=form.reason.data,
                                                actor=current_user, **form.changes())
        except DomainError as error:
            _refused(form, error)
            return _contract_page(contract, error.status, error=error, amend_form=form)
        flash(_("Contract %(number)s amended (version %(version)d).", number=contract.number,
                version=amendment.version), "success")
        return redirect(url_for(".contract", contract_id=contract.id))
    return _contract_page(contract, 422, amend_form=form)


@bp.route("/contracts/<int:contract_id>/installments/<int:installment_id>/pay",
          methods=["POST"])
@role_required(*STAFF)
def installment_pay(contract_id: int, installment_id: int):
    contract = services.get_visible_contract(current_user, contract_id)
    installment = next((i for i in contract.installments if i.id == installment_id), None)
    if installment is None:
        abort(404)
    form = PaymentForm()
    if form.validate_on_submit():
        try:
            services.record_payment(installment, form.paid_amount.data)
        except DomainError as error:
            _refused(form, error)
            return _contract_page(contract, error.status, error=error, payment_form=form,
                                  payment_for=installment_id)
        flash(_("Payment recorded."), "success")
        return redirect(url_for(".contract", contract_id=contract.id))
    return _contract_page(contract, 422, payment_form=form, payment_for=installment_id)
