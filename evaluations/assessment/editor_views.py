"""The structured template editor page: one form per template version, no JSON to type.

The rows are read and written by ``evaluations.template_editor``; checking and storing go
through ``template_format.parse_template`` and ``template_services.new_version``, exactly like
the JSON editor, so both editors share every rule and the versioning.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.login import admin_required
from app.errors import DomainError
from evaluations import bp
from evaluations.assessment import editor, services
from evaluations.assessment.format import parse_template
from evaluations.assessment.models import AssessmentTemplate
from evaluations.assessment.views import _template_or_404


@bp.route("/templates/<int:template_id>/editor", methods=["GET", "POST"])
@admin_required
def template_editor(template_id: int):
    template = _template_or_404(template_id)
    base = services.export_template(template)
    if request.method == "GET":
        return _page(template, base, editor.state_from_document(base))
    state = editor.state_from_form(request.form)
    doc = editor.to_document(state, base)
    try:
        if "save" in request.form:
            new = services.new_version(template, doc, current_user)
            flash(_("Saved as version %(version)d.", version=new.version), "success")
            return redirect(url_for(".template_detail", template_id=new.id))
        preview = parse_template(doc)
    except DomainError as error:  # invalid (422), or saved twice at once (409): nothing stored
        state.add_error("", error.message)
        editor.attach_errors(state, error.fields)
        return _page(template, base, state), error.status
    return _page(template, base, state, preview=preview)


def _page(template: AssessmentTemplate, base: dict, state: editor.EditorState,
          preview: dict | None = None) -> str:
    return render_template("evaluations/template_editor.html", template=template, base=base,
                           state=state.with_blank_rows(), preview=preview,
                           kinds=editor.kind_choices())
