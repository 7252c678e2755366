"""The scheduler's job store outlives an outage inside APScheduler's loop, which lets a failed
read of the next run time or a failed update of a job end its thread."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler

from app.scheduler.store import RETRY, OutageTolerantJobStore

#: a PostgreSQL nobody listens to: every connection is refused, as during an outage
DOWN = "postgresql+psycopg://postgres@127.0.0.1:1/none"


def tick() -> None:
    """A job's callable (module-level, so that the job can be stored)."""


def _job():
    scheduler = BackgroundScheduler(timezone=UTC)
    return scheduler.add_job(tick, "interval", seconds=60, id="tick", coalesce=True,
                             misfire_grace_time=600, max_instances=1,
                             next_run_time=datetime.now(UTC))


def test_a_database_gone_between_two_reads_only_brings_the_next_look_closer():
    store = OutageTolerantJobStore(engine=sa.create_engine(DOWN))
    before = datetime.now(UTC)
    wake = store.get_next_run_time()
    assert before + RETRY <= wake <= datetime.now(UTC) + RETRY
    store.update_job(_job())  # not stored, and no exception to end the loop's thread


def test_an_error_that_is_no_outage_still_raises(tmp_path):
    store = OutageTolerantJobStore(engine=sa.create_engine(f"sqlite:///{tmp_path / 'x.db'}"))
    with pytest.raises(sa.exc.OperationalError, match="no such table"):
        store.get_next_run_time()
    with pytest.raises(sa.exc.OperationalError, match="no such table"):
        store.update_job(_job())
