"""The JSON door: ``/api/v1``, bearer tokens, one error format, OpenAPI from the code.

Feature packages define their endpoints on :class:`Blueprint` (flask-smorest's, with the shared
input rules of :mod:`app.api.parser` applied to every argument) and the factory registers them
on :data:`api`. Every error, ours or Werkzeug's or webargs', leaves as
``{"error": {"code", "message", "fields"}}``, and the OpenAPI document says so: every operation
lists the error answers it can give (:mod:`app.api.docs`).
"""

from __future__ import annotations

from flask_smorest import Api as _Api
from flask_smorest import Blueprint as _Blueprint
from werkzeug.exceptions import HTTPException

from app.api import docs
from app.api.errors import error_response
from app.api.parser import DoorParser
from app.api.schemas import ApiErrorSchema


class Api(_Api):
    #: the error shape of every error response in the document (flask-smorest's own otherwise)
    ERROR_SCHEMA = ApiErrorSchema

    def handle_http_exception(self, error: HTTPException):
        return error_response(error)

    def init_app(self, app, *, spec_kwargs=None):
        super().init_app(app, spec_kwargs=spec_kwargs)
        docs.register_components(self.spec)

    def register_blueprint(self, blp, *, parameters=None, **options):
        super().register_blueprint(blp, parameters=parameters, **options)
        docs.document_error_answers(self.spec)


class Blueprint(_Blueprint):
    """Every API blueprint: its arguments pass the shared input rules before their schema."""

    ARGUMENTS_PARSER = DoorParser()


#: a feature's own schema in the document's components (e.g. a report's data by service type)
add_component_schema = docs.add_component_schema

api = Api()
