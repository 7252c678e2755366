"""HTML views of procurement: list, detail, create, edit, bids, award, cancel."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.auth.login import role_required
from app.errors import DomainError
from app.forms import ConfirmForm
from app.users.models import Role
from contracts import STAFF, bp, listing, services
from contracts.forms import BidForm, ProcurementForm, ReasonForm
from contracts.models import ProcurementMethod, ProcurementStatus, ServiceType
from contracts.red_flags.forms import ReviewForm
from contracts.red_flags.services import flags_of
from contracts.web import form_page, is_staff, list_page, show_refusal, undo_refused


@bp.route("/procurements")
@role_required(Role.ADMIN, Role.OFFICER, Role.INSPECTOR)
def procurements():
    return list_page("procurements", "contracts/procurements.html",
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
            show_refusal(form, error)
        else:
            flash(_("Procurement %(title)s created.", title=procurement.title), "success")
            return redirect(url_for(".procurement", procurement_id=procurement.id))
    return form_page("contracts/procurement_form.html", form, procurement=None)


def procurement_page(procurement, status: int = 200, error: DomainError | None = None,
                      **forms):
    today = clock.today()
    context = dict(
        procurement=procurement, error=error, can_write=is_staff(), today=today,
        refusals={bid.id: services.award_refusals(bid, today) for bid in procurement.bids},
        contract=listing.procurement_contract(current_user, procurement),
        bid_form=BidForm(formdata=None), cancel_form=ReasonForm(formdata=None),
        confirm_form=ConfirmForm(), red_flags=flags_of(procurement, today),
        review_form=ReviewForm(formdata=None), review_blank=ReviewForm(formdata=None),
        review_code=None)
    context.update(forms)
    return render_template("contracts/procurement_detail.html", **context), status


@bp.route("/procurements/<int:procurement_id>")
@role_required(Role.ADMIN, Role.OFFICER, Role.INSPECTOR)
def procurement(procurement_id: int):
    return procurement_page(services.get_visible_procurement(current_user, procurement_id))


@bp.route("/procurements/<int:procurement_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def procurement_edit(procurement_id: int):
    procurement = services.get_visible_procurement(current_user, procurement_id)
    form = ProcurementForm(current_user, obj=procurement)
    if not form.is_submitted():
        form.region_code.data = procurement.region.code
        form.seen.data = services.procurement_stamp(procurement)
    if form.validate_on_submit():
        try:
            services.update_procurement(procurement, actor=current_user, seen=form.seen.data,
                                        **form.values())
        except DomainError as error:
            show_refusal(form, error)
            form.seen.data = services.procurement_stamp(procurement)  # a retry saves over it
        else:
            flash(_("Procurement %(title)s saved.", title=procurement.title), "success")
            return redirect(url_for(".procurement", procurement_id=procurement.id))
    return form_page("contracts/procurement_form.html", form, procurement=procurement)


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
            show_refusal(form, error)
            return procurement_page(procurement, error.status, bid_form=form)
        flash(_("Bid recorded."), "success")
        return redirect(url_for(".procurement", procurement_id=procurement.id))
    return procurement_page(procurement, 422, bid_form=form)


def _bid_of(procurement, bid_id: int):
    bid = next((b for b in procurement.bids if b.id == bid_id), None)
    if bid is None:
        abort(404)
    return bid


def _award_targets(procurement) -> dict | None:
    """The children of entrusted care, typed beside its award button: its draft names them
    and the procurement does not (the service checks the number)."""
    if procurement.service_type is not ServiceType.ENTRUSTED_CARE:
        return None
    return {"children": request.form.get("children", "")}


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
            contract = services.award_bid(bid, current_user, clock.today(),
                                          targets=_award_targets(procurement))
        else:
            services.withdraw_bid(bid)
    except DomainError as error:
        undo_refused()
        return procurement_page(procurement, error.status, error=error)
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
            show_refusal(form, error)
            return procurement_page(procurement, error.status, error=error, cancel_form=form)
        flash(_("Procurement cancelled."), "success")
        return redirect(url_for(".procurement", procurement_id=procurement.id))
    return procurement_page(procurement, 422, cancel_form=form)
