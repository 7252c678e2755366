"""The test database's schema as a whole: dropped entirely before and after the run, and by the
migration tests, which build it with the migrations and hand back the models' schema."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask_migrate import downgrade, stamp

from app.extensions import db


def drop_schema() -> None:
    """Every table gone: the models', the migrations' version and the scheduler's jobs."""
    db.session.rollback()
    db.session.close()
    db.drop_all()
    with db.engine.begin() as conn:
        for table in ("alembic_version", "apscheduler_jobs"):
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table}"))


@contextmanager
def downgraded(revision: str) -> Iterator[None]:
    """The test database, data kept, taken down by the migrations to ``revision`` (for the test
    to upgrade it); afterwards the models' schema again, empty."""
    db.session.remove()
    try:
        stamp()  # the test schema is the models', which is what the migrations build
        downgrade(revision=revision)
        yield
    finally:
        db.session.remove()
        drop_schema()
        db.create_all()
