"""The blueprint of the household-survey endpoints and the 422 of a refused import."""

from __future__ import annotations

from flask import jsonify

from app.api import Blueprint
from app.api.errors import error_body
from contracts.households.services import HouseholdImportError

blp = Blueprint("api_households", __name__, url_prefix="/api/v1",
                description="Household-survey records, assistance standards and spot checks")


def _import_error(error: HouseholdImportError):
    response = jsonify(error_body(422, error.message, error.fields, error.code,
                                  rows=error.rows(), error_count=error.error_count))
    response.status_code = 422
    return response


blp.register_error_handler(HouseholdImportError, _import_error)
