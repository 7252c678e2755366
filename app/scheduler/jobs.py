"""Housekeeping jobs of the core."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app import clock
from app.auth.models import LoginAttempt
from app.extensions import db
from app.scheduler.registry import register_job

LOGIN_ATTEMPTS_KEPT = timedelta(days=30)


def prune_old_login_attempts() -> str:
    cutoff = clock.now() - LOGIN_ATTEMPTS_KEPT
    deleted = db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.at < cutoff)).rowcount
    db.session.commit()
    return f"{deleted} login attempt(s) deleted"


register_job("core.prune_old_login_attempts", "app.scheduler.jobs:prune_old_login_attempts",
             {"trigger": "cron", "hour": 3, "minute": 17},
             description=_l("Delete login attempts older than 30 days"))
