"""A bound on each statement of a web request (PostgreSQL), and the page that says it was hit.

Without one, a statement that runs away (a search over millions of answers on a cold cache, a
lock held by a long import) keeps its gunicorn worker until gunicorn kills it at its own
``timeout``: the user sees the proxy's 502, and the server goes on running the statement for a
client that is gone. With ``WEB_STATEMENT_TIMEOUT_SECONDS`` set (``gunicorn.conf.py`` sets it
for its workers, a little under their ``timeout``), PostgreSQL cancels the statement itself
(SQLSTATE ``57014``); the request's unit of work rolls back, and the user is told that nothing
was saved and what to do, in the same 503 shape as an outage (:mod:`app.outage`), though it is
none: the database answered, and the worker goes on serving.

The scheduler and the worker processes are not bounded: a nightly recount or an import may
rightly run a statement for minutes.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from app.extensions import db

#: what PostgreSQL says of a statement it cancelled (a statement timeout, or a cancel request)
QUERY_CANCELED = "57014"


def init_app(app: Flask) -> None:
    seconds = float(app.config.get("WEB_STATEMENT_TIMEOUT_SECONDS") or 0)
    if seconds <= 0:
        return
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        return  # SQLite has no statement timeout; its lock waits have the busy timeout
    milliseconds = max(1, round(seconds * 1000))

    @sa.event.listens_for(engine, "connect")
    def _bound(dbapi_connection, _record) -> None:
        # Outside a transaction: a SET inside one is undone when the pool rolls it back.
        autocommit, dbapi_connection.autocommit = dbapi_connection.autocommit, True
        try:
            dbapi_connection.execute(f"SET statement_timeout = {milliseconds}")
        finally:
            dbapi_connection.autocommit = autocommit


def timed_out(error: BaseException | None) -> bool:
    """Whether ``error`` is a statement PostgreSQL cancelled for taking too long."""
    return getattr(getattr(error, "orig", None), "sqlstate", None) == QUERY_CANCELED
