"""HTML pages of the assessment templates: list, detail, form preview, import, export, editors.

Admins, officers and inspectors read; admins import, edit (a new version), publish and retire.
Drafts are shown to admins only. Pages render the template in its exchange-format shape
(``export_template``), so the same page shows a stored version, an unsaved edit being
previewed, or a built-in file not yet in the database.

Two editors store a new version: the JSON editor (``template_edit``) and the structured one
(``template_editor``, rows read and written by ``assessment.editor``). Both check and store
through ``format.parse_template`` and ``services.new_version``, so they share every rule.
"""

from __future__ import annotations

import json
from decimal import Decimal

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.login import admin_required, role_required
from app.errors import DomainError, ValidationError
from app.extensions import db
from app.forms import ConfirmForm, page_status
from app.unit_of_work import expect_revision
from app.users.models import Role
from evaluations import bp
from evaluations.assessment import editor, services
from evaluations.assessment.builtin import BUILTIN_CODES, load_builtin, localized
from evaluations.assessment.format import parse_template
from evaluations.assessment.forms import (
    TemplateEditForm,
    TemplateImportForm,
    TemplateStatusForm,
    decode_json,
)
from evaluations.assessment.models import AssessmentTemplate, TemplateStatus
from evaluations.assessment.parameters import fill
from evaluations.assessment.readings import result_text, rule_text

STAFF = (Role.ADMIN, Role.OFFICER, Role.INSPECTOR)
#: points items up to this maximum get one radio button per half point; larger ones an input
MAX_RADIO_POINTS = 10


@bp.app_template_filter("filled")
def _filled(text: str, parameters: dict | None) -> str:
    """A document's item text with the template's parameters filled in."""
    return fill(text, parameters)


@bp.app_template_filter("localized")
def _localized(texts: dict) -> str:
    return localized(texts, str(get_locale()))


@bp.app_template_filter("point_steps")
def _point_steps(max_points: float) -> list[str]:
    steps = int(Decimal(str(max_points)) * 2)
    return [f"{Decimal(n) / 2:f}".removesuffix(".0") for n in range(steps + 1)]


@bp.app_context_processor
def _labels() -> dict:
    return {"MAX_RADIO_POINTS": MAX_RADIO_POINTS, "reading_rule_text": rule_text,
            "reading_result_text": result_text}


def _error_list(error: DomainError) -> list[tuple[str, str]]:
    return [(path, message) for path, messages in error.fields.items() for message in messages]


@bp.route("/templates")
@bp.route("/checklists")
@role_required(*STAFF)
def templates():
    code = (request.args.get("code") or "").strip()
    status = request.args.get("status") or None
    if status not in {s.value for s in TemplateStatus}:
        status = None
    stmt = services.template_stmt(code=code or None,
                                  status=TemplateStatus(status) if status else None,
                                  include_drafts=current_user.is_admin)
    page = db.paginate(stmt.options(services.with_items()), per_page=25)
    return render_template("evaluations/templates_index.html", page=page, code=code,
                           status=status, codes=services.template_codes(str(get_locale())),
                           current_ids=services.current_ids())


@bp.route("/templates/<int:template_id>")
@role_required(*STAFF)
def template_detail(template_id: int):
    template = services.get_visible_template(current_user, template_id)
    return render_template("evaluations/template_detail.html", template=template,
                           doc=services.export_template(template),
                           current=services.is_current(template),
                           confirm_form=TemplateStatusForm(revision=template.revision))


@bp.route("/checklists/<code>")
@role_required(*STAFF)
def template_by_code(code: str):
    """The current version of ``code``; a built-in not yet stored shows its shipped file."""
    template = services.current_template(code)
    if template is not None:
        return redirect(url_for(".template_detail", template_id=template.id))
    if code not in BUILTIN_CODES:
        abort(404)
    return render_template("evaluations/template_detail.html", template=None,
                           doc=load_builtin(code), current=False, confirm_form=ConfirmForm())


