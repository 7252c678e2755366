"""The Excel exports: a page of filters, three workbooks of results, the region code list."""

from __future__ import annotations

import io

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app import clock
from app.auth.login import role_required
from app.errors import ValidationError
from app.forms import Form
from app.spreadsheets import XLSX_MIMETYPE
from app.users.models import Role
from contracts.models import ServiceType
from evaluations.inspections.models import InspectionStatus
from reports import bp
from reports.background import BATCH_STATUS_LABELS
from reports.exports import filters, queued, regions
from reports.exports.performance_workbook import performance_xlsx
from reports.exports.workbook import export_filename
from reports.scorecards.services import viewer_language

PERFORMANCE_ROLES = (Role.OFFICER, Role.ADMIN, Role.PROVIDER)
EXPORT_KIND_LABELS = {"inspections": _l("Inspection results"), "answers": _l("Item answers")}


def xlsx_response(body: bytes, filename: str) -> Response:
    response = send_file(io.BytesIO(body), mimetype=XLSX_MIMETYPE, as_attachment=True,
                         download_name=filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/exports")
@login_required
def exports():
    return _export_page()


def _export_page(refusal: ValidationError | None = None, offer: dict | None = None):
    """The filters' page; with ``refusal``, again with its message (422) and the filters kept
    (from the query, or from the form that asked to queue); with ``offer``, the export too
    large to wait for and the button that queues it."""
    page = render_template(
        "reports/export_index.html", args=request.form if request.method == "POST" else
        request.args, refusal=refusal, offer=offer,
        form=Form(), jobs=queued.recent_exports(current_user),
        BATCH_STATUS_LABELS=BATCH_STATUS_LABELS, EXPORT_KIND_LABELS=EXPORT_KIND_LABELS,
        templates=filters.template_choices(current_user),
        counties=filters.county_choices(current_user),
        statuses=list(InspectionStatus), service_types=list(ServiceType),
        year=clock.today().year, may_export_performance=current_user.role in PERFORMANCE_ROLES,
        max_inspections=current_app.config["EXPORT_MAX_INSPECTIONS"],
        max_answered=current_app.config["EXPORT_MAX_ANSWERED_INSPECTIONS"])
    return page, 200 if refusal is None else 422


def _inspection_export(kind: str):
    """The workbook now, if it is small enough to wait for; else the page offering to build it
    in the background."""
    try:
        f, count = queued.matched(current_user, kind, request.args)
    except ValidationError as refusal:
        return _export_page(refusal)
    if not queued.built_while_waiting(kind, count):
        return _export_page(offer={"kind": kind, "count": count,
                                   "filters": queued.filter_fields(request.args)})
    return xlsx_response(queued.build_now(current_user, kind, f), export_filename(kind))


@bp.route("/exports/inspections.xlsx")
@login_required
def export_inspections():
    return _inspection_export("inspections")


@bp.route("/exports/answers.xlsx")
@login_required
def export_answers():
    return _inspection_export("answers")


@bp.route("/exports/queued", methods=["POST"])
@login_required
def queue_export():
    if not Form().validate_on_submit():
        abort(400)
    try:
        job = queued.queue_export(current_user, request.form.get("kind", ""), request.form,
                                  viewer_language())
    except ValidationError as refusal:
        return _export_page(refusal)
    flash(_("The export is queued: a worker builds it in the background."), "success")
    return redirect(url_for(".export_job", job_id=job.id))


@bp.route("/exports/queued/<int:job_id>")
@login_required
def export_job(job_id: int):
    return render_template("reports/export_job.html",
                           job=queued.get_own_export(current_user, job_id),
                           BATCH_STATUS_LABELS=BATCH_STATUS_LABELS,
                           EXPORT_KIND_LABELS=EXPORT_KIND_LABELS)


@bp.route("/exports/queued/<int:job_id>/status")
@login_required
def export_job_status(job_id: int):
    job = queued.get_own_export(current_user, job_id)
    ready = job.file_path() is not None
    return jsonify(job.progress(
        job.inspections if ready else 0, job.inspections,
        url_for(".export_job_download", job_id=job.id) if ready else None))


@bp.route("/exports/queued/<int:job_id>/download")
@login_required
def export_job_download(job_id: int):
    job = queued.get_own_export(current_user, job_id)
    path = job.file_path()
    if path is None:
        abort(404)
    response = send_file(path, mimetype=XLSX_MIMETYPE, as_attachment=True, max_age=0,
                         download_name=export_filename(job.kind))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/exports/performance.xlsx")
@role_required(*PERFORMANCE_ROLES)
def export_performance():
    f = filters.performance_filter(current_user, request.args)
    return xlsx_response(performance_xlsx(current_user, f),
                         export_filename("performance", f.period))


@bp.route("/regions.xlsx")
@login_required
def regions_xlsx():
    """The region codes a user works with, e.g. to fill a household-record file."""
    return Response(regions.regions_xlsx(current_user), mimetype=XLSX_MIMETYPE,
                    headers={"Content-Disposition": "attachment; filename=regions.xlsx"})
