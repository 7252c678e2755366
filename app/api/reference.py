"""``/api/v1/docs``: the interactive API reference (Swagger UI, vendored under app/static).

A page for people signed in to the web app; the document it shows is ``/api/v1/openapi.json``.
"""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import login_required

bp = Blueprint("api_reference", __name__, url_prefix="/api/v1", template_folder="templates")


@bp.route("/docs")
@login_required
def reference():
    return render_template("api/reference.html",
                           spec_url=url_for("api-docs.openapi_json"))
