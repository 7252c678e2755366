"""Assessment templates: import, export, versioning, publishing, and the bridge to scoring.

Rules:

- A stored version is never edited: ``new_version`` stores the edit of version N as version
  N + 1 of the same code, published (a refused ``Conflict`` when N + 1 exists: an edit of a
  version someone else has edited since); the version it was made from keeps its rows and
  its status, and stops being current simply because a higher published version now exists.
- The *current* version of a code is its highest published version (retired and draft
  versions never are). Retiring the current version makes the previous published one current.
- ``import_template`` of a code that already exists stores the next version.
- Services only flush; the request, the CLI command or the seed commits.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.errors import Conflict, ValidationError
from app.extensions import db
from app.integrity import explain
from app.scoping import one_visible
from app.users.models import Role, User
from evaluations.assessment.builtin import BUILTIN_CODES, load_builtin
from evaluations.assessment.format import FORMAT, json_number, parse_template
from evaluations.assessment.models import (
    AssessmentTemplate,
    TemplateItem,
    TemplateSection,
    TemplateStatus,
    TemplateTarget,
)
from evaluations.assessment.readings import rule_for
from evaluations.scoring import GradeBand, ItemSpec, SectionSpec

__all__ = [
    "current_ids", "current_template", "export_template", "get_visible_template",
    "import_template", "is_current", "new_version", "publish", "retire",
    "seed_builtin_templates", "template_codes", "template_stmt", "to_scoring_specs",
    "with_items",
]


explain("assessment_templates", ("code", "version"), field="code", message=_l(
    "Another version of this template was saved at the same time or since you loaded it; "
    "nothing was saved. Reload the newest version and try again."))


def _next_version(code: str) -> int:
    highest = db.session.scalar(
        sa.select(sa.func.max(AssessmentTemplate.version)).where(AssessmentTemplate.code == code))
    return (highest or 0) + 1


def _store(doc: dict, actor: User | None, status: TemplateStatus,
           version: int | None = None) -> AssessmentTemplate:
    template = AssessmentTemplate(
        code=doc["code"], version=version or _next_version(doc["code"]),
        name_zh=doc["name"]["zh_CN"], name_en=doc["name"]["en"],
        description_zh=doc["description"]["zh_CN"], description_en=doc["description"]["en"],
        target=TemplateTarget(doc["target"]), grade_bands=doc["grade_bands"], status=status,
        signatures_required=doc.get("signatures_required", False),
        parameters=copy.deepcopy(doc.get("parameters", {})), created_by=actor)
    for position, section_doc in enumerate(doc["sections"]):
        section = TemplateSection(
            position=position, key=section_doc["key"], name_zh=section_doc["name"]["zh_CN"],
            name_en=section_doc["name"]["en"], weight=Decimal(str(section_doc["weight"])))
        for item_position, item_doc in enumerate(section_doc["items"]):
            section.items.append(TemplateItem(
                position=item_position, key=item_doc["key"],
                text_zh=item_doc["text"]["zh_CN"], text_en=item_doc["text"]["en"],
                guidance_zh=item_doc["guidance"]["zh_CN"],
                guidance_en=item_doc["guidance"]["en"], kind=item_doc["kind"],
                max_points=Decimal(str(item_doc["max_points"])), critical=item_doc["critical"],
                allow_na=item_doc["allow_na"], evidence_required=item_doc["evidence_required"],
                reading=copy.deepcopy(item_doc.get("reading"))))
        template.sections.append(section)
    # Two admins storing the same version of a code (two imports reading the same highest
    # version, or two edits of the same version) clash on the unique (code, version): the
    # session refuses the second with a Conflict (app.integrity). The SAVEPOINT undoes only
    # this insert, so the session stays usable for the work done before it.
    with db.session.begin_nested():
        db.session.add(template)
        db.session.flush()
    return template


def import_template(data: dict, actor: User | None, *, publish: bool = False
                    ) -> AssessmentTemplate:
    """Validate ``data`` (format ``careprocure-template/1``) and store it as the next version
    of its code: a draft, or published with ``publish=True``. Nothing is stored on error."""
    doc = parse_template(data)
    return _store(doc, actor, TemplateStatus.PUBLISHED if publish else TemplateStatus.DRAFT)


def export_template(template: AssessmentTemplate) -> dict:
    """The template in the exchange format; ``import_template`` reads it back unchanged."""
    return {
        "format": FORMAT,
        "code": template.code,
        "name": {"zh_CN": template.name_zh, "en": template.name_en},
        "description": {"zh_CN": template.description_zh, "en": template.description_en},
        "target": template.target.value,
        "grade_bands": copy.deepcopy(template.grade_bands),
        "sections": [
            {
                "key": section.key,
                "name": {"zh_CN": section.name_zh, "en": section.name_en},
                "weight": json_number(Decimal(section.weight)),
                "items": [
                    {
                        "key": item.key,
                        "text": {"zh_CN": item.text_zh, "en": item.text_en},
                        "kind": item.kind,
                        "max_points": json_number(Decimal(item.max_points)),
                        "critical": item.critical,
                        "allow_na": item.allow_na,
                        "evidence_required": item.evidence_required,
                        "guidance": {"zh_CN": item.guidance_zh, "en": item.guidance_en},
                    } | ({"reading": copy.deepcopy(item.reading)} if item.reading else {})
                    for item in section.items
                ],
            }
            for section in template.sections
        ],
    } | ({"signatures_required": True} if template.signatures_required else {}) | (
        {"parameters": copy.deepcopy(template.parameters)} if template.parameters else {})


def new_version(template: AssessmentTemplate, changes_data: dict, actor: User | None
                ) -> AssessmentTemplate:
    """Store an edit of ``template`` as the version after it, published.

    ``changes_data`` is the whole edited template in the exchange format (its ``code`` may be
    left out; another code is refused). ``template`` itself is left exactly as it was. When
    that version already exists (another admin saved an edit of the same version, at the same
    moment or since this one was loaded), the database refuses it: ``Conflict``, and the
    other admin's changes are never silently overwritten.
    """
    if isinstance(changes_data, dict):
        changes_data = {"format": FORMAT, "code": template.code, **changes_data}
    doc = parse_template(changes_data)
    if doc["code"] != template.code:
        raise ValidationError(_("A new version keeps the code “%(code)s”.", code=template.code),
                              {"code": [_("A new version keeps the code “%(code)s”.",
                                          code=template.code)]})
    if doc == export_template(template):
        raise ValidationError(_("Nothing was changed, so no new version was made."))
    return _store(doc, actor, TemplateStatus.PUBLISHED, version=template.version + 1)


def publish(template: AssessmentTemplate) -> AssessmentTemplate:
    """Make a draft (or a retired version) available for inspections."""
    if template.status is TemplateStatus.PUBLISHED:
        raise Conflict(_("This version is already published."))
    template.status = TemplateStatus.PUBLISHED
    db.session.flush()
    return template


def retire(template: AssessmentTemplate) -> AssessmentTemplate:
    """Withdraw a version from new inspections; past inspections keep it."""
    if template.status is TemplateStatus.RETIRED:
        raise Conflict(_("This version is already retired."))
    template.status = TemplateStatus.RETIRED
    db.session.flush()
    return template


def _current_versions() -> sa.Subquery:
    return (sa.select(AssessmentTemplate.code,
                      sa.func.max(AssessmentTemplate.version).label("version"))
            .where(AssessmentTemplate.status == TemplateStatus.PUBLISHED)
            .group_by(AssessmentTemplate.code).subquery())


def template_stmt(*, code: str | None = None, status: TemplateStatus | None = None,
                  current: bool = False, include_drafts: bool = True) -> sa.Select:
    """Templates ordered by code and newest version first, filtered as asked."""
    stmt = sa.select(AssessmentTemplate).order_by(AssessmentTemplate.code,
                                                  AssessmentTemplate.version.desc())
    if code:
        stmt = stmt.where(AssessmentTemplate.code == code)
    if status is not None:
        stmt = stmt.where(AssessmentTemplate.status == status)
    if not include_drafts:
        stmt = stmt.where(AssessmentTemplate.status != TemplateStatus.DRAFT)
    if current:
        latest = _current_versions()
        stmt = stmt.join(latest, sa.and_(latest.c.code == AssessmentTemplate.code,
                                         latest.c.version == AssessmentTemplate.version))
    return stmt


def current_template(code: str) -> AssessmentTemplate | None:
    """The highest published version of ``code``, or None."""
    return db.session.scalar(template_stmt(code=code, current=True).options(with_items()))


def current_ids() -> set[int]:
    """Ids of every code's current version (one query, for lists)."""
    return set(db.session.scalars(
        template_stmt(current=True).with_only_columns(AssessmentTemplate.id)))