@bp.route("/templates/<int:template_id>/preview")
@role_required(*STAFF)
def template_preview(template_id: int):
    template = services.get_visible_template(current_user, template_id)
    return render_template("evaluations/template_preview.html", template=template,
                           doc=services.export_template(template))


@bp.route("/templates/<int:template_id>/export.json")
@role_required(*STAFF)
def template_export(template_id: int):
    template = services.get_visible_template(current_user, template_id)
    body = json.dumps(services.export_template(template), ensure_ascii=False, indent=2)
    filename = f"{template.code}-v{template.version}.json"
    return Response(body + "\n", mimetype="application/json",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.route("/templates/import", methods=["GET", "POST"])
@admin_required
def template_import():
    form = TemplateImportForm()
    errors: list[tuple[str, str]] = []
    refused: int | None = None
    if form.validate_on_submit():
        raw = form.file.data.read()
        try:
            data, problem = decode_json(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            data, problem = None, _("The file is not UTF-8 text.")
        try:
            if problem:
                raise ValidationError(problem, {"file": [problem]})
            template = services.import_template(data, current_user, publish=form.publish.data)
        except DomainError as error:  # invalid (422), or saved twice at once (409)
            form.form_errors.append(error.message)
            errors, refused = _error_list(error), error.status
        else:
            flash(_("Imported %(code)s version %(version)d.", code=template.code,
                    version=template.version), "success")
            return redirect(url_for(".template_detail", template_id=template.id))
    status = refused or page_status(form)
    return render_template("evaluations/template_import.html", form=form, errors=errors), status


@bp.route("/templates/<int:template_id>/edit", methods=["GET", "POST"])
@admin_required
def template_edit(template_id: int):
    template = services.get_visible_template(current_user, template_id)
    form = TemplateEditForm()
    if request.method == "GET":
        form.definition.data = json.dumps(services.export_template(template),
                                          ensure_ascii=False, indent=2)
    errors, preview, refused = [], None, None
    if form.validate_on_submit():
        data, problem = decode_json(form.definition.data)
        try:
            if problem:
                raise ValidationError(problem, {"definition": [problem]})
            if form.save.data:
                new = services.new_version(template, data, current_user)
                flash(_("Saved as version %(version)d.", version=new.version), "success")
                return redirect(url_for(".template_detail", template_id=new.id))
            preview = parse_template(data)
        except DomainError as error:  # invalid (422), or saved twice at once (409)
            form.form_errors.append(error.message)
            errors, refused = _error_list(error), error.status
    status = refused or page_status(form)
    return render_template("evaluations/template_edit.html", template=template, form=form,
                           errors=errors, preview=preview), status


@bp.route("/templates/<int:template_id>/<any(publish, retire):action>", methods=["POST"])
@admin_required
def template_transition(template_id: int, action: str):
    template = services.get_visible_template(current_user, template_id)
    form = TemplateStatusForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        expect_revision(template, form.revision.data)
        getattr(services, action)(template)
    except DomainError as error:
        flash(error.message, "danger")
    else:
        flash(_("Version %(version)d published.", version=template.version) if action == "publish"
              else _("Version %(version)d retired.", version=template.version), "success")
    return redirect(url_for(".template_detail", template_id=template.id))


@bp.route("/templates/<int:template_id>/editor", methods=["GET", "POST"])
@admin_required
def template_editor(template_id: int):
    template = services.get_visible_template(current_user, template_id)
    base = services.export_template(template)
    if request.method == "GET":
        return _editor_page(template, base, editor.state_from_document(base))
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
        return _editor_page(template, base, state), error.status
    return _editor_page(template, base, state, preview=preview)


def _editor_page(template: AssessmentTemplate, base: dict, state: editor.EditorState,
          preview: dict | None = None) -> str:
    return render_template("evaluations/template_editor.html", template=template, base=base,
                           state=state.with_blank_rows(), preview=preview,
                           kinds=editor.kind_choices())
