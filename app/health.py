"""Health endpoints for load balancers and orchestrators, without login and cheap:
``/healthz`` says the process answers; ``/readyz`` that the database answers and its schema is
the newest migration (a worker on an old or unmigrated database is not ready)."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app

from app.extensions import db

bp = Blueprint("health", __name__)


@cache
def newest_migration(directory: str) -> str | None:
    """The head revision of the migrations shipped with this code (read once per process)."""
    config = AlembicConfig()
    config.set_main_option("script_location", directory)
    return ScriptDirectory.from_config(config).get_current_head()


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    expected = newest_migration(current_app.config["MIGRATIONS_DIR"])
    try:
        schema = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "schema": None, "expected": expected}, 503
    if schema != expected:
        return {"status": "migrating", "schema": schema, "expected": expected}, 503
    return {"status": "ready", "schema": schema}
