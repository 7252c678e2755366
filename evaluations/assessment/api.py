"""``/api/v1/templates``: assessment templates, read by staff, imported by admins.

Templates are not region-scoped: every role but provider reads them. Drafts are the admins'
work in progress; to anyone else a draft answers 404 like a missing template.
"""

from __future__ import annotations

import marshmallow as ma
from flask import abort, current_app, request
from flask.views import MethodView

from app.api import Blueprint
from app.api.auth import api_user, token_required
from app.api.schemas import PageArgs, page_schema, paginate, revision_out
from app.users.models import Role, User
from evaluations.assessment import services
from evaluations.assessment.models import AssessmentTemplate, TemplateStatus

blp = Blueprint("api_templates", __name__, url_prefix="/api/v1",
                description="Assessment templates")

READERS = (Role.ADMIN, Role.OFFICER, Role.INSPECTOR)


def api_locale(user: User) -> str:
    """The caller's language: their setting, else Accept-Language, else the default."""
    languages = current_app.config["LANGUAGES"]
    if user.locale in languages:
        return user.locale
    best = request.accept_languages.best_match(languages + ("zh", "zh-CN", "en-US"))
    if best:
        return "zh_CN" if best.lower().startswith("zh") else "en"
    return current_app.config["BABEL_DEFAULT_LOCALE"]


class ItemSchema(ma.Schema):
    id = ma.fields.Integer()
    key = ma.fields.String()
    text = ma.fields.String(metadata={"description": "in the caller's language"})
    text_zh = ma.fields.String()
    text_en = ma.fields.String()
    guidance = ma.fields.String(metadata={"description": "in the caller's language"})
    kind = ma.fields.String(metadata={"description": "points | yes_no | reading"})
    max_points = ma.fields.Float()
    critical = ma.fields.Boolean()
    allow_na = ma.fields.Boolean()
    evidence_required = ma.fields.Boolean()
    reading = ma.fields.Dict(allow_none=True, metadata={
        "description": "reading items: {full_at, half_at?, min, max, unit?}: the parameters "
                       "whose values earn the max and half of it, and the accepted range"})


class SectionSchema(ma.Schema):
    id = ma.fields.Integer()
    key = ma.fields.String()
    name = ma.fields.String()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    weight = ma.fields.Float()
    items = ma.fields.List(ma.fields.Nested(ItemSchema))


class GradeBandSchema(ma.Schema):
    grade = ma.fields.String()
    min_score = ma.fields.Float()


class TemplateSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String(metadata={"description": "in the caller's language"})
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    version = ma.fields.Integer()
    revision = revision_out()
    status = ma.fields.String(metadata={"description": "draft | published | retired"})
    current = ma.fields.Boolean(metadata={"description": "the highest published version"})
    target = ma.fields.String(metadata={"description": "facility | contract"})
    sections = ma.fields.List(ma.fields.Nested(SectionSchema))
    grade_bands = ma.fields.List(ma.fields.Nested(GradeBandSchema))
    parameters = ma.fields.Dict(metadata={
        "description": "{key: {value, unit?, label?}}: values the item texts show as {key}"})


class TemplateArgs(PageArgs):
    code = ma.fields.String()
    current = ma.fields.Boolean(load_default=False,
                                metadata={"description": "only each code's current version"})
    status = ma.fields.Enum(TemplateStatus, by_value=True)


class ImportArgs(ma.Schema):
    publish = ma.fields.Boolean(load_default=False,
                                metadata={"description": "publish at once instead of a draft"})


def template_dict(template: AssessmentTemplate, locale: str, current: bool) -> dict:
    return {
        "id": template.id, "code": template.code, "name": template.name(locale),
        "name_zh": template.name_zh, "name_en": template.name_en, "version": template.version,
        "revision": template.revision,
        "status": template.status.value, "current": current, "target": template.target.value,
        "grade_bands": template.grade_bands, "parameters": template.parameters or {},
        "sections": [{
            "id": section.id, "key": section.key, "name": section.name(locale),
            "name_zh": section.name_zh, "name_en": section.name_en,
            "weight": float(section.weight),
            "items": [{
                "id": item.id, "key": item.key, "text": item.text(locale),
                "text_zh": item.text_zh, "text_en": item.text_en,
                "guidance": item.guidance(locale), "kind": item.kind,
                "max_points": float(item.max_points), "critical": item.critical,
                "allow_na": item.allow_na, "evidence_required": item.evidence_required,
                "reading": item.reading,
            } for item in section.items],
        } for section in template.sections],
    }


def _visible_template(template_id: int) -> AssessmentTemplate:
    return services.get_visible_template(api_user(), template_id)


@blp.route("/templates")
class Templates(MethodView):
    @token_required(*READERS)
    @blp.arguments(TemplateArgs, location="query")
    @blp.response(200, page_schema(TemplateSchema, "TemplatePage"))
    def get(self, args):
        """Assessment templates, newest version first per code; ``current=true`` for the
        versions new inspections use."""
        user = api_user()
        stmt = services.template_stmt(
            code=args.get("code"), status=args.get("status"), current=args["current"],
            include_drafts=user.role is Role.ADMIN).options(services.with_items())
        page = paginate(stmt, args["page"], args["per_page"])
        locale, current = api_locale(user), services.current_ids()
        page["items"] = [template_dict(t, locale, t.id in current) for t in page["items"]]
        return page


@blp.route("/templates/<int:template_id>")
class TemplateDetail(MethodView):
    @token_required(*READERS)
    @blp.response(200, TemplateSchema)
    def get(self, template_id: int):
        """One template version with its sections and items."""
        template = _visible_template(template_id)
        return template_dict(template, api_locale(api_user()), services.is_current(template))


@blp.route("/templates/<int:template_id>/export")
class TemplateExport(MethodView):
    @token_required(*READERS)
    @blp.response(200, description="The template in the format careprocure-template/1")
    def get(self, template_id: int):
        """The template in the import/export format ``careprocure-template/1``."""
        return services.export_template(_visible_template(template_id))


@blp.route("/templates/import")
class TemplateImport(MethodView):
    @token_required(Role.ADMIN)
    @blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["format", "code", "name", "target", "sections"],
        "description": "a template in the format careprocure-template/1, as GET "
                       "/templates/{id}/export gives it"}}}})
    @blp.arguments(ImportArgs, location="query")
    @blp.response(201, TemplateSchema)
    def post(self, args):
        """Import a template (JSON body in the format ``careprocure-template/1``) as the next
        version of its code; 422 with ``fields`` keyed by JSON path when it is not valid."""
        data = request.get_json(silent=True)
        if data is None:
            abort(400)  # not JSON at all; a JSON non-object is the service's 422
        template = services.import_template(data, api_user(), publish=args["publish"])
        return template_dict(template, api_locale(api_user()), services.is_current(template))
