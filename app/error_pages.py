"""Error answers: JSON under /api/, a friendly page elsewhere. Never a stack trace to a user.

An unexpected exception reaches Flask's ``handle_exception``, which logs it and answers through
the 500 handler registered here (the HTTPException one); the unit of work rolls back on it.
"""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.api.errors import error_response
from app.errors import DomainError
from app.integrity import DATABASE_REFUSALS, refusal

PAGES = {403, 404, 413, 500}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def handle_http_exception(error: HTTPException):
    if _wants_json():
        return error_response(error)
    code = error.code or 500
    template = f"errors/{code}.html" if code in PAGES else "errors/generic.html"
    return render_template(template, error=error), code


def handle_csrf_error(error: CSRFError):
    """A form refused for its security token. Flask-WTF's reasons are English and technical
    ("The CSRF token has expired."), and met by anyone who sends a page left open overnight."""
    error.description = _("This form could not be accepted: the page was open too long, or "
                          "your session ended meanwhile. Reload the page and send the form "
                          "again.")
    return handle_http_exception(error)


def handle_domain_error(error: DomainError):
    """A domain error that a view did not turn into a form message."""
    if _wants_json():
        return error_response(error)
    # a hidden or missing row looks the same whichever door raised it
    template = "errors/404.html" if error.status == 404 else "errors/generic.html"
    return render_template(template, error=error), error.status


def handle_database_refusal(error: Exception):
    """What the database refused outside a flush (a value out of range in a query's
    parameter, say), answered like the session's own refusals (``app.integrity``)."""
    return handle_domain_error(refusal(error))


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(DomainError, handle_domain_error)
    for refused in DATABASE_REFUSALS:
        app.register_error_handler(refused, handle_database_refusal)
