"""Forms of the assessment-template pages: import, the JSON editor, confirmations."""

from __future__ import annotations

import json

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.forms import ConfirmForm, Form, RevisionField
from app.validation import parse_json

#: a template of a few hundred items is about 200 kB of JSON
MAX_TEMPLATE_BYTES = 2 * 1024 * 1024


def decode_json(text: str) -> tuple[object | None, str | None]:
    """``(data, None)``, or ``(None, message)`` naming the line and column of a syntax error,
    or saying it nests too deeply (100,000 brackets were a RecursionError: a 500)."""
    try:
        return parse_json(text), None
    except json.JSONDecodeError as error:
        return None, _("Not valid JSON: %(msg)s at line %(line)d, column %(col)d.",
                       msg=error.msg, line=error.lineno, col=error.colno)
    except ValueError as error:
        return None, str(error)


class TemplateImportForm(Form):
    file = FileField(_l("Template file (.json)"), validators=[FileRequired()],
                     description=_l("A file in the format careprocure-template/1, as the export "
                                    "gives it. Its code decides which template it is a new "
                                    "version of."))
    publish = BooleanField(_l("Publish at once"),
                           description=_l("Otherwise it is stored as a draft that you can "
                                          "preview and publish later."))
    submit = SubmitField(_l("Import"))


class TemplateEditForm(Form):
    definition = TextAreaField(
        _l("Template (JSON)"), validators=[DataRequired(), Length(max=MAX_TEMPLATE_BYTES)],
        render_kw={"rows": 30, "spellcheck": "false", "class": "font-monospace small"},
        description=_l("Edit names, grade bands, sections (name, weight) and items (text, "
                       "guidance, kind points or yes_no, max_points in steps of 0.5, critical, "
                       "allow_na, evidence_required); add or remove sections and items. Keys "
                       "are snake_case and unique."))
    preview = SubmitField(_l("Check and preview"))
    save = SubmitField(_l("Save as new version"))


class TemplateStatusForm(ConfirmForm):
    """Publish or retire: the confirmation carries the revision the page showed, so that a
    step sent after another admin changed the version's status is refused (a stale Publish put
    a version just retired as wrong back into use)."""

    revision = RevisionField()
