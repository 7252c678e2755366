"""HTML pages of corrective actions (整改) and campaigns (专项行动)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.auth.login import role_required
from app.errors import DomainError, NotFound
from app.extensions import db
from app.forms import apply_errors
from app.regions.models import Level, Region
from app.scoping import region_subtree
from app.template_helpers import ui_language
from app.users.models import Role, User
from contracts.labels import FACILITY_KIND_LABELS
from contracts.models import Contract, ContractStatus, Facility, FacilityKind, Provider
from contracts.visibility import (
    get_visible_contract,
    get_visible_facility,
    visible_contracts,
    visible_facilities,
)
from evaluations import bp
from evaluations.actions import services as actions
from evaluations.actions.forms import (
    ActionForm,
    AnswerForm,
    CloseForm,
    ReinspectionForm,
    ReopenForm,
    SuggestionsForm,
)
from evaluations.actions.models import ActionStatus, Severity
from evaluations.assessment.models import AssessmentTemplate, TemplateTarget
from evaluations.assessment.services import template_stmt
from evaluations.campaigns import services as campaigns
from evaluations.campaigns.forms import CampaignForm
from evaluations.inspections.models import InspectionStatus

EVERYONE = (Role.ADMIN, Role.OFFICER, Role.INSPECTOR, Role.PROVIDER)
RAISERS = (Role.ADMIN, Role.OFFICER, Role.INSPECTOR)
REVIEWERS = (Role.ADMIN, Role.OFFICER)
STAFF = (Role.ADMIN, Role.OFFICER, Role.INSPECTOR)



def _visible_action(action_id: int):
    try:
        return actions.get_visible_action(current_user, action_id)
    except NotFound:
        abort(404)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


# ---- corrective actions -------------------------------------------------------------------

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
    page = db.paginate(stmt, per_page=25)
    providers = db.session.scalars(sa.select(Provider).where(Provider.id.in_(
        actions.visible_actions(current_user).with_only_columns(
            actions.CorrectiveAction.provider_id))).order_by(Provider.name)).all()
    return render_template("evaluations/action_list.html", page=page, providers=providers,
                           today=clock.today())


def _target_choices() -> list[tuple[str, str]]:
    facilities = db.session.scalars(visible_facilities(current_user).order_by(Facility.name))
    contracts = db.session.scalars(visible_contracts(current_user).where(
        Contract.status == ContractStatus.ACTIVE).order_by(Contract.number))
    return ([(f"facility:{f.id}", _("Home: %(name)s", name=f.name)) for f in facilities]
            + [(f"contract:{c.id}", _("Contract %(number)s %(title)s", number=c.number,
                                     title=c.title)) for c in contracts])


@bp.route("/actions/new", methods=["GET", "POST"])
@role_required(*RAISERS)
def action_create():
    form = ActionForm()
    form.target.choices = _target_choices()
    if request.method == "GET":
        if _int_arg("facility_id"):
            form.target.data = f"facility:{_int_arg('facility_id')}"
        elif _int_arg("contract_id"):
            form.target.data = f"contract:{_int_arg('contract_id')}"
        form.deadline.data = clock.today() + timedelta(days=30)
    if form.validate_on_submit():
        kind, _sep, ident = form.target.data.partition(":")
        try:
            target = (get_visible_facility(current_user, ident) if kind == "facility"
                      else get_visible_contract(current_user, ident))
            action = actions.create_action(
                description=form.description.data, severity=form.severity.data,
                deadline=form.deadline.data, actor=current_user,
                facility=target if kind == "facility" else None,
                contract=target if kind == "contract" else None)
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(_("Corrective action raised."), "success")
            return redirect(url_for(".action_detail", action_id=action.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("evaluations/action_form.html", form=form), status


def _detail(action, status: int = 200, **forms):
    forms.setdefault("answer_form", AnswerForm())
    forms.setdefault("close_form", CloseForm())
    forms.setdefault("reopen_form", ReopenForm())
    return render_template("evaluations/action_detail.html", action=action, today=clock.today(),
                           **forms), status


@bp.route("/actions/<int:action_id>")
@role_required(*EVERYONE)
def action_detail(action_id: int):
    return _detail(_visible_action(action_id))


@bp.route("/actions/<int:action_id>/answer", methods=["POST"])
@role_required(Role.PROVIDER)
def action_answer(action_id: int):
    action = _visible_action(action_id)
    form = AnswerForm()
    if form.validate_on_submit():
        files = [(f.filename, f.read()) for f in request.files.getlist(form.files.name)
                 if f and f.filename]
        try:
            actions.answer_action(action, response=form.response.data, actor=current_user,
                                  files=files)
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(_("Your answer was sent."), "success")
            return redirect(url_for(".action_detail", action_id=action.id))
    return _detail(action, 422, answer_form=form)


@bp.route("/actions/<int:action_id>/close", methods=["POST"])
@role_required(*REVIEWERS)
def action_close(action_id: int):
    action = _visible_action(action_id)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            actions.close_action(action, actor=current_user, note=form.note.data or "")
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(_("Corrective action closed."), "success")
            return redirect(url_for(".action_detail", action_id=action.id))
    return _detail(action, 422, close_form=form)


@bp.route("/actions/<int:action_id>/reopen", methods=["POST"])
@role_required(*REVIEWERS)
def action_reopen(action_id: int):
    action = _visible_action(action_id)
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            actions.reopen_action(action, reason=form.reason.data or "", actor=current_user)
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(_("Corrective action reopened."), "success")
            return redirect(url_for(".action_detail", action_id=action.id))
    return _detail(action, 422, reopen_form=form)


@bp.route("/actions/<int:action_id>/attachments/<int:attachment_id>")
@role_required(*EVERYONE)
def action_attachment(action_id: int, attachment_id: int):
    action = _visible_action(action_id)
    attachment = next((a for a in action.attachments if a.id == attachment_id), None)
    if attachment is None or not actions.attachment_path(attachment).is_file():
        abort(404)
    return send_file(actions.attachment_path(attachment), mimetype=attachment.content_type,
                     as_attachment=attachment.content_type == "application/pdf",
                     download_name=attachment.original_name or attachment.stored_name)


@bp.route("/inspections/<int:inspection_id>/actions", methods=["GET", "POST"])
@role_required(*RAISERS)
def inspection_actions(inspection_id: int):
    """The items below their max as suggestions; the inspector confirms and edits them."""
    from evaluations.inspections.services import get_visible_inspection

    try:
        inspection = get_visible_inspection(current_user, inspection_id)
        suggestions = actions.suggest_actions(inspection)
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(error.message, "warning")
        suggestions = []
    form = SuggestionsForm()
    errors: dict[str, list[str]] = {}
    if suggestions and form.validate_on_submit():
        choices = [{"item_id": s.item.id,
                    "description": request.form.get(f"description_{s.item.id}", ""),
                    "severity": request.form.get(f"severity_{s.item.id}", ""),
                    "deadline": request.form.get(f"deadline_{s.item.id}", "")}
                   for s in suggestions if request.form.get(f"create_{s.item.id}")]
        try:
            created = actions.create_actions_from_inspection(inspection, choices,
                                                             actor=current_user)
        except DomainError as error:
            form.form_errors.append(error.message)
            errors = error.fields
        else:
            flash(_("%(n)d corrective actions created.", n=len(created)), "success")
            return redirect(url_for(".action_list", facility_id=inspection.facility_id or ""))
    existing = db.session.scalars(actions.action_stmt(current_user,
                                                      inspection_id=inspection.id)).all()
    status = 422 if form.form_errors else 200
    return render_template("evaluations/action_suggestions.html", inspection=inspection,
                           suggestions=suggestions, form=form, errors=errors,
                           existing=existing), status


def _reinspection_form(facility: Facility) -> ReinspectionForm:
    form = ReinspectionForm()
    ancestors = [int(p) for p in facility.region.path.strip("/").split("/") if p]
    people = db.session.scalars(sa.select(User).where(
        User.role == Role.INSPECTOR, User.is_enabled.is_(True),
        User.region_id.in_(ancestors)).order_by(User.name, User.email))
    form.inspector.choices = [(u.id, u.name or u.email) for u in people]
    return form


@bp.route("/facilities/<int:facility_id>/actions", methods=["GET", "POST"])
@role_required(*EVERYONE)
def facility_actions(facility_id: int):
    """A home's open corrective actions, and the button that schedules a re-inspection."""
    try:
        facility = get_visible_facility(current_user, facility_id)
    except NotFound:
        abort(404)
    form = _reinspection_form(facility)
    if request.method == "GET":
        form.scheduled_for.data = clock.today() + timedelta(days=7)
    if request.method == "POST":
        if current_user.role not in REVIEWERS:
            abort(403)
        if form.validate_on_submit():
            inspector = db.session.get(User, form.inspector.data)
            try:
                inspection = actions.schedule_reinspection(
                    facility, inspector=inspector, scheduled_for=form.scheduled_for.data,
                    actor=current_user)
            except DomainError as error:
                apply_errors(form, error)
            else:
                flash(_("Re-inspection scheduled for %(day)s.",
                        day=inspection.scheduled_for.isoformat()), "success")
                return redirect(url_for(".facility_actions", facility_id=facility.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("evaluations/action_facility.html", facility=facility, form=form,
                           open_actions=actions.open_actions_of_facility(facility, current_user),
                           today=clock.today()), status


# ---- campaigns ----------------------------------------------------------------------------

@bp.route("/campaigns")
@role_required(*STAFF)
def campaign_list():
    stmt = campaigns.visible_campaigns(current_user).order_by(
        campaigns.Campaign.window_start.desc(), campaigns.Campaign.id.desc())
    return render_template("evaluations/campaign_list.html", page=db.paginate(stmt, per_page=25))


def _campaign_choices(form: CampaignForm) -> None:
    templates = db.session.scalars(template_stmt(current=True).where(
        AssessmentTemplate.target == TemplateTarget.FACILITY))
    locale = ui_language()
    form.template.choices = [(t.id, f"{t.name(locale)} v{t.version}") for t in templates]
    regions = sa.select(Region).where(Region.level.in_([Level.CITY, Level.COUNTY,
                                                         Level.TOWNSHIP]))
    if current_user.role is not Role.ADMIN:
        regions = regions.where(Region.id.in_(region_subtree(current_user.region)))
    form.region_code.choices = [(r.code, f"{r.code} {r.name}")
                                for r in db.session.scalars(regions.order_by(Region.code))]
    form.facility_kinds.choices = [(k.value, str(FACILITY_KIND_LABELS[k.value]))
                                   for k in FacilityKind]
    people = sa.select(User).where(User.role == Role.INSPECTOR, User.is_enabled.is_(True))
    if current_user.role is not Role.ADMIN:
        ancestors = [int(p) for p in current_user.region.path.strip("/").split("/") if p]
        people = people.where(sa.or_(User.region_id.in_(region_subtree(current_user.region)),
                                     User.region_id.in_(ancestors)))
    form.inspectors.choices = [
        (u.id, f"{u.name or u.email} ({u.region.name if u.region else ''})")
        for u in db.session.scalars(people.order_by(User.name, User.email))]


@bp.route("/campaigns/new", methods=["GET", "POST"])
@role_required(*REVIEWERS)
def campaign_create():
    form = CampaignForm()
    _campaign_choices(form)
    if form.validate_on_submit():
        try:
            campaign = campaigns.create_campaign(
                name=form.name.data, template=db.session.get(AssessmentTemplate,
                                                             form.template.data),
                region=db.session.scalar(sa.select(Region).where(
                    Region.code == form.region_code.data)),
                facility_kinds=form.facility_kinds.data or [],
                window_start=form.window_start.data, window_end=form.window_end.data,
                inspectors=[db.session.get(User, i) for i in form.inspectors.data or []],
                assignment=form.assignment.data, recurrence=form.recurrence.data,
                actor=current_user)
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(_("Campaign created with %(n)d inspections.", n=len(campaign.inspections)),
                  "success")
            return redirect(url_for(".campaign_detail", campaign_id=campaign.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("evaluations/campaign_form.html", form=form), status


@bp.route("/campaigns/<int:campaign_id>")
@role_required(*STAFF)
def campaign_detail(campaign_id: int):
    try:
        campaign = campaigns.get_visible_campaign(current_user, campaign_id)
    except NotFound:
        abort(404)
    return render_template("evaluations/campaign_detail.html", campaign=campaign,
                           progress=campaigns.campaign_progress(campaign),
                           statuses=list(InspectionStatus))
