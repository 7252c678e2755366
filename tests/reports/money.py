"""Builders of the money tests: a home's operation contract with its reports on time, and its
inspections taken through the real services (filled, submitted, finalized)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from pypdf import PdfReader

from contracts.submissions.models import Submission, SubmissionStatus
from evaluations.inspections.services import finalize_inspection, submit_inspection
from tests.factories import fill_in, on

#: the warm-winter veto item: smoke detectors (一票否决) in "fire_facilities"
VETO = "smoke_detectors"


def reports_on_time(db, contract, months: int = 11) -> None:
    """Monthly reports for January.. of 2026, each submitted on the 5th of the next month."""
    for month in range(1, months + 1):
        at = datetime(2026, month + 1, 5, tzinfo=UTC)
        db.session.add(Submission(contract_id=contract.id, period=f"2026-{month:02d}",
                                  status=SubmissionStatus.APPROVED, data={}, submitted_at=at,
                                  first_submitted_at=at, late=False))
    db.session.commit()


def finalized(db, world, schedule, *, failed=(), day: date = date(2026, 11, 10)):
    """A warm-winter inspection of the world's home on ``day``: every item at its maximum but
    the yes/no items named in ``failed`` (answered no); submitted and finalized that day."""
    on(day)
    inspection = schedule(scheduled_for=day)
    fill_in(db, inspection, world,
            value=lambda item: False if item.key in failed else None)
    submit_inspection(inspection, actor=world.inspector)
    finalize_inspection(inspection, actor=world.officer)
    db.session.commit()
    return inspection


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