def is_current(template: AssessmentTemplate) -> bool:
    current = current_template(template.code)
    return current is not None and current.id == template.id


def get_visible_template(user: User, template_id: Any) -> AssessmentTemplate:
    """The version with its sections and items; ``NotFound`` when missing, or a draft and
    ``user`` is not an admin (drafts are the admins' work in progress)."""
    stmt = sa.select(AssessmentTemplate).options(with_items())
    if user.role is not Role.ADMIN:
        stmt = stmt.where(AssessmentTemplate.status != TemplateStatus.DRAFT)
    return one_visible(stmt, AssessmentTemplate.id, template_id)


def template_codes(locale: str = "zh_CN") -> dict[str, str]:
    """{code: the name of its newest version}, for every code that has a version, in order
    (the list's filter shows names; the code is the value sent)."""
    rows = db.session.execute(
        sa.select(AssessmentTemplate.code, AssessmentTemplate.name_zh, AssessmentTemplate.name_en)
        .order_by(AssessmentTemplate.code, AssessmentTemplate.version))
    return {code: name_en if locale == "en" and name_en else name_zh
            for code, name_zh, name_en in rows}


def with_items() -> so.LoaderOption:
    """Loader option: sections and items in two extra queries, not one per section."""
    return so.selectinload(AssessmentTemplate.sections).selectinload(TemplateSection.items)


