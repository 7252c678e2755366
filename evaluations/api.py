"""``/api/v1`` endpoints of the evaluations feature (templates, inspections, ...)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("api_evaluations", __name__, url_prefix="/api/v1",
                description="Assessment templates and inspections")
