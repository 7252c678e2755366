"""One unit of work per request: commit once at the boundary, roll back on any error.

Services only ``flush()``. A response below 400 commits; anything else (a re-rendered form with
errors answers 422, an API error, an exception's 500) rolls back, so bad input changes nothing.
Side effects such as e-mail are queued with :func:`after_commit` and run only once the data
they speak of is really stored.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, Response, g

from app.extensions import db

_PENDING = "careprocure.after_commit"


def after_commit(callback: Callable[[], None], session: so.Session | None = None) -> None:
    """Run ``callback`` after the current transaction commits; forget it on rollback."""
    session = session or db.session()
    session.info.setdefault(_PENDING, []).append(callback)


def _run_pending(session: so.Session) -> None:
    for callback in session.info.pop(_PENDING, []):
        callback()


def _drop_pending(session: so.Session, *_: object) -> None:
    session.info.pop(_PENDING, None)


def keep_despite_error() -> None:
    """Commit this request's work even though it answers with an error.

    For records that must outlive the refusal they belong to, such as a failed login that
    counts towards throttling.
    """
    g.uow_keep = True


def _commit_or_rollback(response: Response) -> Response:
    if response.status_code < 400 or g.pop("uow_keep", False):
        db.session.commit()
    else:
        db.session.rollback()
    return response


def _rollback_on_exception(exc: BaseException | None) -> None:
    if exc is not None:
        db.session.rollback()


def init_app(app: Flask) -> None:
    app.after_request(_commit_or_rollback)
    app.teardown_request(_rollback_on_exception)
    if not sa.event.contains(so.Session, "after_commit", _run_pending):
        sa.event.listen(so.Session, "after_commit", _run_pending)
        sa.event.listen(so.Session, "after_rollback", _drop_pending)
