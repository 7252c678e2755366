"""HTML pages of household-survey records: upload (a large file's import by a worker with its
progress), list, progress, full ID view, anomalies.

The row errors of the last refused upload are kept for their .xlsx download as a small file
under ``instance/household_import_errors/<user>-<contract>.xlsx`` (rendered in the user's
language when the upload is refused), overwritten by the next refusal.
"""

from __future__ import annotations

import io
from pathlib import Path

import sqlalchemy.orm as so
from flask import (
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
from flask_login import current_user, login_required

from app.auth.login import role_required
from app.errors import DomainError
from app.spreadsheets import XLSX_MIMETYPE
from app.template_helpers import ui_language
from contracts import STAFF, bp
from contracts.households import anomalies, findings, queued, records
from contracts.households import services as households
from contracts.households.checks import MAX_ERRORS
from contracts.households.error_table import errors_xlsx
from contracts.households.files import LABELS
from contracts.households.forms import HouseholdUploadForm
from contracts.households.models import HouseholdRecord, HouseholdUpload
from contracts.households.queued import UPLOAD_STATUS_LABELS
from contracts.households.template import build_template
from contracts.labels import ANOMALY_LABELS, RECOMMENDATION_LABELS
from contracts.listing import region_options
from contracts.models import ServiceType
from contracts.visibility import get_visible_contract
from contracts.web import paginate, show_refusal

SHOWN_ERRORS = 200


def household_contract(contract_id: int):
    """The household-survey contract the current user may see, else 404."""
    contract = get_visible_contract(current_user, contract_id)
    if contract.service_type is not ServiceType.HOUSEHOLD_SURVEY:
        abort(404)
    return contract


def _errors_path(contract_id: int) -> Path:
    folder = Path(current_app.instance_path) / "household_import_errors"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{current_user.id}-{contract_id}.xlsx"


def _filters() -> dict:
    args = request.args
    return {key: args.get(key) or None
            for key in ("period", "recommendation", "surveyor", "anomaly", "q")} | {
        "township": args.get("township", type=int)}


@bp.app_context_processor
def _household_helpers() -> dict:
    return {"mask_id": households.mask_id, "RECOMMENDATION_LABELS": RECOMMENDATION_LABELS,
            "ANOMALY_LABELS": ANOMALY_LABELS, "FIELD_LABELS": LABELS}


@bp.get("/contracts/<int:contract_id>/households")
@login_required
def households_list(contract_id: int):
    contract = household_contract(contract_id)
    stmt = records.records_stmt(contract, **_filters())
    if request.args.get("format") == "xlsx":
        data = records.export_records(contract, stmt, current_user)
        return send_file(io.BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True,
                         download_name=f"{contract.number}-households.xlsx", max_age=0)
    page = paginate(stmt.options(so.joinedload(HouseholdRecord.region)))
    return _list_page(contract, page, HouseholdUploadForm())


def _records_page(contract):
    return paginate(records.records_stmt(contract, **_filters()))


def _list_page(contract, page, form, status: int = 200, **extra):
    return render_template(
        "contracts/household_list.html", contract=contract, page=page, form=form,
        uploads=queued.recent_uploads(contract), UPLOAD_STATUS_LABELS=UPLOAD_STATUS_LABELS,
        flags=anomalies.flag_details(page.items, current_user) if page else {},
        periods=records.contract_periods(contract), townships=records.townships(contract),
        may_import=households.may_import(current_user, contract),
        full_ids=households.may_view_full_ids(current_user), **extra), status


@bp.post("/contracts/<int:contract_id>/households/import")
@login_required
def households_import(contract_id: int):
    contract = household_contract(contract_id)
    form = HouseholdUploadForm()
    # a refused file leaves the stored records as they were: the page keeps showing them
    if not form.validate_on_submit():
        return _list_page(contract, _records_page(contract), form, 422)
    upload = form.file.data
    try:
        batch = queued.import_or_queue(contract, upload.read(), upload.filename or "",
                                       current_user, ui_language())
    except households.HouseholdImportError as error:
        _errors_path(contract.id).write_bytes(errors_xlsx(error.errors))
        return _list_page(contract, _records_page(contract), form, 422, import_error=error,
                          shown_errors=error.errors[:SHOWN_ERRORS], max_errors=MAX_ERRORS)
    except DomainError as error:
        show_refusal(form, error)
        return _list_page(contract, _records_page(contract), form, error.status)
    if isinstance(batch, HouseholdUpload):
        flash(_("%(name)s has %(n)d rows: it is imported in the background. This page shows "
                "how far it has got; you may leave it.", name=batch.filename,
                n=batch.rows_total), "info")
        return redirect(url_for(".household_upload", upload_id=batch.id), 303)
    flash(_("%(n)d household records were imported from %(name)s.", n=batch.rows,
            name=batch.filename), "success")
    return redirect(url_for(".households_list", contract_id=contract.id), 303)


# ---- a large file imported by a worker: its progress, its outcome, its errors ----------------

@bp.get("/households/uploads/<int:upload_id>")
@login_required
def household_upload(upload_id: int):
    upload = queued.get_visible_upload(current_user, upload_id)
    return render_template("contracts/household_upload.html", upload=upload,
                           errors=queued.upload_errors(upload)[:SHOWN_ERRORS],
                           UPLOAD_STATUS_LABELS=UPLOAD_STATUS_LABELS)


@bp.get("/households/uploads/<int:upload_id>/status")
@login_required
def household_upload_status(upload_id: int):
    upload = queued.get_visible_upload(current_user, upload_id)
    errors_url = (url_for(".household_upload_errors", upload_id=upload.id)
                  if upload.errors else None)
    return jsonify(status=upload.status.value,
                   status_label=str(UPLOAD_STATUS_LABELS[upload.status]),
                   done=upload.rows_checked, total=upload.rows_total,
                   error=upload.message or None, download_url=errors_url)


@bp.get("/households/uploads/<int:upload_id>/errors.xlsx")
@login_required
def household_upload_errors(upload_id: int):
    upload = queued.get_visible_upload(current_user, upload_id)
    if not upload.errors:
        abort(404)
    return send_file(io.BytesIO(errors_xlsx(queued.upload_errors(upload))),
                     mimetype=XLSX_MIMETYPE, as_attachment=True, max_age=0,
                     download_name=f"{upload.contract.number}-errors.xlsx")


@bp.get("/contracts/<int:contract_id>/households/import-errors.xlsx")
@login_required
def households_import_errors(contract_id: int):
    contract = household_contract(contract_id)
    path = _errors_path(contract.id)
    if not path.exists():
        abort(404)
    return send_file(io.BytesIO(path.read_bytes()), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=f"{contract.number}-errors.xlsx", max_age=0)


@bp.get("/contracts/<int:contract_id>/households/template.xlsx")
@login_required
def households_template(contract_id: int):
    household_contract(contract_id)
    return send_file(io.BytesIO(build_template()), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name="household-records-template.xlsx", max_age=0)


@bp.get("/contracts/<int:contract_id>/households/progress")
@login_required
def households_progress(contract_id: int):
    contract = household_contract(contract_id)
    return render_template("contracts/household_progress.html", contract=contract,
                           progress=records.progress(contract),
                           rate=findings.agreement_rate(contract, user=current_user))


@bp.post("/households/<int:record_id>/full-id")
@role_required(*STAFF)
def household_full_id(record_id: int):
    record = records.get_visible_record(current_user, record_id)
    if not households.may_view_full_ids(current_user):
        abort(403)
    number = households.full_id(record, current_user)
    return render_template("contracts/household_full_id.html", record=record, number=number)


@bp.get("/households/anomalies")
@role_required(*STAFF)
def household_anomalies():
    stmt = anomalies.anomalies_stmt(current_user, kind=request.args.get("kind") or None,
                                    contract_id=request.args.get("contract", type=int),
                                    county=request.args.get("county") or None)
    page = paginate(stmt)
    page.items = anomalies.records_by_id(page.items)
    return render_template("contracts/household_anomalies.html", page=page,
                           flags=anomalies.flag_details(page.items, current_user),
                           counties=[r for r in region_options(current_user)
                                     if r.level.value == "county"],
                           daily_max=anomalies.surveyor_daily_max(),
                           far_below=anomalies.far_below_percent())
