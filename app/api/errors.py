"""The API's one error shape, for Werkzeug's exceptions and the services' domain errors."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from app.errors import DomainError

#: error codes by HTTP status, as API.md names them
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "server_error",
}

#: the API's own words for what Werkzeug would answer with its English text for browsers
MESSAGES = {
    400: _l("The request could not be read."),
    401: _l("Authentication is required: send 'Authorization: Bearer <token>'."),
    403: _l("You may not do this."),
    404: _l("Not found."),
    405: _l("This method is not allowed here."),
    409: _l("This conflicts with the current state."),
    413: _l("The request is too large."),
    422: _l("The input is not valid."),
    500: _l("Something went wrong on our side."),
}


def _fields_from_webargs(error: HTTPException) -> dict[str, list[str]]:
    """webargs puts {location: {field: [messages]}} in ``error.data['messages']``."""
    messages = (getattr(error, "data", None) or {}).get("messages") or {}
    fields: dict[str, list[str]] = {}
    for location_messages in messages.values():
        if isinstance(location_messages, dict):
            for name, msgs in location_messages.items():
                fields[str(name)] = _flatten(msgs)
        else:
            fields.setdefault("_schema", []).extend(_flatten(location_messages))
    return fields


def _flatten(msgs: Any) -> list[str]:
    if isinstance(msgs, list):
        out: list[str] = []
        for m in msgs:
            out.extend(_flatten(m))
        return out
    if isinstance(msgs, dict):
        return [f"{k}: {m}" for k, v in msgs.items() for m in _flatten(v)]
    return [str(msgs)]


def error_body(status: int, message: str, fields: dict | None = None, code: str | None = None,
               **extra: Any) -> dict:
    body = {"code": code or CODES.get(status, "error"), "message": message,
            "fields": fields or {}}
    body.update(extra)
    return {"error": body}


def error_response(error: HTTPException | DomainError):
    if isinstance(error, DomainError):
        status = error.status
        body = error_body(status, error.message, error.fields, error.code)
    else:
        status = error.code or 500
        fields = _fields_from_webargs(error)
        # webargs answers 422 for any unreadable body; malformed JSON is a 400 to a client
        if fields.get("json") == ["Invalid JSON body."]:
            status, fields = 400, {}
        # Werkzeug's stock texts are English and written for browsers ("your browser doesn't
        # understand how to supply the credentials"); a description of our own is kept
        stock = error.description == type(error).description
        message = (MESSAGES.get(status) if status in (404, 405, 422, 500) or fields or stock
                   else None)
        message = str(message or error.description or MESSAGES.get(status, "Error."))
        body = error_body(status, message, fields)
    response = jsonify(body)
    response.status_code = status
    if getattr(error, "retry_after", None):
        response.headers["Retry-After"] = str(error.retry_after)
    if status == 401:
        # the scheme a client must answer with (RFC 6750): a generic HTTP client otherwise
        # cannot tell a token it lacks from a password it should prompt for
        response.headers["WWW-Authenticate"] = 'Bearer realm="CareProcure"'
    return response
