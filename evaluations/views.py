"""HTML views of the evaluations feature."""

from __future__ import annotations

from flask import abort, render_template
from flask_babel import get_locale

from app.auth.login import role_required
from app.users.models import Role
from evaluations import bp
from evaluations.builtin import BUILTIN_CODES, load_builtin, localized

STAFF = (Role.ADMIN, Role.OFFICER, Role.INSPECTOR)


@bp.app_template_filter("localized")
def _localized(texts: dict) -> str:
    return localized(texts, str(get_locale()))


@bp.route("/checklists")
@role_required(*STAFF)
def builtin_templates():
    templates = [load_builtin(code) for code in BUILTIN_CODES]
    return render_template("evaluations/builtin_index.html", templates=templates)


@bp.route("/checklists/<code>")
@role_required(*STAFF)
def builtin_template(code: str):
    if code not in BUILTIN_CODES:
        abort(404)
    return render_template("evaluations/builtin_detail.html", template=load_builtin(code))
