"""Every scorecard of a campaign in one ZIP, built by a worker process (``flask worker run``)
from a queued task, never in a web worker.

The request queues a :class:`ScorecardBatch` row and its task in one commit. The worker renders
each card into a file of its own under ``UPLOAD_DIR/scorecard_batches/batch-<id>/`` (written
whole, then renamed) and commits the count after each, so a batch interrupted anywhere (a
restart, a kill -9) resumes at the first card without a file: no card is rendered or packed
twice. At the end the ZIP is packed from those files, next to them under UPLOAD_DIR (shared by
every web server, unlike one worker's temporary folder), and the cards are removed. The page
polls a status endpoint that any web worker answers from the row; the ZIP is sent only to users
who may see the campaign. The command line builds the same ZIP in the foreground.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import sqlalchemy as sa
from flask_babel import force_locale

from app import clock, uploads
from app.extensions import db
from app.scoping import one_visible
from app.unit_of_work import after_commit, hold_key
from app.users.models import User
from app.worker.queue import enqueue, set_on_row
from app.worker.registry import register_task
from evaluations.campaigns.models import Campaign
from evaluations.campaigns.services import get_visible_campaign
from evaluations.inspections.models import Inspection, InspectionStatus
from reports.background import BatchStatus
from reports.scorecards.means import city_section_means
from reports.scorecards.models import ScorecardBatch
from reports.scorecards.services import inspection_scorecard_pdf, scorecard_filename

#: the folder under UPLOAD_DIR holding the ZIPs and, while a batch is built, its cards
AREA = ScorecardBatch.FILE_AREA
TASK = "reports.campaign_scorecards"
#: only inspections with a result have a scorecard worth printing
SCORED = (InspectionStatus.SUBMITTED, InspectionStatus.FINALIZED)


def campaign_inspection_ids(campaign: Campaign) -> list[int]:
    return list(db.session.scalars(
        sa.select(Inspection.id).where(Inspection.campaign_id == campaign.id,
                                       Inspection.status.in_(SCORED))
        .order_by(Inspection.id)))


def card_pdf(inspection: Inspection, means: dict[int, Decimal]) -> bytes:
    """One card of a batch (its own function: the step a batch resumes at)."""
    return inspection_scorecard_pdf(inspection, city_means=means)


def write_campaign_zip(campaign: Campaign, out: Path,
                       on_progress: Callable[[int, int], None] | None = None) -> int:
    """Write the scorecards of ``campaign`` into the ZIP ``out`` at once; returns how many."""
    ids = campaign_inspection_ids(campaign)
    means = city_section_means(campaign.template_id)
    with uploads.written_whole(out) as tmp, \
            zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as archive:
        # PDFs are compressed already; storing them keeps the batch fast
        for done, inspection_id in enumerate(ids, start=1):
            inspection = db.session.get(Inspection, inspection_id)
            archive.writestr(scorecard_filename(inspection), card_pdf(inspection, means))
            db.session.expunge_all()  # bounded memory over a thousand cards
            if on_progress:
                on_progress(done, len(ids))
    return len(ids)


# ---- the queued batch -------------------------------------------------------------------------

def queue_campaign_batch(campaign: Campaign, actor: User, locale: str) -> ScorecardBatch:
    """Queue the ZIP of a campaign; a worker builds it once this transaction commits. One
    not started yet is the same ZIP (it reads the cards when it runs): asked again (a double
    click, a colleague), it is that one, not the campaign's cards rendered twice."""
    # the same request at the same instant waits for this one's commit, then finds its batch
    hold_key("scorecard_batch", str(campaign.id))
    waiting = db.session.scalar(sa.select(ScorecardBatch).where(
        ScorecardBatch.campaign_id == campaign.id, ScorecardBatch.locale == locale,
        ScorecardBatch.status == BatchStatus.QUEUED).order_by(ScorecardBatch.id).limit(1))
    if waiting is not None:
        return waiting
    batch = ScorecardBatch(campaign_id=campaign.id, requested_by_id=actor.id, locale=locale,
                           total=len(campaign_inspection_ids(campaign)))
    db.session.add(batch)
    db.session.flush()
    enqueue(TASK, batch.id)
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


def cards_folder(batch_id: int) -> Path:
    return uploads.folder(AREA) / f"batch-{batch_id}"


def _card_path(folder: Path, inspection_id: int) -> Path:
    return folder / f"{inspection_id}.pdf"


def build_batch(work) -> str:
    """The worker's task: render the cards not yet rendered, then pack the ZIP (left
    uncommitted: the worker commits it with the task's end)."""
    batch = db.session.get(ScorecardBatch, work.ref_id)
    if batch is None or batch.has_ended:
        return "nothing to do"
    batch_id, locale, campaign_id = batch.id, batch.locale, batch.campaign_id
    campaign = db.session.get(Campaign, campaign_id)
    ids, template_id = campaign_inspection_ids(campaign), campaign.template_id
    folder = cards_folder(batch_id)
    folder.mkdir(parents=True, exist_ok=True)
    done = sum(1 for i in ids if _card_path(folder, i).exists())  # from an interrupted run
    work.confirm()
    set_on_row(ScorecardBatch, batch_id, status=BatchStatus.RUNNING, done=done, total=len(ids))
    db.session.commit()
    means = city_section_means(template_id)
    with force_locale(locale):
        for inspection_id in ids:
            path = _card_path(folder, inspection_id)
            if path.exists():
                continue
            work.check()
            with uploads.written_whole(path) as part:  # a card is there whole, or not at all
                part.write_bytes(card_pdf(db.session.get(Inspection, inspection_id), means))
            done += 1
            work.confirm()
            set_on_row(ScorecardBatch, batch_id, done=done)
            db.session.commit()
            db.session.expunge_all()  # bounded memory over a thousand cards
    work.check()
    out_name = f"campaign-{campaign_id}-batch-{batch_id}.zip"
    _pack(folder, ids, uploads.path_of(AREA, out_name))
    set_on_row(ScorecardBatch, batch_id, status=BatchStatus.DONE, done=len(ids), total=len(ids),
               file_name=out_name, finished_at=clock.now())
    after_commit(lambda: shutil.rmtree(folder, ignore_errors=True))
    return f"{len(ids)} scorecard(s) in {out_name}"


def _pack(folder: Path, ids: list[int], out: Path) -> None:
    codes = dict(db.session.execute(sa.select(Inspection.id, Inspection.verification_code)
                                    .where(Inspection.id.in_(ids))).all())
    # PDFs are compressed already; storing them keeps the packing fast
    with uploads.written_whole(out) as tmp, \
            zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as archive:
        for inspection_id in ids:
            name = scorecard_filename(SimpleNamespace(id=inspection_id,
                                                      verification_code=codes[inspection_id]))
            archive.write(_card_path(folder, inspection_id), arcname=name)


def batch_failed(batch_id: int, message: str) -> None:
    """The worker gave up on the batch: the page shows why; its cards go."""
    ScorecardBatch.mark_failed(batch_id, message)
    folder = cards_folder(batch_id)
    after_commit(lambda: shutil.rmtree(folder, ignore_errors=True))


register_task(TASK, build_batch, fail=batch_failed)
