"""Housekeeping jobs of the core."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app import clock
from app.auth.models import LoginAttempt, UserSession
from app.extensions import db
from app.scheduler.registry import register_job

LOGIN_ATTEMPTS_KEPT = timedelta(days=30)
#: the longest a browser session is honoured: a remember-me cookie lasts a year (Flask-Login's
#: default), and an older session still in use signs in again
SESSIONS_KEPT = timedelta(days=366)


def prune_old_login_attempts() -> str:
    cutoff = clock.now() - LOGIN_ATTEMPTS_KEPT
    deleted = db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.at < cutoff)).rowcount
    db.session.commit()
    return f"{deleted} login attempt(s) deleted"


register_job("core.prune_old_login_attempts", "app.scheduler.jobs:prune_old_login_attempts",
             {"trigger": "cron", "hour": 3, "minute": 17},
             description=_l("Delete login attempts older than 30 days"))


def prune_user_sessions() -> str:
    """A signed-out session's row is no longer needed to refuse its cookies (a key without an
    open row signs nobody in), nor is one older than any cookie that could carry it."""
    cutoff = clock.now() - SESSIONS_KEPT
    deleted = db.session.execute(sa.delete(UserSession).where(
        UserSession.ended_at.is_not(None) | (UserSession.created_at < cutoff))).rowcount
    db.session.commit()
    return f"{deleted} browser session(s) deleted"


register_job("core.prune_user_sessions", "app.scheduler.jobs:prune_user_sessions",
             {"trigger": "cron", "hour": 3, "minute": 23},
             description=_l("Delete signed-out browser sessions and those older than a year"))