def to_scoring_specs(template: AssessmentTemplate
                     ) -> tuple[tuple[SectionSpec, ...], tuple[GradeBand, ...]]:
    """The template as ``evaluations.scoring`` sees it; ids are the rows' ids."""
    sections = tuple(
        SectionSpec(
            id=section.id, weight=Decimal(section.weight),
            items=tuple(ItemSpec(id=item.id, kind=item.kind, max_points=Decimal(item.max_points),
                                 critical=item.critical, allow_na=item.allow_na,
                                 reading=rule_for(item.reading, template.parameters))
                        for item in section.items))
        for section in template.sections)
    section_ids = {section.key: section.id for section in template.sections}
    bands = tuple(GradeBand(band["grade"], Decimal(str(band["min_score"])),
                            {section_ids[key]: Decimal(str(floor))
                             for key, floor in (band.get("section_floors") or {}).items()})
                  for band in template.grade_bands)
    return sections, bands


def seed_builtin_templates() -> list[AssessmentTemplate]:
    """Store each built-in template, published as version 1, if its code is not there yet.

    A shipped file that changed since the seed stored the current version (the survey_service
    accuracy item, say) is stored as the next version; a current version made by an admin is
    left alone, so an edit is never overridden by an upgrade.
    """
    existing = set(db.session.scalars(sa.select(AssessmentTemplate.code).distinct()))
    stored = []
    for code in BUILTIN_CODES:
        shipped = load_builtin(code)
        if code not in existing:
            stored.append(import_template(shipped, None, publish=True))
            continue
        current = current_template(code)
        if (current is not None and current.created_by_id is None
                and export_template(current) != parse_template(shipped)):
            stored.append(import_template(shipped, None, publish=True))
    return stored
