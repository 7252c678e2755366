"""The workbooks of inspection results: one sheet per template version, and every item answer.

No resident ID number is written: the exports hold none, and an 18-character ID typed into a
free-text note is masked (``contracts.households.mask_id``) whoever asks — a full ID is only
ever shown, audited, on the household record itself.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from app import clock
from app.extensions import db
from app.regions.models import Region
from app.spreadsheets import DATE, INTEGER
from app.template_helpers import ui_language
from app.users.models import User
from contracts.households.services import mask_id
from evaluations.assessment.bands import grade_names
from evaluations.assessment.models import AssessmentTemplate, TemplateItem, TemplateSection
from evaluations.inspections.models import Inspection, InspectionAnswer, InspectionStatus
from evaluations.labels import INSPECTION_STATUS_LABELS, ITEM_KIND_LABELS
from reports.dashboards.services import counties_of
from reports.exports.filters import InspectionFilter, inspections_stmt
from reports.exports.workbook import SCORE, Column, Sheet, label_of, workbook_bytes

_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")


def _local_day(moment: datetime | None) -> date | None:
    return moment.astimezone(clock.LOCAL_TZ).date() if moment else None


def _person(user: User | None) -> str:
    return (user.name or user.email) if user is not None else ""


def mask_ids_in(text: str) -> str:
    """``text`` with every 18-character resident ID number masked."""
    return _ID_NUMBER.sub(lambda m: mask_id(m.group(0)), text or "")


# ---- inspection results: one sheet per template version ------------------------------------

def _load_inspections(user: User, f: InspectionFilter) -> list[Inspection]:
    return list(db.session.scalars(inspections_stmt(user, f).options(
        so.selectinload(Inspection.template).selectinload(AssessmentTemplate.sections)
        .selectinload(TemplateSection.items),
        so.selectinload(Inspection.facility), so.selectinload(Inspection.contract),
        so.selectinload(Inspection.provider), so.selectinload(Inspection.region),
        so.selectinload(Inspection.inspector))))


def _template_title(template: AssessmentTemplate, locale: str) -> str:
    return f"{template.name(locale)} v{template.version}"


def _result_rows(group: list[Inspection], template: AssessmentTemplate,
                 counties: dict[int, Region], superseded_by: dict[int, int], locale: str
                 ) -> Iterable[Sequence]:
    sections = template.sections
    items = {item.id: item for item in template.items}
    for i in group:
        scores = {int(s["section_id"]): Decimal(str(s["score"]))
                  for s in (i.section_scores or []) if s.get("score") is not None}
        failed = "; ".join(items[item_id].text(locale) if item_id in items else str(item_id)
                           for item_id in (i.failed_critical or []))
        yield (i.id, template.name(locale), label_of(INSPECTION_STATUS_LABELS, i.status),
               i.scheduled_for, _local_day(i.submitted_at), _local_day(i.finalized_at),
               i.facility.name if i.facility else "", i.contract.number if i.contract else "",
               i.provider.name if i.provider else "",
               counties[i.region_id].display_name(locale), i.region.display_name(locale),
               _person(i.inspector), i.total, grade_names(i.grade, template.grade_bands)[0],
               *[scores.get(s.id) for s in sections], failed, superseded_by.get(i.id))


def inspection_results_sheets(user: User, f: InspectionFilter) -> list[Sheet]:
    locale = ui_language()
    inspections = _load_inspections(user, f)
    counties = counties_of({i.region_id for i in inspections})
    ids = [i.id for i in inspections]
    # only a finalized correction replaces a result: one being filled in is not "corrected by"
    # (and is no inspection a provider may see)
    superseded_by = dict(db.session.execute(
        sa.select(Inspection.supersedes_id, Inspection.id)
        .where(Inspection.supersedes_id.in_(ids),
               Inspection.status == InspectionStatus.FINALIZED)).all()) if ids else {}
    by_template: dict[int, list[Inspection]] = defaultdict(list)
    for inspection in inspections:
        by_template[inspection.template_id].append(inspection)
    sheets = []
    for group in by_template.values():
        template = group[0].template
        columns = [
            Column(_("Inspection ID"), INTEGER, 10), Column(_("Template"), width=24),
            Column(_("Status"), width=10), Column(_("Scheduled for"), DATE, 12),
            Column(_("Submitted on"), DATE, 12), Column(_("Finalized on"), DATE, 12),
            Column(_("Facility"), width=26), Column(_("Contract number"), width=18),
            Column(_("Provider"), width=30), Column(_("County"), width=12),
            Column(_("Region"), width=14), Column(_("Inspector"), width=14),
            Column(_("Total"), SCORE, 8), Column(_("Grade"), width=8),
            *[Column(s.name(locale), SCORE, 12) for s in template.sections],
            Column(_("Failed critical items"), width=40),
            Column(_("Corrected by (ID)"), INTEGER, 10),
        ]
        rows = _result_rows(group, template, counties, superseded_by, locale)
        sheets.append(Sheet(_template_title(template, locale), columns, rows))
    return sheets


def inspection_results_xlsx(user: User, f: InspectionFilter) -> bytes:
    return workbook_bytes(inspection_results_sheets(user, f))


# ---- every item answer, one row each -------------------------------------------------------

def _answer_value(answer: InspectionAnswer, item: TemplateItem) -> Any:
    if answer.na:
        return _("N/A")
    if item.kind == "yes_no" and answer.yes is not None:
        return _("Yes") if answer.yes else _("No")
    return answer.points


def item_answer_rows(user: User, f: InspectionFilter) -> Iterable[Sequence]:
    locale = ui_language()
    inspections = inspections_stmt(user, f).with_only_columns(Inspection.id).order_by(None)
    rows = db.session.execute(
        sa.select(InspectionAnswer, TemplateItem, TemplateSection, Inspection.scheduled_for,
                  AssessmentTemplate)
        .join(TemplateItem, InspectionAnswer.item_id == TemplateItem.id)
        .join(TemplateSection, TemplateItem.section_id == TemplateSection.id)
        .join(Inspection, InspectionAnswer.inspection_id == Inspection.id)
        .join(AssessmentTemplate, Inspection.template_id == AssessmentTemplate.id)
        .where(InspectionAnswer.inspection_id.in_(inspections))
        .order_by(Inspection.scheduled_for, Inspection.id, TemplateSection.position,
                  TemplateItem.position)
        # read in batches as the sheet is written, not all held at once
        .execution_options(yield_per=2000))
    yes, no = _("Yes"), _("No")
    for answer, item, section, day, template in rows:
        yield (answer.inspection_id, template.name(locale), day, section.name(locale),
               item.text(locale), label_of(ITEM_KIND_LABELS, item.kind), item.max_points,
               _answer_value(answer, item), mask_ids_in(answer.note),
               yes if item.critical else no, answer.reading)


def item_answers_xlsx(user: User, f: InspectionFilter) -> bytes:
    columns = [Column(_("Inspection ID"), INTEGER, 10), Column(_("Template"), width=20),
               Column(_("Scheduled for"), DATE, 12), Column(_("Section"), width=20),
               Column(_("Item"), width=48),
               Column(_("Kind"), width=10), Column(_("Maximum"), SCORE, 8),
               Column(_("Answer"), width=10), Column(_("Note"), width=40),
               Column(_("Critical"), width=8),
               # reading items: the measured value the points in "Answer" follow from
               Column(_("Measured reading"), SCORE, 10)]
    return workbook_bytes([Sheet(_("Item answers"), columns, item_answer_rows(user, f))])
