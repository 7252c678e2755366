"""HTML views of the submissions: writing a period's report, reading it, reviewing it, its
files, the provider's reports page and the officer's review queue.

Thin: each view reads a form, calls ``contracts.submissions.services`` and renders or
redirects; a refusal re-renders with 422 (or 409), so the unit of work rolls back and nothing
is stored.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import uploads
from app.auth.login import role_required
from app.errors import DomainError
from app.forms import ConfirmForm, page_status
from app.unit_of_work import expect_revision
from app.uploads import read_upload
from app.users.models import Role
from contracts import EVERYONE, STAFF, bp
from contracts.labels import SUBMISSION_BADGES, SUBMISSION_EVENT_LABELS, SUBMISSION_STATUS_LABELS
from contracts.submissions import attachments, queue
from contracts.submissions import services as subs
from contracts.submissions.data import (
    FIELD_LABELS,
    NEEDY_CATEGORIES,
    RISKS,
    SCHOOL_STAGES,
    SEVERITIES,
    STAFF_ROLES,
    WARDS,
)
from contracts.submissions.forms import ReviewForm, report_form, shown_revision
from contracts.visibility import get_visible_contract
from contracts.web import paginate, show_refusal, undo_refused

QUEUE_PREVIEW = 10


@bp.app_context_processor
def _submission_helpers() -> dict:
    return {
        "SUBMISSION_STATUS_LABELS": SUBMISSION_STATUS_LABELS,
        "SUBMISSION_BADGES": SUBMISSION_BADGES,
        "SUBMISSION_EVENT_LABELS": SUBMISSION_EVENT_LABELS,
        "REPORT_LABELS": {"fields": FIELD_LABELS, "needy": NEEDY_CATEGORIES, "occupancy": WARDS,
                          "staff": STAFF_ROLES, "risks": RISKS, "severities": SEVERITIES,
                          "school_stages": SCHOOL_STAGES},
        "report_schedule": lambda contract: subs.contract_schedule(contract,
                                                                   viewer=current_user),
        "report_overview": lambda: subs.provider_overview(current_user),
        "review_queue_preview": lambda limit=QUEUE_PREVIEW: subs.review_queue(current_user,
                                                                              limit),
        "may_write_reports": lambda contract: subs.may_edit(current_user, contract),
    }


# ---- writing a report -----------------------------------------------------------------------

def _edit_page(contract, period, submission, form, status: int = 200):
    form.pad_rows()
    return render_template("contracts/submission_form.html", contract=contract, period=period,
                           submission=submission, form=form,
                           delete_form=ConfirmForm(formdata=None)), status


@bp.route("/contracts/<int:contract_id>/reports/<period>", methods=["GET", "POST"])
@role_required(Role.PROVIDER)
def submission_edit(contract_id: int, period: str):
    contract = get_visible_contract(current_user, contract_id)
    try:
        found = subs.require_period(contract, period)
    except DomainError:
        abort(404)
    submission = subs.get_submission(contract, found.key)
    if submission is not None and submission.status not in subs.EDITABLE:
        return redirect(url_for(".submission", submission_id=submission.id))
    form = report_form(contract, submission)
    if not form.validate_on_submit():
        return _edit_page(contract, found, submission, form, page_status(form))
    try:
        submission = subs.save_draft(contract, found.key, form.cleaned, actor=current_user,
                                     revision=form.revision.data)
        for upload in form.uploads():
            attachments.add_attachment(submission, filename=upload.filename,
                                data=read_upload(upload.stream), uploader=current_user)
        if form.is_submit:
            subs.submit_report(contract, found.key, form.cleaned, actor=current_user)
    except DomainError as error:
        undo_refused()
        form.apply_error(error)
        submission = subs.get_submission(contract, found.key)
        # sent again, the page saves over the report as it is now stored
        form.revision.data = shown_revision(submission)
        return _edit_page(contract, found, submission, form, error.status)
    if form.is_submit:
        flash(_("The report for %(period)s was submitted.", period=found.key), "success")
        return redirect(url_for(".submission", submission_id=submission.id))
    flash(_("The draft was saved."), "success")
    return redirect(url_for(".submission_edit", contract_id=contract.id, period=found.key))


# ---- reading and reviewing ------------------------------------------------------------------

def _submission_page(submission, review_form=None, status: int = 200):
    contract = submission.contract
    return render_template(
        "contracts/submission_detail.html", submission=submission, contract=contract,
        period=subs.period_of(contract, submission.period),
        can_edit=subs.may_edit(current_user, contract) and submission.status in subs.EDITABLE,
        can_review=submission.waiting and subs.may_review(current_user, submission),
        review_form=review_form or ReviewForm(formdata=None, revision=submission.revision)), status


@bp.route("/submissions/<int:submission_id>")
@role_required(*EVERYONE)
def submission(submission_id: int):
    return _submission_page(subs.get_visible_submission(current_user, submission_id))


@bp.route("/submissions/<int:submission_id>/review", methods=["POST"])
@role_required(*STAFF)
def submission_review(submission_id: int):
    submission = subs.get_visible_submission(current_user, submission_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _submission_page(submission, form, 422)
    try:
        expect_revision(submission, form.revision.data)
        subs.review_submission(submission, form.decision.data, form.comment.data,
                               actor=current_user)
    except DomainError as error:
        show_refusal(form, error, revisioned=submission)
        return _submission_page(submission, form, error.status)
    flash(_("The report was approved.") if form.decision.data == "approved"
          else _("The report was returned to the provider."), "success")
    return redirect(url_for(".submission", submission_id=submission.id))


# ---- files ----------------------------------------------------------------------------------

@bp.get("/submission-files/<int:attachment_id>")
@login_required
def submission_file(attachment_id: int):
    attachment = attachments.get_visible_attachment(current_user, attachment_id)
    return uploads.send(attachments.AREA, attachment.stored_name, mimetype=attachment.content_type,
                        download_name=attachment.filename)


@bp.post("/submission-files/<int:attachment_id>/delete")
@role_required(Role.PROVIDER)
def submission_file_delete(attachment_id: int):
    attachment = attachments.get_visible_attachment(current_user, attachment_id)
    submission = attachment.submission
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = attachment.filename
    try:
        attachments.delete_attachment(attachment, actor=current_user)
    except DomainError as error:
        undo_refused()
        flash(error.message, "danger")
    else:
        flash(_("%(name)s was removed.", name=name), "success")
    return redirect(url_for(".submission_edit", contract_id=submission.contract_id,
                            period=submission.period), 303)


# ---- the provider's and the officer's lists ---------------------------------------------------

@bp.route("/my-reports")
@role_required(Role.PROVIDER)
def my_reports():
    return render_template("contracts/submission_home.html",
                           overview=subs.provider_overview(current_user))


@bp.route("/review-queue")
@role_required(*STAFF)
def review_queue():
    filters = queue.QueueFilters.from_args(request.args)
    page = paginate(queue.filtered_queue_stmt(current_user, filters))
    return render_template("contracts/submission_queue.html", page=page, filters=filters,
                           counties=queue.county_options(current_user),
                           periods=queue.period_options(current_user))
