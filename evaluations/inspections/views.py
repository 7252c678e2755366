"""HTML pages of inspections: lists, scheduling, the tablet field form, detail and sign-off.

Every lookup goes through ``inspections.get_visible_inspection``: an inspection the user may
not see is a 404 like a missing one. Refusals of the services are shown on the page they came
from, with 422 (invalid input) or 409 (stale version, wrong state) so that nothing is committed.
"""

from __future__ import annotations

import re
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock, paging
from app.auth.login import role_required
from app.errors import Conflict, DomainError, ValidationError
from app.forms import ConfirmForm, apply_errors, page_status
from app.lookups import suggestions_answer
from app.template_helpers import ui_language
from app.unit_of_work import keep_despite_error
from app.users.models import Role
from contracts.lookups import ContractLookup, FacilityLookup
from contracts.visibility import get_visible_contract, get_visible_facility
from evaluations import bp
from evaluations.inspections import assignment, form_page, integrity, lists, photos, services
from evaluations.inspections.answers import MAX_NOTE
from evaluations.inspections.forms import (
    CancelForm,
    CorrectionForm,
    FieldForm,
    FinalizeForm,
    ReasonForm,
    ReassignForm,
    ScheduleForm,
    answers_from_request,
    values_for_display,
)
from evaluations.inspections.models import Inspection, InspectionStatus, SignatureRole
from evaluations.inspections.signatures import ROLE_LABELS

OFFICERS = (Role.ADMIN, Role.OFFICER)
EVERYONE = tuple(Role)
#: what a "save this section" button sends: anything else (a line break put into the
#: redirect's headers was a 500 that threw the draft away) returns to the form's top
_SECTION_ANCHOR = re.compile(r"section-\d{1,3}")


@bp.app_template_global()
def inspections_about(facility=None, contract=None, limit: int = 50) -> list[Inspection]:
    """Finalized inspections of a facility or contract that the current user may see."""
    if not current_user.is_authenticated:
        return []
    return lists.finalized_inspections_about(current_user, facility=facility,
                                             contract=contract, limit=limit)


def _inspection(inspection_id: int, options: tuple = ()) -> Inspection:
    return services.get_visible_inspection(current_user, inspection_id, options=options)


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _int_arg(name: str) -> int | None:
    return request.args.get(name, type=int)  # None beyond 64 bits (app.validation)


@bp.route("/inspections")
@role_required(*EVERYONE)
def inspections():
    status = request.args.get("status")
    stmt = lists.inspection_stmt(
        current_user, status=status if status in {s.value for s in InspectionStatus} else None,
        template_id=_int_arg("template_id"), inspector_id=_int_arg("inspector_id"),
        region_id=_int_arg("region"), scheduled_from=_date_arg("from"),
        scheduled_to=_date_arg("to"), soonest_first=current_user.role is Role.INSPECTOR,
        overdue_on=clock.today() if status == lists.OVERDUE else None)
    page = paging.paginate(stmt, lists.row_relations(), per_page=25)
    filters = lists.list_filters(current_user) if current_user.role in OFFICERS else {}
    return render_template("evaluations/inspection_list.html", page=page, filters=filters,
                           args=request.args, today=clock.today(), overdue=lists.OVERDUE)


