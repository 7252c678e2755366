"""Pages of the scorecards: an inspection's PDF, its public verification, campaign ZIPs (built
by a worker process; their page polls the progress)."""

from __future__ import annotations

from flask import abort, jsonify, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required

from app.auth.login import role_required
from app.forms import Form
from app.users.models import Role
from evaluations.campaigns.services import get_visible_campaign
from evaluations.inspections.services import get_visible_inspection
from reports import bp
from reports.background import BATCH_STATUS_LABELS
from reports.scorecards.batch import (
    get_visible_batch,
    queue_campaign_batch,
    recent_batches,
)
from reports.scorecards.responses import pdf_response
from reports.scorecards.services import (
    card_by_code,
    card_is_current,
    inspection_by_code,
    inspection_scorecard_pdf,
    scorecard_filename,
    viewer_language,
)

STAFF = (Role.OFFICER, Role.ADMIN)


@bp.route("/inspections/<int:inspection_id>/scorecard.pdf")
@login_required
def inspection_scorecard(inspection_id: int):
    inspection = get_visible_inspection(current_user, inspection_id)
    return pdf_response(inspection_scorecard_pdf(inspection), scorecard_filename(inspection))


@bp.route("/verify/<code>")
def verify(code: str):
    """Anyone holding a printed scorecard (of an inspection, or of a contract's performance)
    can check that it is genuine and still current."""
    inspection = inspection_by_code(code)
    card = card_by_code(code) if inspection is None else None
    status = 404 if inspection is None and card is None else 200
    return render_template("reports/verify.html", code=code, inspection=inspection, card=card,
                           card_current=card is not None and card_is_current(card)), status


# ---- the campaign scorecard ZIP: start it, watch its progress, download it ---------------------

@bp.route("/campaigns/<int:campaign_id>/scorecards", methods=["GET", "POST"])
@role_required(*STAFF)
def campaign_scorecards(campaign_id: int):
    campaign = get_visible_campaign(current_user, campaign_id)
    form = Form()
    if form.validate_on_submit():
        batch = queue_campaign_batch(campaign, current_user, viewer_language())
        return redirect(url_for(".batch", batch_id=batch.id))
    return render_template("reports/campaign_scorecards.html", campaign=campaign, form=form,
                           batches=recent_batches(campaign),
                           BATCH_STATUS_LABELS=BATCH_STATUS_LABELS)


@bp.route("/batches/<int:batch_id>")
@role_required(*STAFF)
def batch(batch_id: int):
    return render_template("reports/batch.html", batch=get_visible_batch(current_user, batch_id),
                           BATCH_STATUS_LABELS=BATCH_STATUS_LABELS)


@bp.route("/batches/<int:batch_id>/status")
@role_required(*STAFF)
def batch_status(batch_id: int):
    batch = get_visible_batch(current_user, batch_id)
    ready = batch.file_path() is not None
    return jsonify(batch.progress(batch.done, batch.total,
                                  url_for(".batch_download", batch_id=batch.id) if ready else None))


@bp.route("/batches/<int:batch_id>/download")
@role_required(*STAFF)
def batch_download(batch_id: int):
    path = get_visible_batch(current_user, batch_id).file_path()
    if path is None:
        abort(404)
    response = send_file(path, mimetype="application/zip", as_attachment=True,
                         download_name=path.name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
