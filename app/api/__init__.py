"""The JSON door: ``/api/v1``, bearer tokens, one error format, OpenAPI from the code.

Feature packages define ``flask_smorest.Blueprint`` objects and the factory registers them on
:data:`api`. Every error, ours or Werkzeug's or webargs', leaves as
``{"error": {"code", "message", "fields"}}``.
"""

from __future__ import annotations

from flask_smorest import Api as _Api
from werkzeug.exceptions import HTTPException

from app.api.errors import error_response


class Api(_Api):
    def handle_http_exception(self, error: HTTPException):
        return error_response(error)


api = Api()
