"""HTML pages of corrective actions (整改): list, raise, answer, close, reopen, re-inspect."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock, uploads
from app.auth.login import role_required
from app.errors import DomainError, NotFound
from app.extensions import db
from app.forms import apply_errors, page_status
from app.lookups import suggestions_answer
from app.paging import parent_columns
from app.users.models import Role
from contracts.models import Contract, Facility, Provider
from contracts.visibility import get_visible_contract, get_visible_facility
from contracts.web import provider_suggestions_answer
from evaluations import bp
from evaluations.actions import rectification
from evaluations.actions import services as actions
from evaluations.actions.evidence import AREA
from evaluations.actions.forms import (
    ActionForm,
    AnswerForm,
    CloseForm,
    ReinspectionForm,
    ReopenForm,
    SuggestionsForm,
)
from evaluations.actions.models import ActionStatus, CorrectiveAction, Severity
from evaluations.actions.suggestions import create_actions_from_inspection, suggest_actions
from evaluations.actions.targets import TargetLookup, split_key
from evaluations.inspections.lists import eligible_inspectors
from evaluations.inspections.services import WITH_FORM, get_visible_inspection

EVERYONE = (Role.ADMIN, Role.OFFICER, Role.INSPECTOR, Role.PROVIDER)
RAISERS = (Role.ADMIN, Role.OFFICER, Role.INSPECTOR)
REVIEWERS = (Role.ADMIN, Role.OFFICER)


def _int_arg(name: str) -> int | None:
    return request.args.get(name, type=int)  # None beyond 64 bits (app.validation)


#: what a row of the list shows of an action's home, contract and provider: a name or number
_LIST_ROW = (parent_columns(CorrectiveAction.contract, Contract.number),
             parent_columns(CorrectiveAction.facility, Facility.name),
             parent_columns(CorrectiveAction.provider, Provider.name))


@bp.route("/actions")
@role_required(*EVERYONE)
def action_list():
    status = request.args.get("status") or None
    severity = request.args.get("severity") or None
    overdue = {"yes": True, "no": False}.get(request.args.get("overdue", ""))
    if status not in {s.value for s in ActionStatus}:
        status = None
    if severity not in {s.value for s in Severity}:
        severity = None
    stmt = actions.action_stmt(current_user, status=status, severity=severity, overdue=overdue,
                               facility_id=_int_arg("facility_id"),
                               provider_id=_int_arg("provider_id"))
    return render_template("evaluations/action_list.html",
                           page=db.paginate(stmt.options(*_LIST_ROW), per_page=25),
                           providers=actions.provider_filter(current_user, request.args),
                           today=clock.today())


@bp.get("/actions/providers")
@role_required(Role.ADMIN, Role.OFFICER, Role.INSPECTOR)
def action_provider_suggest():
    """The action list's provider typeahead: as the contract list's, of the providers owning an
    action the user may see only (picking any other would list nothing). 403 for a provider's
    users, who see their own actions only."""
    return provider_suggestions_answer(among=actions.action_owners(current_user))


def _new_action_form() -> ActionForm:
    """The form, about the home or contract the link names, due in 30 days."""
    form = ActionForm()
    form.target.offer(TargetLookup(current_user), url_for(".action_targets"))
    if request.method == "GET":
        if _int_arg("facility_id"):
            form.target.choose(f"facility:{_int_arg('facility_id')}")
        elif _int_arg("contract_id"):
            form.target.choose(f"contract:{_int_arg('contract_id')}")
        form.deadline.data = clock.today() + timedelta(days=30)
    return form


def _raise_action(form: ActionForm):
    kind, ident = split_key(form.target.data)
    target = (get_visible_facility(current_user, ident) if kind == "facility"
              else get_visible_contract(current_user, ident))
    return actions.create_action(
        description=form.description.data, severity=form.severity.data,
        deadline=form.deadline.data, actor=current_user,
        facility=target if kind == "facility" else None,
        contract=target if kind == "contract" else None)


@bp.get("/actions/new/targets")
@role_required(*RAISERS)
def action_targets():
    """The action form's typeahead: the homes the user sees and their active contracts whose
    name, number or title contains ``q`` (:func:`app.lookups.suggestions_answer`)."""
    return suggestions_answer(lambda: TargetLookup(current_user))


@bp.route("/actions/new", methods=["GET", "POST"])
@role_required(*RAISERS)
def action_create():
    form = _new_action_form()
    if form.validate_on_submit():
        try:
            action = _raise_action(form)
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(_("Corrective action raised."), "success")
            return redirect(url_for(".action_detail", action_id=action.id))
    status = page_status(form)
    return render_template("evaluations/action_form.html", form=form), status


def _detail(action, status: int = 200, **forms):
    if "answer_form" not in forms:
        forms["answer_form"] = AnswerForm(formdata=None)
        forms["answer_form"].show(action)
    forms.setdefault("close_form", CloseForm())
    forms["close_form"].answer_seen.data = actions.answer_stamp(action)  # what this page shows
    if "reopen_form" not in forms:
        forms["reopen_form"] = ReopenForm(formdata=None)
        if action.deadline >= clock.today():  # a passed one must be replaced: left empty
            forms["reopen_form"].deadline.data = action.deadline
    for name in ("close_form", "reopen_form"):
        forms[name].state_seen.data = actions.state_stamp(action)
    if current_user.role in REVIEWERS and "reinspection_form" not in forms:
        target = action.facility.region if action.facility else action.region
        forms["reinspection_form"] = ReinspectionForm(
            formdata=None, inspectors=list(db.session.scalars(eligible_inspectors(target))))
        forms["reinspection_form"].scheduled_for.data = clock.today() + timedelta(days=7)
    return render_template("evaluations/action_detail.html", action=action, today=clock.today(),
                           reinspection=actions.shown_reinspection(action, current_user),
                           **forms), status


@bp.route("/actions/<int:action_id>")
@role_required(*EVERYONE)
def action_detail(action_id: int):
    return _detail(actions.get_visible_action(current_user, action_id))


@bp.route("/actions/<int:action_id>/answer", methods=["POST"])
@role_required(Role.PROVIDER)
def action_answer(action_id: int):
    action = actions.get_visible_action(current_user, action_id)
    form = AnswerForm()
    if form.validate_on_submit():
        def posted(field):
            return [(f.filename, f.read()) for f in request.files.getlist(field.name)
                    if f and f.filename]
        try:
            rectification.answer_action(
                action, response=form.response.data, cause=form.cause.data,
                responsible_person=form.responsible_person.data,
                completed_on=form.completed_on.data, actor=current_user,
                before=posted(form.before), after=posted(form.after), files=posted(form.files))
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(_("Your rectification report was sent."), "success")
            return redirect(url_for(".action_detail", action_id=action.id))
    return _detail(action, 422, answer_form=form)


@bp.route("/actions/<int:action_id>/close", methods=["POST"])
@role_required(*REVIEWERS)
def action_close(action_id: int):
    action = actions.get_visible_action(current_user, action_id)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            actions.close_action(action, actor=current_user, note=form.note.data or "",
                                 answer_seen=form.answer_seen.data,
                                 state_seen=form.state_seen.data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(_("Corrective action closed."), "success")
            return redirect(url_for(".action_detail", action_id=action.id))
    return _detail(action, 422, close_form=form)


@bp.route("/actions/<int:action_id>/reopen", methods=["POST"])
@role_required(*REVIEWERS)
def action_reopen(action_id: int):
    action = actions.get_visible_action(current_user, action_id)
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            actions.reopen_action(action, reason=form.reason.data or "", actor=current_user,
                                  state_seen=form.state_seen.data, deadline=form.deadline.data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(_("Corrective action reopened."), "success")
            return redirect(url_for(".action_detail", action_id=action.id))
    return _detail(action, 422, reopen_form=form)


@bp.route("/actions/<int:action_id>/reinspection", methods=["POST"])
@role_required(*REVIEWERS)
def action_reinspection(action_id: int):
    """Schedule a re-inspection from the rectification report."""
    action = actions.get_visible_action(current_user, action_id)
    target = action.facility.region if action.facility else action.region
    form = ReinspectionForm(inspectors=list(db.session.scalars(eligible_inspectors(target))))
    status = 422
    if form.validate_on_submit():
        try:
            inspection = rectification.reinspection_of_action(
                action, inspector=form.chosen_inspector(), scheduled_for=form.scheduled_for.data,
                actor=current_user)
        except DomainError as error:
            apply_errors(form, error)
            status = error.status
        else:
            flash(_("Re-inspection scheduled for %(day)s.",
                    day=inspection.scheduled_for.isoformat()), "success")
            return redirect(url_for(".action_detail", action_id=action.id))
    return _detail(action, status, reinspection_form=form)


@bp.route("/actions/<int:action_id>/attachments/<int:attachment_id>")
@role_required(*EVERYONE)
def action_attachment(action_id: int, attachment_id: int):
    action = actions.get_visible_action(current_user, action_id)
    attachment = next((a for a in action.attachments if a.id == attachment_id), None)
    if attachment is None:
        abort(404)
    return uploads.send(AREA, attachment.stored_name, mimetype=attachment.content_type,
                        inline=attachment.content_type != "application/pdf",
                        download_name=attachment.original_name or attachment.stored_name)


def _confirmed_choices(suggestions: list) -> list[dict]:
    """The suggestions ticked on the page, with the text, severity and deadline as edited."""
    return [{"item_id": s.item.id,
             "description": request.form.get(f"description_{s.item.id}", ""),
             "severity": request.form.get(f"severity_{s.item.id}", ""),
             "deadline": request.form.get(f"deadline_{s.item.id}", "")}
            for s in suggestions if request.form.get(f"create_{s.item.id}")]


def _inspection_and_suggestions(inspection_id: int):
    """The visible inspection (else 404) and its suggestions (none, with a warning, when it
    has no result yet)."""
    try:
        inspection = get_visible_inspection(current_user, inspection_id, options=WITH_FORM)
        return inspection, suggest_actions(inspection)
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(error.message, "warning")
        return inspection, []


@bp.route("/inspections/<int:inspection_id>/actions", methods=["GET", "POST"])
@role_required(*RAISERS)
def inspection_actions(inspection_id: int):
    """The items below their max as suggestions; the inspector confirms and edits them."""
    inspection, suggestions = _inspection_and_suggestions(inspection_id)
    form = SuggestionsForm()
    errors: dict[str, list[str]] = {}
    if suggestions and form.validate_on_submit():
        try:
            created = create_actions_from_inspection(inspection, _confirmed_choices(suggestions),
                                                     actor=current_user)
        except DomainError as error:
            form.form_errors.append(error.message)
            errors = error.fields
        else:
            flash(_("%(n)d corrective actions created.", n=len(created)), "success")
            return redirect(url_for(".action_list", facility_id=inspection.facility_id or ""))
    status = 422 if form.form_errors else 200
    return render_template("evaluations/action_suggestions.html", inspection=inspection,
                           suggestions=suggestions, form=form, errors=errors,
                           existing=actions.actions_of_inspection(current_user, inspection)
                           ), status


def _schedule_reinspection(facility: Facility, form: ReinspectionForm):
    """The re-inspection the form asks for, or None with the refusal on the form."""
    try:
        return actions.schedule_reinspection(facility, inspector=form.chosen_inspector(),
                                             scheduled_for=form.scheduled_for.data,
                                             actor=current_user)
    except DomainError as error:
        apply_errors(form, error)
        return None


@bp.route("/facilities/<int:facility_id>/actions", methods=["GET", "POST"])
@role_required(*EVERYONE)
def facility_actions(facility_id: int):
    """A home's open corrective actions, and the button that schedules a re-inspection."""
    try:
        facility = get_visible_facility(current_user, facility_id)
    except NotFound:
        abort(404)
    form = ReinspectionForm(inspectors=actions.reinspection_inspectors(facility))
    if request.method == "GET":
        form.scheduled_for.data = clock.today() + timedelta(days=7)
    elif current_user.role not in REVIEWERS:
        abort(403)
    elif form.validate_on_submit() and (inspection := _schedule_reinspection(facility, form)):
        flash(_("Re-inspection scheduled for %(day)s.",
                day=inspection.scheduled_for.isoformat()), "success")
        return redirect(url_for(".facility_actions", facility_id=facility.id))
    status = page_status(form)
    return render_template("evaluations/action_facility.html", facility=facility, form=form,
                           open_actions=actions.open_actions_of_facility(facility, current_user),
                           reinspection_of=lambda a: actions.shown_reinspection(a, current_user),
                           today=clock.today()), status
