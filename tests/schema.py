"""The test database's schema as a whole: dropped entirely before and after the run, and by the
migration tests, which build it with the migrations and hand back the models' schema."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db


def drop_schema() -> None:
    """Every table gone: the models', the migrations' version and the scheduler's jobs."""
    db.session.rollback()
    db.session.close()
    db.drop_all()
    with db.engine.begin() as conn:
        for table in ("alembic_version", "apscheduler_jobs"):
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table}"))
