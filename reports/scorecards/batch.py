"""Every scorecard of a campaign in one ZIP, built outside the request that asks for it.

The web request only queues a :class:`ScorecardBatch` row; once that row is committed a
background thread of the same process builds the ZIP under ``INSTANCE_DIR/exports`` and
commits its progress every few cards, so that the page can poll a status endpoint (served by
any worker: the progress is in the database). The command line builds the same ZIP in the
foreground with a progress bar.
"""

from __future__ import annotations

import logging
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import force_locale

from app import clock
from app.extensions import db
from app.scoping import one_visible
from app.unit_of_work import after_commit
from app.users.models import User
from evaluations.campaigns.models import Campaign
from evaluations.campaigns.services import get_visible_campaign
from evaluations.inspections.models import Inspection, InspectionStatus
from reports.scorecards.data import city_section_means
from reports.scorecards.models import BatchStatus, ScorecardBatch
from reports.scorecards.services import inspection_scorecard_pdf, scorecard_filename

log = logging.getLogger(__name__)
PROGRESS_EVERY = 5
#: only inspections with a result have a scorecard worth printing
SCORED = (InspectionStatus.SUBMITTED, InspectionStatus.FINALIZED)


def exports_dir() -> Path:
    path = Path(current_app.config["INSTANCE_DIR"]) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def campaign_inspection_ids(campaign: Campaign) -> list[int]:
    return list(db.session.scalars(
        sa.select(Inspection.id).where(Inspection.campaign_id == campaign.id,
                                       Inspection.status.in_(SCORED))
        .order_by(Inspection.id)))


def write_campaign_zip(campaign: Campaign, out: Path,
                       on_progress: Callable[[int, int], None] | None = None) -> int:
    """Write the scorecards of ``campaign`` into the ZIP ``out``; returns how many."""
    ids = campaign_inspection_ids(campaign)
    means = city_section_means(campaign.template_id)
    tmp = out.with_suffix(".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as archive:
        # PDFs are compressed already; storing them keeps the batch fast
        for done, inspection_id in enumerate(ids, start=1):
            inspection = db.session.get(Inspection, inspection_id)
            archive.writestr(scorecard_filename(inspection),
                             inspection_scorecard_pdf(inspection, city_means=means))
            db.session.expunge_all()  # bounded memory over a thousand cards
            if on_progress:
                on_progress(done, len(ids))
    tmp.replace(out)
    return len(ids)


def queue_campaign_batch(campaign: Campaign, actor: User, locale: str) -> ScorecardBatch:
    """Queue the ZIP of a campaign; the build starts once this transaction commits."""
    batch = ScorecardBatch(campaign_id=campaign.id, requested_by_id=actor.id, locale=locale,
                           total=len(campaign_inspection_ids(campaign)))
    db.session.add(batch)
    db.session.flush()
    app = current_app._get_current_object()
    batch_id = batch.id
    after_commit(lambda: start_in_background(app, batch_id))
    return batch


def recent_batches(campaign: Campaign, limit: int = 10) -> list[ScorecardBatch]:
    """The campaign's latest batches, newest first."""
    return list(db.session.scalars(sa.select(ScorecardBatch)
                                   .where(ScorecardBatch.campaign_id == campaign.id)
                                   .order_by(ScorecardBatch.id.desc()).limit(limit)))


def get_visible_batch(user: User, batch_id: int) -> ScorecardBatch:
    """The batch, if ``user`` may see its campaign; otherwise not found."""
    batch = one_visible(sa.select(ScorecardBatch), ScorecardBatch.id, batch_id)
    get_visible_campaign(user, batch.campaign_id)
    return batch


def start_in_background(app: Flask, batch_id: int) -> threading.Thread:
    thread = threading.Thread(target=run_batch, args=(app, batch_id), daemon=True,
                              name=f"scorecard-batch-{batch_id}")
    thread.start()
    return thread


def run_batch(app: Flask, batch_id: int) -> None:
    """Build one queued batch; every failure ends up on the row, never in the void."""
    with app.app_context():
        batch = db.session.get(ScorecardBatch, batch_id)
        if batch is None or batch.status is not BatchStatus.QUEUED:
            return
        batch.status = BatchStatus.RUNNING
        db.session.commit()
        out = exports_dir() / f"campaign-{batch.campaign_id}-batch-{batch.id}.zip"

        def progress(done: int, total: int) -> None:
            if done % PROGRESS_EVERY == 0 or done == total:
                db.session.execute(sa.update(ScorecardBatch)
                                   .where(ScorecardBatch.id == batch_id)
                                   .values(done=done, total=total))
                db.session.commit()

        try:
            campaign = db.session.get(Campaign, batch.campaign_id)
            with force_locale(batch.locale):
                total = write_campaign_zip(campaign, out, progress)
        except Exception as error:  # noqa: BLE001 - recorded on the row for the user to see
            log.exception("scorecard batch %s failed", batch_id)
            db.session.rollback()
            db.session.execute(sa.update(ScorecardBatch).where(ScorecardBatch.id == batch_id)
                               .values(status=BatchStatus.FAILED, error=str(error)[:500],
                                       finished_at=clock.now()))
        else:
            db.session.execute(sa.update(ScorecardBatch).where(ScorecardBatch.id == batch_id)
                               .values(status=BatchStatus.DONE, done=total, total=total,
                                       file_name=out.name, finished_at=clock.now()))
        db.session.commit()


def batch_path(batch: ScorecardBatch) -> Path | None:
    if batch.status is not BatchStatus.DONE or not batch.file_name:
        return None
    path = exports_dir() / batch.file_name
    return path if path.is_file() else None