@bp.route("/inspections/new", methods=["GET", "POST"])
@role_required(*OFFICERS)
def inspection_new():
    form = ScheduleForm(current_user, ui_language())
    if form.validate_on_submit():
        try:
            inspection = services.schedule_inspection(
                template=form.chosen_template(),
                inspector=form.chosen_inspector(),
                scheduled_for=form.scheduled_for.data,
                facility=_target("facility", form.facility_id.data),
                contract=_target("contract", form.contract_id.data), actor=current_user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash(_("Inspection scheduled."), "success")
            return redirect(url_for(".inspection_detail", inspection_id=inspection.id))
    status = page_status(form)
    return render_template("evaluations/inspection_new.html", form=form), status


@bp.get("/inspections/new/facilities")
@role_required(*OFFICERS)
def schedule_facilities():
    """The scheduling form's typeahead of homes: those the officer sees whose name contains
    ``q`` (:func:`app.lookups.suggestions_answer`)."""
    return suggestions_answer(lambda: FacilityLookup(current_user))


@bp.get("/inspections/new/contracts")
@role_required(*OFFICERS)
def schedule_contracts():
    """The scheduling form's typeahead of contracts: those the officer sees whose number or
    title contains ``q``."""
    return suggestions_answer(lambda: ContractLookup(current_user))


def _target(kind: str, ident: int | None):
    if ident is None:
        return None
    getter = get_visible_facility if kind == "facility" else get_visible_contract
    return getter(current_user, ident)


@bp.route("/inspections/<int:inspection_id>")
@role_required(*EVERYONE)
def inspection_detail(inspection_id: int):
    inspection = _inspection(inspection_id, services.WITH_FORM + services.WITH_INSPECTOR)
    finalize_form = FinalizeForm(formdata=None, version=inspection.version)
    return render_template("evaluations/inspection_detail.html", inspection=inspection,
                           confirm_form=ConfirmForm(), reason_form=ReasonForm(),
                           finalize_form=finalize_form, signature_roles=ROLE_LABELS,
                           correction_inspectors=_correction_inspectors(inspection),
                           **_assignment_forms(inspection), **_result_context(inspection))


def _assignment_forms(inspection: Inspection) -> dict:
    """The officer's reassign and cancel forms while the visit is not submitted (inspectors
    to choose from are read only then)."""
    if current_user.role not in OFFICERS or not inspection.is_editable:
        return {}
    reassign = ReassignForm(formdata=None, version=inspection.version)
    reassign.inspector_id.choices = [("", "—")] + [
        (person.id, person.name or person.email) for person in lists.inspectors_of(
            inspection.region) if person.id != inspection.inspector_id]
    return {"reassign_form": reassign,
            "cancel_form": CancelForm(formdata=None, version=inspection.version)}


def _correction_inspectors(inspection: Inspection) -> list:
    """Whom the officer may give a correction to, when the inspector of the result no longer
    can (read only then: else the correction is theirs, as the page says nothing of it)."""
    if (current_user.role not in OFFICERS or not inspection.is_current
            or inspection.status is not InspectionStatus.FINALIZED
            or services.may_fill_in(inspection.inspector, inspection.region)):
        return []
    return lists.inspectors_of(inspection.region)


def _integrity_context(inspection: Inspection) -> dict:
    """The photos' integrity signs as the current user may see them, and the flagged ones."""
    signs = integrity.for_inspection(inspection, current_user)
    return {"signs": signs,
            "flagged_photos": [p for p in inspection.photos if signs[p.id].flagged],
            "items_by_id": {item.id: item for item in inspection.template.items}}


def _result_context(inspection: Inspection) -> dict:
    items = {item.id: item for item in inspection.template.items}
    sections = {section.id: section for section in inspection.template.sections}
    return _integrity_context(inspection) | {
        "failed_items": [items[i] for i in inspection.failed_critical or [] if i in items],
        "section_results": [(sections.get(s["section_id"]), s["score"])
                            for s in inspection.section_scores or []],
        "answers": {answer.item_id: answer for answer in inspection.answers},
        "photos_by_item": form_page.photos_by_item(inspection),
    }


def _render_form(inspection: Inspection, form: FieldForm, *, posted=None, errors=None,
                 message: str | None = None, status: int = 200, refusal=None):
    form.version.data = str(inspection.version) if posted is None else form.version.data
    values = values_for_display(inspection, posted)
    return render_template(
        "evaluations/inspection_form.html", inspection=inspection, form=form,
        values=values, item_errors=errors or {}, message=message,
        photos_by_item=form_page.photos_by_item(inspection),
        stored={answer.item_id: answer for answer in inspection.answers},
        progress=form_page.progress(inspection, values),
        gaps=form_page.gaps(inspection, refusal, ui_language()),
        signatures=form_page.signatures_by_role(inspection),
        signature_roles=list(SignatureRole), role_labels=ROLE_LABELS, max_note=MAX_NOTE,
        **_integrity_context(inspection)), status


def _item_errors(error: DomainError, item_ids: list[int]) -> dict[int, list[str]]:
    """``answers[i].x`` and ``items.<id>[.photo]`` keys → messages per item id."""
    errors: dict[int, list[str]] = {}
    for key, messages in error.fields.items():
        item_id = None
        if key.startswith("answers["):
            index = int(key[len("answers["):key.index("]")])
            item_id = item_ids[index] if index < len(item_ids) else None
        elif key.startswith("items."):
            item_id = int(key.split(".")[1])
        if item_id is not None:
            errors.setdefault(item_id, []).extend(messages)
    return errors


@bp.route("/inspections/<int:inspection_id>/form", methods=["GET", "POST"])
@role_required(Role.INSPECTOR)
def inspection_form(inspection_id: int):
    inspection = _inspection(inspection_id, services.WITH_FORM)
    if not inspection.is_editable:
        return redirect(url_for(".inspection_detail", inspection_id=inspection.id))
    form = FieldForm()
    if request.method == "GET":
        return _render_form(inspection, form)
    if not form.validate_on_submit():
        abort(400)
    answers, item_ids = answers_from_request(inspection, request.form)
    refused = _save_draft(inspection, form, answers, item_ids)
    if refused is not None:
        return refused
    if request.form.get("action") != "submit":
        flash(_("Draft saved."), "success")
        anchor = request.form.get("section") or ""
        return redirect(url_for(".inspection_form", inspection_id=inspection.id)
                        + (f"#{anchor}" if _SECTION_ANCHOR.fullmatch(anchor) else ""))
    return _submit(inspection, item_ids)


def _save_draft(inspection: Inspection, form: FieldForm, answers: list[dict],
                item_ids: list[int]):
    """Store the posted answers and photos; if refused, the form again (409 or 422)."""
    try:
        services.save_answers(inspection, version=form.version.data, answers=answers,
                              actor=current_user)
        for item_id in _item_ids_with_files(inspection):
            for file in request.files.getlist(f"photo-{item_id}"):
                if file and file.filename:
                    photos.add_photo(inspection, item_id, file, current_user)
    except Conflict as error:
        return _render_form(inspection, form, posted=request.form, message=error.message,
                            status=409)
    except ValidationError as error:
        return _render_form(inspection, form, posted=request.form, message=error.message,
                            errors=_item_errors(error, item_ids), status=422)
    return None


def _submit(inspection: Inspection, item_ids: list[int]):
    """Submit the saved draft; an incomplete one stays saved and shows what is missing."""
    try:
        services.submit_inspection(inspection, actor=current_user)
    except ValidationError as error:
        keep_despite_error()  # the draft just saved stays saved; only the submit is refused
        return _render_form(inspection, FieldForm(formdata=None), message=error.message,
                            errors=_item_errors(error, item_ids), status=422, refusal=error)
    flash(_("Inspection submitted."), "success")
    return redirect(url_for(".inspection_detail", inspection_id=inspection.id))


def _item_ids_with_files(inspection: Inspection) -> list[int]:
    return [item.id for item in inspection.template.items
            if f"photo-{item.id}" in request.files]


@bp.route("/inspections/<int:inspection_id>/photos/<int:photo_id>")
@role_required(*EVERYONE)
def inspection_photo(inspection_id: int, photo_id: int):
    return photos.photo_response(photos.get_photo(_inspection(inspection_id), photo_id))


@bp.route("/inspections/<int:inspection_id>/photos/<int:photo_id>/delete", methods=["POST"])
@role_required(Role.INSPECTOR)
def inspection_photo_delete(inspection_id: int, photo_id: int):
    """The form's remove button without its script: the answers posted with it are saved
    first, so that removing a photo never throws away what was typed."""
    inspection = _inspection(inspection_id)
    form = FieldForm()
    if not form.validate_on_submit():
        abort(400)
    if inspection.is_editable:
        answers, item_ids = answers_from_request(inspection, request.form)
        refused = _save_draft(inspection, form, answers, item_ids)
        if refused is not None:
            return refused
    try:
        photos.delete_photo(photos.get_photo(inspection, photo_id), current_user)
    except Conflict as error:
        flash(error.message, "danger")
        return redirect(url_for(".inspection_detail", inspection_id=inspection.id)), 303
    flash(_("Photo removed."), "success")
    return redirect(url_for(".inspection_form", inspection_id=inspection.id))


def _officer_action(inspection_id: int, action, success: str, form_class=ConfirmForm,
                    missing: str | None = None):
    inspection = _inspection(inspection_id)
    form = form_class()
    if not form.validate_on_submit():
        flash(missing or _("Give a reason."), "danger")
        return redirect(url_for(".inspection_detail", inspection_id=inspection.id))
    try:
        result = action(inspection, form)
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for(".inspection_detail", inspection_id=inspection.id))
    flash(success, "success")
    return redirect(url_for(".inspection_detail", inspection_id=result.id))


