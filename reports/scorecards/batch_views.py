"""Pages for the campaign scorecard ZIP: start it, watch its progress, download it."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, jsonify, redirect, render_template, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from app.auth.login import role_required
from app.extensions import db
from app.users.models import Role
from evaluations.campaigns.services import get_visible_campaign
from reports import bp
from reports.scorecards.batch import batch_path, queue_campaign_batch
from reports.scorecards.models import ScorecardBatch
from reports.scorecards.services import viewer_language

STAFF = (Role.OFFICER, Role.ADMIN)


def _visible_batch(batch_id: int) -> ScorecardBatch:
    batch = db.get_or_404(ScorecardBatch, batch_id)
    get_visible_campaign(current_user, batch.campaign_id)  # 404 unless the campaign is seen
    return batch


@bp.route("/campaigns/<int:campaign_id>/scorecards", methods=["GET", "POST"])
@role_required(*STAFF)
def campaign_scorecards(campaign_id: int):
    campaign = get_visible_campaign(current_user, campaign_id)
    form = FlaskForm()
    if form.validate_on_submit():
        batch = queue_campaign_batch(campaign, current_user, viewer_language())
        return redirect(url_for(".batch", batch_id=batch.id))
    batches = db.session.scalars(sa.select(ScorecardBatch)
                                 .where(ScorecardBatch.campaign_id == campaign.id)
                                 .order_by(ScorecardBatch.id.desc()).limit(10)).all()
    return render_template("reports/campaign_scorecards.html", campaign=campaign, form=form,
                           batches=batches)


@bp.route("/batches/<int:batch_id>")
@role_required(*STAFF)
def batch(batch_id: int):
    return render_template("reports/batch.html", batch=_visible_batch(batch_id))


@bp.route("/batches/<int:batch_id>/status")
@role_required(*STAFF)
def batch_status(batch_id: int):
    batch = _visible_batch(batch_id)
    ready = batch_path(batch) is not None
    return jsonify(status=batch.status.value, done=batch.done, total=batch.total,
                   error=batch.error or None,
                   download_url=url_for(".batch_download", batch_id=batch.id) if ready else None)


@bp.route("/batches/<int:batch_id>/download")
@role_required(*STAFF)
def batch_download(batch_id: int):
    path = batch_path(_visible_batch(batch_id))
    if path is None:
        abort(404)
    return send_file(path, mimetype="application/zip", as_attachment=True,
                     download_name=path.name)
