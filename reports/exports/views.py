"""The Excel exports: a page of filters, three workbooks of results, the region code list."""

from __future__ import annotations

import io

from flask import Response, current_app, render_template, request, send_file
from flask_login import current_user, login_required

from app import clock
from app.auth.login import role_required
from app.errors import ValidationError
from app.spreadsheets import XLSX_MIMETYPE
from app.users.models import Role
from contracts.models import ServiceType
from evaluations.inspections.models import InspectionStatus
from reports import bp
from reports.exports import filters, regions
from reports.exports.inspection_workbooks import inspection_results_xlsx, item_answers_xlsx
from reports.exports.performance_workbook import performance_xlsx
from reports.exports.workbook import export_filename

PERFORMANCE_ROLES = (Role.OFFICER, Role.ADMIN, Role.PROVIDER)


def xlsx_response(body: bytes, filename: str) -> Response:
    response = send_file(io.BytesIO(body), mimetype=XLSX_MIMETYPE, as_attachment=True,
                         download_name=filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/exports")
@login_required
def exports():
    return _export_page()


def _export_page(refusal: ValidationError | None = None):
    """The filters' page; with ``refusal``, again with its message (422) and the filters kept."""
    page = render_template(
        "reports/export_index.html", args=request.args, refusal=refusal,
        templates=filters.template_choices(current_user),
        counties=filters.county_choices(current_user),
        statuses=list(InspectionStatus), service_types=list(ServiceType),
        year=clock.today().year, may_export_performance=current_user.role in PERFORMANCE_ROLES,
        max_inspections=current_app.config["EXPORT_MAX_INSPECTIONS"],
        max_answered=current_app.config["EXPORT_MAX_ANSWERED_INSPECTIONS"])
    return page, 200 if refusal is None else 422


@bp.route("/exports/inspections.xlsx")
@login_required
def export_inspections():
    f = filters.inspection_filter(current_user, request.args)
    try:
        filters.require_at_most(current_user, f, current_app.config["EXPORT_MAX_INSPECTIONS"])
    except ValidationError as refusal:
        return _export_page(refusal)
    return xlsx_response(inspection_results_xlsx(current_user, f),
                         export_filename("inspections"))


@bp.route("/exports/answers.xlsx")
@login_required
def export_answers():
    f = filters.inspection_filter(current_user, request.args)
    try:
        filters.require_at_most(current_user, f,
                                current_app.config["EXPORT_MAX_ANSWERED_INSPECTIONS"])
    except ValidationError as refusal:
        return _export_page(refusal)
    return xlsx_response(item_answers_xlsx(current_user, f), export_filename("answers"))


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
