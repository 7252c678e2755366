"""HTML views of contracts: list, drafting, detail with timeline, transitions,
amendments, payments."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.login import role_required
from app.errors import DomainError
from app.lookups import suggestions_answer
from app.unit_of_work import expect_revision
from app.users.provider_lookup import ProviderLookup
from contracts import EVERYONE, STAFF, bp, listing, services
from contracts.forms import AmendmentForm, ContractForm, PaymentForm, TransitionForm
from contracts.labels import CONTRACT_STATUS_LABELS, SERVICE_TYPE_LABELS
from contracts.lookups import NameableFacilityLookup
from contracts.models import ContractStatus, ServiceType
from contracts.payments import payable_amount, payment_held
from contracts.target_fields import fill_targets
from contracts.web import form_page, is_staff, list_page, show_refusal


@bp.route("/contracts")
@role_required(*EVERYONE)
def contracts():
    row_labels = {"types": {k: str(v) for k, v in SERVICE_TYPE_LABELS.items()},
                  "statuses": {k: str(v) for k, v in CONTRACT_STATUS_LABELS.items()}}
    return list_page("contracts", "contracts/contracts.html", rows=listing.contract_rows,
                     statuses=list(ContractStatus),
                     row_labels=row_labels,
                     service_types=list(ServiceType),
                     regions=listing.region_options(current_user),
                     providers=listing.provider_options(current_user, request.args))


@bp.get("/contracts/new/providers")
@role_required(*STAFF)
def provider_lookup():
    """The contract and bid forms' typeahead of providers: any whose name or credit code
    contains ``q`` (:func:`app.lookups.suggestions_answer`)."""
    return suggestions_answer(ProviderLookup)


@bp.get("/contracts/new/facilities")
@role_required(*STAFF)
def facility_lookup():
    """The contract and procurement forms' typeahead of homes: those the officer may name
    whose name contains ``q``."""
    return suggestions_answer(lambda: NameableFacilityLookup(current_user))


@bp.route("/contracts/new", methods=["GET", "POST"])
@role_required(*STAFF)
def contract_create():
    form = ContractForm(current_user)
    if form.validate_on_submit():
        try:
            contract = services.create_contract(**form.values(),
                                                installments=form.schedule(),
                                                actor=current_user)
        except DomainError as error:
            show_refusal(form, error)
        else:
            flash(_("Contract %(number)s drafted.", number=contract.number), "success")
            return redirect(url_for(".contract", contract_id=contract.id))
    return form_page("contracts/contract_form.html", form, contract=None)


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
            expect_revision(contract, form.revision.data)
            services.update_contract(contract, actor=current_user,
                                     installments=form.schedule(), **form.values())
        except DomainError as error:
            show_refusal(form, error, revisioned=contract)
        else:
            flash(_("Contract %(number)s saved.", number=contract.number), "success")
            return redirect(url_for(".contract", contract_id=contract.id))
    return form_page("contracts/contract_form.html", form, contract=contract)


def _fill_contract_form(form: ContractForm, contract) -> None:
    for name in ("title", "start_date", "end_date", "report_due_days", "revision"):
        form[name].data = getattr(contract, name)
    form.service_type.data = contract.service_type.value
    form.reporting.data = contract.reporting.value
    form.provider_id.data = contract.provider_id
    form.region_code.data = contract.region.code
    form.facility_id.data = contract.facility_id
    form.amount.data = f"{contract.amount:.2f}"
    fill_targets(form, contract.targets)
    for key in ("inspection", "timeliness", "targets"):
        form[f"weight_{key}"].data = (contract.weights or {}).get(key)
    form.fill_schedule(contract.installments)


def _contract_page(contract, status: int = 200, error: DomainError | None = None, **forms):
    context = dict(
        contract=contract, error=error, can_write=is_staff(), timeline=services.contract_timeline(contract),
        allowed=services.allowed_transitions(contract), reason_required=services.REASON_REQUIRED,
        operator=(services.visible_operator(current_user, contract.facility)
                  if contract.facility else None),
        transition_form=TransitionForm(formdata=None, revision=contract.revision),
        amend_form=AmendmentForm(formdata=None, revision=contract.revision),
        payment_form=PaymentForm(formdata=None), payment_for=None,
        payable={i.id: payable_amount(i) for i in contract.installments if i.paid_at is None})
    # asked only where a payment would be offered: a hold may compute the period's figures
    context["held"] = {i.id: payment_held(i) for i in contract.installments
                       if context["payable"].get(i.id) is not None and context["can_write"]
                       and contract.status is not ContractStatus.DRAFT}
    fill_targets(context["amend_form"], contract.targets)
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
        expect_revision(contract, form.revision.data)
        services.transition_contract(contract, form.to.data, actor=current_user,
                                     reason=form.reason.data or "")
    except DomainError as error:
        show_refusal(form, error)
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
            expect_revision(contract, form.revision.data)
            amendment = services.amend_contract(contract, reason=form.reason.data,
                                                actor=current_user, **form.changes(contract.targets))
        except DomainError as error:
            show_refusal(form, error, revisioned=contract)
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
            show_refusal(form, error)
            return _contract_page(contract, error.status, error=error, payment_form=form,
                                  payment_for=installment_id)
        flash(_("Payment recorded."), "success")
        return redirect(url_for(".contract", contract_id=contract.id))
    return _contract_page(contract, 422, payment_form=form, payment_for=installment_id)
