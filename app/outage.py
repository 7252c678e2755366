"""The database unavailable: what counts as an outage, the 503 both doors answer while it
lasts, and one log line when it starts and one when it ends instead of a traceback per request.

An outage is a connection that cannot be made or was lost (PostgreSQL stopped, restarting or
failing over; an SQLite file locked for longer than its busy timeout or unreadable), or a pool
with no connection free in time. Any other database error is not an outage and keeps its usual
answer. The request's unit of work has rolled back, so a 503 never acknowledges a write; the app
recovers by itself because the pool pings a connection before lending it (``pool_pre_ping``).

The scheduler and the worker use the same test and log through :data:`state`; they wait with
:class:`app.retry.Backoff`.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time

import psycopg
import sqlalchemy as sa
from flask import Flask, Response, current_app, jsonify, request, session
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.exceptions import InternalServerError

from app import error_pages, statement_timeout
from app.api.errors import error_body
from app.extensions import db

log = logging.getLogger(__name__)

#: seconds a client is told to wait (``Retry-After``) unless ``DB_RETRY_AFTER_SECONDS`` is set
RETRY_AFTER_SECONDS = 5
#: seconds PostgreSQL may take to accept a connection before the request gives up
CONNECT_TIMEOUT_SECONDS = 5

# What SQLite says when another process holds the file too long or the file is gone.
_SQLITE_OUTAGE = ("database is locked", "database table is locked", "unable to open database",
                  "disk i/o error", "database disk image is malformed")
_ERRORS = (sa.exc.DBAPIError, sa.exc.TimeoutError, sa.exc.PendingRollbackError)


def is_unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` means the database cannot be reached now (so: try again later)."""
    if isinstance(error, sa.exc.TimeoutError | sa.exc.PendingRollbackError):
        return True  # no pooled connection came free; a session's connection was lost earlier
    if not isinstance(error, sa.exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    orig = error.orig
    if isinstance(orig, psycopg.OperationalError | psycopg.InterfaceError):
        return _pg_outage(getattr(orig, "sqlstate", None))
    if isinstance(orig, sqlite3.OperationalError):
        text = str(orig).lower()
        return any(marker in text for marker in _SQLITE_OUTAGE)
    return False


def _pg_outage(sqlstate: str | None) -> bool:
    """Whether PostgreSQL's ``sqlstate`` says the server cannot serve now. No state: the client
    could not make or lost the connection. A statement the server refused on its own (cancelled
    by a statement timeout, a lock timeout, a deadlock, a program limit, a savepoint misused) is
    that statement's failure: taken for an outage, a queued task meeting it on every run was
    given back to the queue for ever, never counting its attempts."""
    if not sqlstate:
        return True
    return sqlstate[:2] in _PG_OUTAGE_CLASSES and sqlstate != statement_timeout.QUERY_CANCELED


#: a connection refused or broken (08), not authenticated (28), the server out of resources
#: (53), shutting down, restarting or its database gone (57), its system or files failing
#: (58), its configuration unreadable (F0)
_PG_OUTAGE_CLASSES = frozenset({"08", "28", "53", "57", "58", "F0"})


def first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__


class OutageState:
    """Whether this process is in an outage, since when, and how many calls it refused.

    One line is logged when an outage starts and one when a statement succeeds again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.since: float | None = None
        self.refused = 0
        self.outages = 0

    def failed(self, error: BaseException, what: str = "requests") -> None:
        with self._lock:
            self.refused += 1
            starting = self.since is None
            if starting:
                self.since = time.monotonic()
                self.outages += 1
        if starting:
            log.error("Database unavailable (%s); %s wait for it: %s", type(error).__name__,
                      what, first_line(error))

    def succeeded(self) -> None:
        if self.since is None:  # the usual case: no lock taken
            return
        with self._lock:
            if self.since is None:
                return
            seconds, refused = time.monotonic() - self.since, self.refused
            self.since, self.refused = None, 0
        log.warning("Database available again after %.1f s (%d call(s) refused meanwhile)",
                    seconds, refused)


#: the outage state of this process (a web worker, the scheduler, the worker)
state = OutageState()


def _statement_ran(*_args) -> None:
    state.succeeded()


class QuietOutage(logging.Filter):
    """Drops a logger's traceback of an outage error: :data:`state` logs the outage once
    (noting it there first when ``what`` names who met it)."""

    def __init__(self, what: str | None = None):
        super().__init__()
        self.what = what

    def __eq__(self, other: object) -> bool:
        return isinstance(other, QuietOutage) and other.what == self.what

    def __hash__(self) -> int:
        return hash((QuietOutage, self.what))

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if not is_unavailable(error):
            return True
        if self.what is not None:
            state.failed(error, self.what)
        return False


# ---- the web's answer --------------------------------------------------------------------------

def _language() -> str:
    """The page's language without the database: the session's choice, else the browser's."""
    languages = current_app.config["LANGUAGES"]
    if session.get("locale") in languages:
        return session["locale"]
    best = request.accept_languages.best_match(languages + ("zh", "zh-CN", "en-US"))
    if best:
        return "zh_CN" if best.lower().startswith("zh") else "en"
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def unavailable_response(error: BaseException, *, timed_out: bool = False) -> Response:
    """503 with ``Retry-After``: the API's error shape under /api/, a plain page elsewhere.
    ``timed_out``: not an outage but a statement the database stopped for taking too long
    (:mod:`app.statement_timeout`).

    The page is rendered without the context processors and the user's settings, which would
    ask the database again."""
    with contextlib.suppress(Exception):  # a lost connection has nothing left to undo
        db.session.rollback()
    if not timed_out:
        state.failed(error)
    retry_after = int(current_app.config.get("DB_RETRY_AFTER_SECONDS", RETRY_AFTER_SECONDS))
    language = _language()
    with force_locale(language):
        message = _("This took longer than the server allows and was stopped; nothing was "
                    "saved. Try again in a moment, or narrow the search.") if timed_out else \
            _("The database is not available at the moment; nothing was saved. Try again "
              "in a few seconds.")
        if request.path.startswith("/api/"):
            response = jsonify(error_body(503, message,
                                          code="timeout" if timed_out else "unavailable",
                                          retry_after=retry_after))
        else:
            page = current_app.jinja_env.get_template("errors/503.html")
            # a GET can simply be repeated; a refused form is sent again from its page
            again = request.url if request.method == "GET" else request.referrer
            if again and not again.startswith(request.host_url):
                again = None
            response = Response(page.render(message=message, retry_after=retry_after,
                                            lang="zh-CN" if language == "zh_CN" else "en",
                                            again=again, refresh=not timed_out),
                                mimetype="text/html")
    response.status_code = 503
    response.headers["Retry-After"] = str(retry_after)
    response.headers["Cache-Control"] = "no-store"
    return response


def _handle_database_error(error: Exception):
    if is_unavailable(error):
        return unavailable_response(error)
    if statement_timeout.timed_out(error):
        return unavailable_response(error, timed_out=True)
    raise error  # not an outage: the usual path (logged, 500)


def _handle_server_error(error: InternalServerError):
    """An outage (or a statement stopped) met outside a view — the unit of work's commit after
    the view — is a 503 too."""
    original = error.original_exception
    if is_unavailable(original) or statement_timeout.timed_out(original):
        return _handle_database_error(original)
    return error_pages.handle_http_exception(error)


def engine_options(app: Flask) -> None:
    """Pool settings for outages: ping a pooled connection before lending it, and on
    PostgreSQL give up connecting after a few seconds rather than hang a worker."""
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("pool_pre_ping", True)
    uri = str(app.config.get("SQLALCHEMY_DATABASE_URI") or "")
    if uri.startswith("postgresql"):
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
        options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def init_app(app: Flask) -> None:
    for error_class in _ERRORS:
        app.register_error_handler(error_class, _handle_database_error)
    app.register_error_handler(InternalServerError, _handle_server_error)
    if QuietOutage() not in app.logger.filters:
        app.logger.addFilter(QuietOutage())
    if not sa.event.contains(sa.engine.Engine, "after_cursor_execute", _statement_ran):
        sa.event.listen(sa.engine.Engine, "after_cursor_execute", _statement_ran)
