"""The JSON door: ``/api/v1``, bearer tokens, one error format, OpenAPI from the code.

Feature packages define their endpoints on :class:`Blueprint` (flask-smorest's, with the shared
input rules of :mod:`app.api.parser` applied to every argument) and the factory registers them
on :data:`api`. Every error, ours or Werkzeug's or webargs', leaves as
``{"error": {"code", "message", "fields"}}``.
"""

from __future__ import annotations

from flask_smorest import Api as _Api
from flask_smorest import Blueprint as _Blueprint
from werkzeug.exceptions import HTTPException

from app.api.errors import error_response
from app.api.parser import DoorParser


class Api(_Api):
    def handle_http_exception(self, error: HTTPException):
        return error_response(error)


class Blueprint(_Blueprint):
    """Every API blueprint: its arguments pass the shared input rules before their schema."""

    ARGUMENTS_PARSER = DoorParser()


api = Api()
