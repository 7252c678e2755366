"""HTML views of facilities (welfare homes): list, detail, create, edit."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.login import role_required
from app.errors import DomainError
from app.unit_of_work import expect_revision
from contracts import EVERYONE, STAFF, bp, listing, services
from contracts.forms import FacilityForm
from contracts.models import FacilityKind
from contracts.web import form_page, is_staff, list_page, show_refusal


@bp.route("/facilities")
@role_required(*EVERYONE)
def facilities():
    return list_page("facilities", "contracts/facilities.html", kinds=list(FacilityKind),
                     regions=listing.region_options(current_user))


@bp.route("/facilities/new", methods=["GET", "POST"])
@role_required(*STAFF)
def facility_create():
    form = FacilityForm(current_user)
    if form.validate_on_submit():
        try:
            facility = services.create_facility(**form.values(), actor=current_user)
        except DomainError as error:
            show_refusal(form, error)
        else:
            flash(_("Facility %(name)s created.", name=facility.name), "success")
            return redirect(url_for(".facility", facility_id=facility.id))
    return form_page("contracts/facility_form.html", form, facility=None)


@bp.route("/facilities/<int:facility_id>")
@role_required(*EVERYONE)
def facility(facility_id: int):
    facility = services.get_visible_facility(current_user, facility_id)
    operator = services.visible_operator(current_user, facility)
    return render_template("contracts/facility_detail.html", facility=facility,
                           contracts=listing.facility_contracts(current_user, facility),
                           can_write=is_staff() and services.may_change_facility(
                               current_user, facility),
                           operator=operator,
                           # the contract's number names the operator too
                           operation=services.operation_contract(facility) if operator else None)


@bp.route("/facilities/<int:facility_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def facility_edit(facility_id: int):
    facility = services.get_visible_facility(current_user, facility_id)
    services.check_facility_writer(current_user, facility)
    form = FacilityForm(current_user, obj=facility)
    if not form.is_submitted():
        form.region_code.data = facility.region.code
        for ward, beds in facility.ward_beds.items():
            form[f"beds_{ward}"].data = beds
    if form.validate_on_submit():
        try:
            expect_revision(facility, form.revision.data)
            services.update_facility(facility, actor=current_user, **form.values())
        except DomainError as error:
            show_refusal(form, error, revisioned=facility)
        else:
            flash(_("Facility %(name)s saved.", name=facility.name), "success")
            return redirect(url_for(".facility", facility_id=facility.id))
    return form_page("contracts/facility_form.html", form, facility=facility)
