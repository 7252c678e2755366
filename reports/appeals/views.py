"""Pages of appeals: the provider lodges one; officers list, read and resolve them."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import clock, pages, uploads
from app.auth.login import role_required
from app.errors import DomainError
from app.extensions import db
from app.forms import apply_errors
from app.scoping import as_id
from app.users.models import Role
from evaluations.inspections.lists import inspectors_of
from evaluations.inspections.services import get_visible_inspection, may_fill_in
from reports import bp
from reports.appeals import evidence
from reports.appeals import services as appeals
from reports.appeals.forms import (
    AppealForm,
    EvidenceForm,
    ResolveCorrectionForm,
    ResolveDecisionForm,
    ResolveForm,
)
from reports.appeals.models import AppealStatus
from reports.performance.decisions import get_visible_decision

READERS = (Role.ADMIN, Role.OFFICER, Role.PROVIDER)
OFFICERS = (Role.ADMIN, Role.OFFICER)
APPEAL_STATUS_LABELS = {AppealStatus.OPEN: _l("Open"), AppealStatus.UPHELD: _l("Upheld"),
                        AppealStatus.CORRECTED: _l("Corrected")}

pages.add_link("inspection.actions", _l("Appeal this result"), "reports.inspection_appeal",
               args=lambda inspection: {"inspection_id": inspection.id}, roles={Role.PROVIDER},
               applies=lambda inspection: inspection.status == "finalized"
               and inspection.is_current and appeals.window_open(inspection.finalized_at))
pages.add_link("inspection.actions", _l("Appeals"), "reports.appeal_list",
               args=lambda inspection: {"inspection_id": inspection.id}, roles=set(OFFICERS),
               applies=lambda inspection: inspection.status == "finalized")


@bp.app_context_processor
def _appeal_labels() -> dict:
    return {"APPEAL_STATUS_LABELS": APPEAL_STATUS_LABELS,
            "appeal_subject": appeals.subject_text,
            "appeal_window_open": appeals.window_open}


def _int_arg(name: str) -> int | None:
    # not ``isdigit()`` + ``int()``: "²" is a digit to the one and not to the other (a 500)
    return as_id(request.args.get(name, ""))


@bp.route("/appeals")
@role_required(*READERS)
def appeal_list():
    status = request.args.get("status")
    status = status if status in {s.value for s in AppealStatus} else None
    stmt = appeals.appeal_stmt(current_user, status=status,
                               contract_id=_int_arg("contract_id"),
                               inspection_id=_int_arg("inspection_id"))
    return render_template("reports/appeal_list.html", page=db.paginate(stmt, per_page=25),
                           status=status, today=clock.today())


def _resolve_form(appeal, formdata=None):
    if appeal.payment_decision_id:
        cls = ResolveDecisionForm
    elif (appeal.is_open and current_user.role in OFFICERS
          and not may_fill_in(appeal.inspection.inspector, appeal.inspection.region)):
        cls = ResolveCorrectionForm  # its inspector has left: a correction needs another
    else:
        cls = ResolveForm
    form = cls() if formdata else cls(formdata=None)
    if cls is ResolveCorrectionForm:
        form.inspector_id.choices = [("", "—")] + [
            (person.id, person.name or person.email)
            for person in inspectors_of(appeal.inspection.region)]
    return form


def _posted_files(field) -> list[tuple[str, bytes]]:
    return [(f.filename, uploads.read_upload(f.stream)) for f in request.files.getlist(field.name)
            if f and f.filename]


def _detail(appeal, *, form=None, evidence_form=None, status: int = 200):
    form = form or _resolve_form(appeal)
    form.files_seen.data = len(appeal.files)  # the evidence this page shows
    return render_template("reports/appeal_detail.html", appeal=appeal, form=form,
                           evidence_form=evidence_form or EvidenceForm(formdata=None)), status


@bp.route("/appeals/<int:appeal_id>")
@role_required(*READERS)
def appeal_detail(appeal_id: int):
    return _detail(appeals.get_visible_appeal(current_user, appeal_id))


@bp.route("/appeals/<int:appeal_id>/files", methods=["POST"])
@role_required(Role.PROVIDER)
def appeal_add_files(appeal_id: int):
    appeal = appeals.get_visible_appeal(current_user, appeal_id)
    form = EvidenceForm()
    if form.validate_on_submit():
        try:
            added = evidence.attach_files(appeal, _posted_files(form.files), actor=current_user)
        except DomainError as error:
            apply_errors(form, error)
            return _detail(appeal, evidence_form=form, status=error.status)
        flash(_("%(n)d file(s) added to the appeal.", n=len(added)), "success")
        return redirect(url_for(".appeal_detail", appeal_id=appeal.id))
    return _detail(appeal, evidence_form=form, status=422)


@bp.route("/appeals/<int:appeal_id>/files/<int:file_id>")
@role_required(*READERS)
def appeal_file(appeal_id: int, file_id: int):
    return evidence.send_file(appeals.get_visible_appeal(current_user, appeal_id), file_id)


@bp.route("/appeals/<int:appeal_id>/resolve", methods=["POST"])
@role_required(*OFFICERS)
def appeal_resolve(appeal_id: int):
    appeal = appeals.get_visible_appeal(current_user, appeal_id)
    form = _resolve_form(appeal, formdata=True)
    status = 422
    if form.validate_on_submit():
        revised = form.revised() if isinstance(form, ResolveDecisionForm) else None
        try:
            appeals.resolve_appeal(
                appeal, outcome=form.outcome.data, reason=form.reason.data, actor=current_user,
                revised=revised, files_seen=form.files_seen.data,
                inspector_id=form.inspector_id.data
                if isinstance(form, ResolveCorrectionForm) else None)
        except DomainError as error:
            # the revised decision's fields are this form's own
            error.fields = {name.removeprefix("revised_decision."): messages
                            for name, messages in error.fields.items()}
            apply_errors(form, error)
            status = error.status
        else:
            flash(_("The appeal was resolved and the provider notified."), "success")
            return redirect(url_for(".appeal_detail", appeal_id=appeal.id))
    return _detail(appeal, form=form, status=status)


def _lodge(subject, opener, back_url: str, title: str):
    form = AppealForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                files = _posted_files(form.files)
                appeal = opener(subject, reason=form.reason.data, evidence=form.evidence.data,
                                actor=current_user)
                evidence.attach_files(appeal, files, actor=current_user)
            except DomainError as error:
                apply_errors(form, error)
                status = error.status
            else:
                flash(_("Your appeal was lodged; the bureau answers by %(day)s.",
                        day=appeal.due_by.isoformat()), "success")
                return redirect(url_for(".appeal_detail", appeal_id=appeal.id))
    return render_template("reports/appeal_form.html", form=form, back_url=back_url,
                           title=title, window_ends=appeals.window_ends(
                               getattr(subject, "finalized_at", None)
                               or getattr(subject, "decided_at", None))), status


@bp.route("/inspections/<int:inspection_id>/appeal", methods=["GET", "POST"])
@role_required(Role.PROVIDER)
def inspection_appeal(inspection_id: int):
    inspection = get_visible_inspection(current_user, inspection_id)
    return _lodge(inspection, appeals.open_inspection_appeal,
                  url_for("evaluations.inspection_detail", inspection_id=inspection.id),
                  _("Appeal the result of inspection #%(id)d", id=inspection.id))


@bp.route("/payment-decisions/<int:decision_id>/appeal", methods=["GET", "POST"])
@role_required(Role.PROVIDER)
def decision_appeal(decision_id: int):
    decision = get_visible_decision(current_user, decision_id)
    return _lodge(decision, appeals.open_decision_appeal,
                  url_for(".contract_performance_page", contract_id=decision.contract_id,
                          period=decision.period),
                  _("Appeal the payment decision #%(id)d", id=decision.id))