@bp.route("/inspections/<int:inspection_id>/finalize", methods=["POST"])
@role_required(*OFFICERS)
def inspection_finalize(inspection_id: int):
    return _officer_action(
        inspection_id, lambda i, f: services.finalize_inspection(i, actor=current_user,
                                                                 version_seen=f.version.data),
        _("Inspection finalized; it can no longer be changed."), FinalizeForm)


@bp.route("/inspections/<int:inspection_id>/reopen", methods=["POST"])
@role_required(*OFFICERS)
def inspection_reopen(inspection_id: int):
    return _officer_action(
        inspection_id, lambda i, f: services.reopen_inspection(i, actor=current_user,
                                                               reason=f.reason.data),
        _("Inspection sent back to the inspector."), ReasonForm)


@bp.route("/inspections/<int:inspection_id>/correct", methods=["POST"])
@role_required(*OFFICERS)
def inspection_correct(inspection_id: int):
    return _officer_action(
        inspection_id, lambda i, f: services.correct_inspection(
            i, actor=current_user, reason=f.reason.data, inspector_id=f.inspector_id.data),
        _("A correction was created; the inspector fills it in and submits it again."),
        CorrectionForm)


@bp.route("/inspections/<int:inspection_id>/reassign", methods=["POST"])
@role_required(*OFFICERS)
def inspection_reassign(inspection_id: int):
    return _officer_action(
        inspection_id, lambda i, f: assignment.reassign_inspection(
            i, inspector_id=f.inspector_id.data, actor=current_user,
            version_seen=f.version.data),
        _("The inspection was given to another inspector."), ReassignForm,
        missing=_("Choose an inspector."))


@bp.route("/inspections/<int:inspection_id>/cancel", methods=["POST"])
@role_required(*OFFICERS)
def inspection_cancel(inspection_id: int):
    return _officer_action(
        inspection_id, lambda i, f: assignment.cancel_inspection(
            i, reason=f.reason.data, actor=current_user, version_seen=f.version.data),
        _("The inspection was cancelled."), CancelForm)
