"""HTML views of the contracts feature: providers, facilities, procurement, contracts.

Thin: each view reads a form, calls ``contracts.services`` and renders or redirects. A refused
operation re-renders its page with the refusal (422 for bad input, 409 for a conflict), so the
unit of work rolls back and nothing is stored. Lists build their statement in
``contracts.listing`` so that the Excel export writes the same rows.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.audit.models import AuditLog
from app.auth.login import role_required
from app.errors import DomainError, ValidationError
from app.extensions import db
from app.forms import apply_errors
from app.users.models import Role, User
from contracts import (
    CONTRACT_STATUS_LABELS,
    EVERYONE,
    PROVIDER_STATUS_LABELS,
    STAFF,
    bp,
    listing,
    services,
)
from contracts.forms import (
    AmendmentForm,
    BidForm,
    ConfirmForm,
    ContractForm,
    FacilityForm,
    PaymentForm,
    ProcurementForm,
    ProviderForm,
    ProviderStatusForm,
    QualificationForm,
    ReasonForm,
    TransitionForm,
    format_targets,
)
from contracts.models import (
    Contract,
    ContractStatus,
    FacilityKind,
    ProcurementMethod,
    ProcurementStatus,
    ProviderKind,
    ProviderStatus,
    ServiceType,
)

PER_PAGE = 25


def _is_staff() -> bool:
    return current_user.role in STAFF


def _refused(form, error: DomainError) -> None:
    """Undo whatever the refused operation flushed and show its reasons on the form."""
    db.session.rollback()
    apply_errors(form, error)


def _form_page(template: str, form, **context):
    return render_template(template, form=form, **context), 422 if form.errors else 200


def _list(kind: str, template: str, **context):
    stmt = getattr(listing, f"{kind}_list_stmt")(request.args, current_user)
    if request.args.get("format") == "xlsx":
        try:
            from contracts.exports import export_response
        except ImportError:  # the export engine is not installed yet
            abort(404)
        return export_response(kind, stmt)
    page = db.paginate(stmt, per_page=PER_PAGE)
    return render_template(template, page=page, args=request.args, **context)


# ---- providers ---------------------------------------------------------------------------

@bp.route("/providers")
@role_required(*STAFF)
def providers():
    return _list("providers", "contracts/providers.html", kinds=list(ProviderKind),
                 statuses=list(ProviderStatus))


@bp.route("/providers/new", methods=["GET", "POST"])
@role_required(*STAFF)
def provider_create():
    form = ProviderForm()
    if form.validate_on_submit():
        try:
            provider = services.create_provider(**form.values())
        except DomainError as error:
            _refused(form, error)
        else:
            flash(_("Provider %(name)s created.", name=provider.name), "success")
            return redirect(url_for(".provider", provider_id=provider.id))
    return _form_page("contracts/provider_form.html", form, provider=None)


def _status_history(provider) -> list[AuditLog]:
    rows = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.object_type == "providers", AuditLog.object_id == str(provider.id),
        AuditLog.action == "update").order_by(AuditLog.at.desc(), AuditLog.id.desc()))
    return [row for row in rows if "status" in (row.changes or {})]


def _provider_page(provider, status: int = 200, **forms):
    contracts = db.session.scalars(listing.contracts_list_stmt(
        {"provider": str(provider.id)}, current_user)).all()
    context = dict(
        provider=provider, contracts=contracts, today=clock.today(),
        is_expiring=services.is_expiring, can_write=_is_staff(),
        history=_status_history(provider) if _is_staff() else [],
        users=db.session.scalars(sa.select(User).where(User.provider_id == provider.id)
                                 .order_by(User.email)).all()
        if current_user.role is Role.ADMIN else [],
        qualification_form=QualificationForm(formdata=None), confirm_form=ConfirmForm())
    context.update(forms)
    return render_template("contracts/provider_detail.html", **context), status


@bp.route("/providers/<int:provider_id>")
@role_required(*EVERYONE)
def provider(provider_id: int):
    return _provider_page(services.get_visible_provider(current_user, provider_id))


@bp.route("/my-organization")
@role_required(Role.PROVIDER)
def my_organization():
    return _provider_page(services.get_visible_provider(current_user, current_user.provider_id))


@bp.route("/providers/<int:provider_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def provider_edit(provider_id: int):
    provider = services.get_visible_provider(current_user, provider_id)
    form = ProviderForm(obj=provider)
    if form.validate_on_submit():
        try:
            services.update_provider(provider, **form.values())
        except DomainError as error:
            _refused(form, error)
        else:
            flash(_("Provider %(name)s saved.", name=provider.name), "success")
            return redirect(url_for(".provider", provider_id=provider.id))
    return _form_page("contracts/provider_form.html", form, provider=provider)


@bp.route("/providers/<int:provider_id>/status", methods=["GET", "POST"])
@role_required(*STAFF)
def provider_status(provider_id: int):
    provider = services.get_visible_provider(current_user, provider_id)
    form = ProviderStatusForm()
    if form.validate_on_submit():
        try:
            services.set_provider_status(provider, form.status.data, form.reason.data)
        except DomainError as error:
            _refused(form, error)
        else:
            flash(_("The status of %(name)s is now: %(status)s.", name=provider.name,
                    status=PROVIDER_STATUS_LABELS[provider.status]), "success")
            return redirect(url_for(".provider", provider_id=provider.id))
    return _form_page("contracts/provider_status.html", form, provider=provider)


@bp.route("/providers/<int:provider_id>/qualifications", methods=["POST"])
@role_required(*STAFF)
def qualification_add(provider_id: int):
    provider = services.get_visible_provider(current_user, provider_id)
    form = QualificationForm()
    if form.validate_on_submit():
        try:
            services.add_qualification(provider, cert_type=form.cert_type.data,
                                       number=form.number.data, issuer=form.issuer.data or "",
                                       valid_until=form.valid_until.data)
        except DomainError as error:
            _refused(form, error)
        else:
            flash(_("Qualification added."), "success")
            return redirect(url_for(".provider", provider_id=provider.id))
    return _provider_page(provider, 422, qualification_form=form)


@bp.route("/providers/<int:provider_id>/qualifications/<int:qualification_id>/remove",
          methods=["POST"])
@role_required(*STAFF)
def qualification_remove(provider_id: int, qualification_id: int):
    provider = services.get_visible_provider(current_user, provider_id)
    qualification = next((q for q in provider.qualifications if q.id == qualification_id), None)
    if qualification is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        services.remove_qualification(qualification)
        flash(_("Qualification removed."), "success")
    return redirect(url_for(".provider", provider_id=provider.id))


# ---- facilities --------------------------------------------------------------------------

@bp.route("/facilities")
@role_required(*EVERYONE)
def facilities():
    return _list("facilities", "contracts/facilities.html", kinds=list(FacilityKind),
                 regions=listing.region_options(current_user))


@bp.route("/facilities/new", methods=["GET", "POST"])
@role_required(*STAFF)
def facility_create():
    form = FacilityForm(current_user)
    if form.validate_on_submit():
        try:
            facility = services.create_facility(**form.values())
        except DomainError as error:
            _refused(form, error)
        else:
            flash(_("Facility %(name)s created.", name=facility.name), "success")
            return redirect(url_for(".facility", facility_id=facility.id))
    return _form_page("contracts/facility_form.html", form, facility=None)


@bp.route("/facilities/<int:facility_id>")
@role_required(*EVERYONE)
def facility(facility_id: int):
    facility = services.get_visible_facility(current_user, facility_id)
    contracts = db.session.scalars(listing.contracts_list_stmt(
        {"facility": str(facility.id), "sort": "-end_date"}, current_user)).all()
    return render_template("contracts/facility_detail.html", facility=facility,
                           contracts=contracts, can_write=_is_staff(),
                           operator=services.current_operator(facility),
                           operation=services.operation_contract(facility))


@bp.route("/facilities/<int:facility_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def facility_edit(facility_id: int):
    facility = services.get_visible_facility(current_user, facility_id)
    form = FacilityForm(current_user, obj=facility)
    if not form.is_submitted():
        form.region_code.data = facility.region.code
        for ward, beds in facility.ward_beds.items():
            form[f"beds_{ward}"].data = beds
    if form.validate_on_submit():
        try:
            values = form.values()
            if not _region_visible(values["region"]):
                raise ValidationError(_("The facility was not saved."),
                                      {"region_code": [_("Outside your region.")]})
            services.update_facility(facility, **values)
        except DomainError as error:
            _refused(form, error)
        else:
            flash(_("Facility %(name)s saved.", name=facility.name), "success")
            return redirect(url_for(".facility", facility_id=facility.id))
    return _form_page("contracts/facility_form.html", form, facility=facility)


def _region_visible(code: str) -> bool:
    return any(region.code == code for region in listing.region_options(current_user))


# ---- procurement -------------------------------------------------------------------------

@bp.route("/procurements")
@role_required(Role.ADMIN, Role.OFFICER, Role.INSPECTOR)
def procurements():
    return _list("procurements", "contracts/procurements.html",
                 service_types=list(ServiceType), methods=list(ProcurementMethod),
                 statuses=list(ProcurementStatus),
                 regions=listing.region_options(current_user))


@bp.route("/procurements/new", methods=["GET", "POST"])
@role_required(*STAFF)
def procurement_create():
    form = ProcurementForm(current_user)
    if form.validate_on_submit():
        try:
            procurement = services.create_procurement(**form.values(), actor=current_user)
        except DomainError as error:
            _refused(form, error)
        else:
            flash(_("Procurement %(title)s created.", title=procurement.title), "success")
            return redirect(url_for(".procurement", procurement_id=procurement.id))
    return _form_page("contracts/procurement_form.html", form, procurement=None)


def _procurement_page(procurement, status: int = 200, error: DomainError | None = None,
                      **forms):
    today = clock.today()
    context = dict(
        procurement=procurement, error=error, can_write=_is_staff(), today=today,
        refusals={bid.id: services.award_refusals(bid, today) for bid in procurement.bids},
        contract=db.session.scalars(services.visible_contracts(current_user).where(
            Contract.procurement_id == procurement.id)).first(),
        bid_form=BidForm(formdata=None), cancel_form=ReasonForm(formdata=None),
        confirm_form=ConfirmForm())
    context.update(forms)
    return render_template("contracts/procurement_detail.html", **context), status


@bp.route("/procurements/<int:procurement_id>")
@role_required(Role.ADMIN, Role.OFFICER, Role.INSPECTOR)
def procurement(procurement_id: int):
    return _procurement_page(services.get_visible_procurement(current_user, procurement_id))


@bp.route("/procurements/<int:procurement_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def procurement_edit(procurement_id: int):
    procurement = services.get_visible_procurement(current_user, procurement_id)
    form = ProcurementForm(current_user, obj=procurement)
    if not form.is_submitted():
        form.region_code.data = procurement.region.code
    if form.validate_on_submit():
        try:
            services.update_procurement(procurement, actor=current_user, **form.values())
        except DomainError as error:
            _refused(form, error)
        else:
            flash(_("Procurement %(title)s saved.", title=procurement.title), "success")
            return redirect(url_for(".procurement", procurement_id=procurement.id))
    return _form_page("contracts/procurement_form.html", form, procurement=procurement)


@bp.route("/procurements/<int:procurement_id>/bids", methods=["POST"])
@role_required(*STAFF)
def bid_add(procurement_id: int):
    procurement = services.get_visible_procurement(current_user, procurement_id)
    form = BidForm()
    if form.validate_on_submit():
        try:
            services.submit_bid(procurement, provider=form.provider_id.data,
                                price=form.price.data, technical_score=form.technical_score.data,
                                notes=form.notes.data or "")
        except DomainError as error:
            _refused(form, error)
            return _procurement_page(procurement, error.status, bid_form=form)
        flash(_("Bid recorded."), "success")
        return redirect(url_for(".procurement", procurement_id=procurement.id))
    return _procurement_page(procurement, 422, bid_form=form)


def _bid_of(procurement, bid_id: int):
    bid = next((b for b in procurement.bids if b.id == bid_id), None)
    if bid is None:
        abort(404)
    return bid


@bp.route("/procurements/<int:procurement_id>/bids/<int:bid_id>/<any(withdraw, award):action>",
          methods=["POST"])
@role_required(*STAFF)
def bid_action(procurement_id: int, bid_id: int, action: str):
    procurement = services.get_visible_procurement(current_user, procurement_id)
    bid = _bid_of(procurement, bid_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        if action == "award":
            contract = services.award_bid(bid, current_user, clock.today())
        else:
            services.withdraw_bid(bid)
    except DomainError as error:
        db.session.rollback()
        return _procurement_page(procurement, error.status, error=error)
    if action == "award":
        flash(_("Awarded. Contract %(number)s was drafted; complete its terms.",
                number=contract.number), "success")
        return redirect(url_for(".contract", contract_id=contract.id))
    flash(_("Bid withdrawn."), "success")
    return redirect(url_for(".procurement", procurement_id=procurement.id))


@bp.route("/procurements/<int:procurement_id>/cancel", methods=["POST"])
@role_required(*STAFF)
def procurement_cancel(procurement_id: int):
    procurement = services.get_visible_procurement(current_user, procurement_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            services.cancel_procurement(procurement, form.reason.data)
        except DomainError as error:
            _refused(form, error)
            return _procurement_page(procurement, error.status, error=error, cancel_form=form)
        flash(_("Procurement cancelled."), "success")
        return redirect(url_for(".procurement", procurement_id=procurement.id))
    return _procurement_page(procurement, 422, cancel_form=form)


# ---- contracts ---------------------------------------------------------------------------

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
