"""Excel exports of results (issue 6 §5): inspection results, item answers, performance.

Every export starts from a visibility helper, so it holds only rows the user may see, then
applies the user's filters. Codes are written as labels in the user's language (优秀, not
``excellent``); numbers stay numbers and dates stay dates. No resident ID number is written:
the exports hold none, and an 18-character ID typed into a free-text note is masked
(``contracts.households.mask_id``) whoever asks — a full ID is only ever shown, audited, on
the household record itself.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app import clock
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.regions.models import Level, Region
from app.scoping import region_subtree
from app.spreadsheets import DATE, INTEGER, MONEY
from app.template_helpers import ui_language
from app.users.models import Role, User
from contracts.households.services import mask_id
from contracts.labels import SERVICE_TYPE_LABELS
from contracts.models import Contract, ContractStatus, ServiceType
from contracts.visibility import get_visible_provider, visible_contracts
from evaluations.assessment.models import AssessmentTemplate, TemplateItem, TemplateSection
from evaluations.inspections.models import Inspection, InspectionAnswer, InspectionStatus
from evaluations.inspections.services import visible_inspections
from evaluations.labels import GRADE_LABELS, INSPECTION_STATUS_LABELS, ITEM_KIND_LABELS
from reports.dashboards.services import counties_of
from reports.performance.services import contract_performance

SCORE = "0.0"
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_PERIOD = re.compile(r"^\d{4}(-Q[1-4])?$")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


# ---- a workbook of several sheets (app.spreadsheets writes one) -----------------------------

@dataclass(frozen=True)
class Column:
    label: Any
    format: str | None = None
    width: int = 14


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence]


def _sheet_titles(titles: list[str]) -> list[str]:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    seen: set[str] = set()
    result = []
    for title in titles:
        base = _BAD_SHEET_CHARS.sub(" ", title).strip()[:31] or "Sheet"
        name, n = base, 2
        while name.lower() in seen:
            suffix = f" ({n})"
            name, n = base[:31 - len(suffix)] + suffix, n + 1
        seen.add(name.lower())
        result.append(name)
    return result


def workbook_bytes(sheets: list[Sheet]) -> bytes:
    """The .xlsx of ``sheets``, written in constant memory, like ``app.spreadsheets``."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, spec in zip(_sheet_titles([s.title for s in sheets]), sheets, strict=True):
        sheet = workbook.create_sheet(title)
        for index, column in enumerate(spec.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A2"
        header = []
        for column in spec.columns:
            cell = WriteOnlyCell(sheet, value=str(column.label))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        formats = [c.format for c in spec.columns]
        for row in spec.rows:
            sheet.append([_cell(sheet, value, formats[i] if i < len(formats) else None)
                          for i, value in enumerate(row)])
    if not sheets:
        workbook.create_sheet(_("Empty"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet, value, number_format: str | None):
    if isinstance(value, date) and not isinstance(value, datetime):
        number_format = number_format or DATE
    if number_format is None or value is None or value == "":
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


# ---- filters ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class InspectionFilter:
    template_id: int | None = None
    status: InspectionStatus | None = None
    region: Region | None = None
    start: date | None = None
    end: date | None = None
    provider_id: int | None = None


def _int_arg(args: Mapping[str, str], name: str) -> int | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise ValidationError(_("Check the filters."), {name: [_("Not a number.")]})
    return int(value)


def _date_arg(args: Mapping[str, str], name: str) -> date | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(_("Check the filters."),
                              {name: [_("Use a date like 2026-03-31.")]}) from None


def _provider_arg(user: User, args: Mapping[str, str]) -> int | None:
    """A provider filter names a provider the user may see; another's is a 404."""
    provider_id = _int_arg(args, "provider_id")
    if provider_id is not None:
        get_visible_provider(user, provider_id)
    return provider_id


def inspection_filter(user: User, args: Mapping[str, str]) -> InspectionFilter:
    """The filters of the inspection exports, from query arguments (empty = all)."""
    status = (args.get("status") or "").strip() or None
    if status is not None and status not in {s.value for s in InspectionStatus}:
        raise ValidationError(_("Check the filters."), {"status": [_("Unknown status.")]})
    region = None
    if (region_id := _int_arg(args, "county")) is not None:
        region = db.session.get(Region, region_id)
        if region is None:
            raise NotFound(_("Not found."))
    start, end = _date_arg(args, "from"), _date_arg(args, "to")
    if start and end and start > end:
        raise ValidationError(_("Check the filters."),
                              {"to": [_("The end comes before the start.")]})
    return InspectionFilter(_int_arg(args, "template_id"),
                            InspectionStatus(status) if status else None, region, start, end,
                            _provider_arg(user, args))


def inspections_stmt(user: User, f: InspectionFilter) -> sa.Select:
    """The visible inspections matching ``f``, by date."""
    stmt = visible_inspections(user)
    if f.template_id is not None:
        stmt = stmt.where(Inspection.template_id == f.template_id)
    if f.status is not None:
        stmt = stmt.where(Inspection.status == f.status)
    if f.region is not None:
        stmt = stmt.where(Inspection.region_id.in_(region_subtree(f.region)))
    if f.start is not None:
        stmt = stmt.where(Inspection.scheduled_for >= f.start)
    if f.end is not None:
        stmt = stmt.where(Inspection.scheduled_for <= f.end)
    if f.provider_id is not None:
        stmt = stmt.where(Inspection.provider_id == f.provider_id)
    return stmt.order_by(Inspection.scheduled_for, Inspection.id)


# ---- (a) inspection results: one sheet per template version --------------------------------

def _local_day(moment: datetime | None) -> date | None:
    return moment.astimezone(clock.LOCAL_TZ).date() if moment else None


def _label(labels: Mapping, code: Any) -> str:
    return str(labels.get(code, code)) if code is not None else ""


def _person(user: User | None) -> str:
    return (user.name or user.email) if user is not None else ""


def mask_ids_in(text: str) -> str:
    """``text`` with every 18-character resident ID number masked."""
    return _ID_NUMBER.sub(lambda m: mask_id(m.group(0)), text or "")


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
        yield (i.id, template.name(locale), _label(INSPECTION_STATUS_LABELS, i.status),
               i.scheduled_for, _local_day(i.submitted_at), _local_day(i.finalized_at),
               i.facility.name if i.facility else "", i.contract.number if i.contract else "",
               i.provider.name if i.provider else "",
               counties[i.region_id].display_name(locale), i.region.display_name(locale),
               _person(i.inspector), i.total, _label(GRADE_LABELS, i.grade),
               *[scores.get(s.id) for s in sections], failed, superseded_by.get(i.id))


def inspection_results_sheets(user: User, f: InspectionFilter) -> list[Sheet]:
    locale = ui_language()
    inspections = _load_inspections(user, f)
    counties = counties_of({i.region_id for i in inspections})
    ids = [i.id for i in inspections]
    superseded_by = dict(db.session.execute(
        sa.select(Inspection.supersedes_id, Inspection.id)
        .where(Inspection.supersedes_id.in_(ids))).all()) if ids else {}
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


# ---- (b) item answers: one row per answer ---------------------------------------------------

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
                  TemplateItem.position)).all()
    yes, no = _("Yes"), _("No")
    for answer, item, section, day, template in rows:
        yield (answer.inspection_id, template.name(locale), day, section.name(locale),
               item.text(locale),
               _label(ITEM_KIND_LABELS, item.kind), item.max_points, _answer_value(answer, item),
               mask_ids_in(answer.note), yes if item.critical else no)


def item_answers_xlsx(user: User, f: InspectionFilter) -> bytes:
    columns = [Column(_("Inspection ID"), INTEGER, 10), Column(_("Template"), width=20),
               Column(_("Scheduled for"), DATE, 12), Column(_("Section"), width=20), Column(_("Item"), width=48),
               Column(_("Kind"), width=10), Column(_("Maximum"), SCORE, 8),
               Column(_("Answer"), width=10), Column(_("Note"), width=40),
               Column(_("Critical"), width=8)]
    return workbook_bytes([Sheet(_("Item answers"), columns, item_answer_rows(user, f))])


# ---- (c) performance by contract ------------------------------------------------------------

@dataclass(frozen=True)
class PerformanceFilter:
    period: str
    service_type: ServiceType | None = None
    provider_id: int | None = None


def performance_filter(user: User, args: Mapping[str, str]) -> PerformanceFilter:
    period = (args.get("period") or "").strip().upper() or str(clock.today().year)
    if not _PERIOD.match(period):
        raise ValidationError(_("A period is a year (2026) or a quarter (2026-Q3)."),
                              {"period": [_("Use YYYY or YYYY-Qn.")]})
    service_type = (args.get("service_type") or "").strip() or None
    if service_type is not None and service_type not in {s.value for s in ServiceType}:
        raise ValidationError(_("Check the filters."),
                              {"service_type": [_("Unknown service type.")]})
    return PerformanceFilter(period, ServiceType(service_type) if service_type else None,
                             _provider_arg(user, args))


def _period_bounds(period: str) -> tuple[date, date]:
    year = int(period[:4])
    if len(period) == 4:
        return date(year, 1, 1), date(year, 12, 31)
    quarter = int(period[-1])
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + quarter // 4, 3 * quarter % 12 + 1, 1)
    return start, end - timedelta(days=1)


def performance_rows(user: User, f: PerformanceFilter) -> Iterable[Sequence]:
    start, end = _period_bounds(f.period)
    stmt = visible_contracts(user).where(Contract.status != ContractStatus.DRAFT,
                                         Contract.start_date <= end, Contract.end_date >= start)
    if f.service_type is not None:
        stmt = stmt.where(Contract.service_type == f.service_type)
    if f.provider_id is not None:
        stmt = stmt.where(Contract.provider_id == f.provider_id)
    today = clock.today()
    for contract in db.session.scalars(stmt.order_by(Contract.number)):
        p = contract_performance(contract, f.period, today)
        yield (contract.number, contract.title, contract.provider.name,
               _label(SERVICE_TYPE_LABELS, contract.service_type.value), p.period,
               p.rounded("inspection"), p.rounded("timeliness"), p.rounded("targets"),
               p.rounded("composite"), _label(GRADE_LABELS, p.grade),
               p.payment_share, p.linked_amount, p.payable_amount)


def performance_xlsx(user: User, f: PerformanceFilter) -> bytes:
    columns = [Column(_("Contract number"), width=18), Column(_("Title"), width=32),
               Column(_("Provider"), width=30), Column(_("Service type"), width=14),
               Column(_("Period"), width=10), Column(_("Inspections"), SCORE, 10),
               Column(_("Timeliness"), SCORE, 10), Column(_("Targets"), SCORE, 10),
               Column(_("Composite"), SCORE, 10), Column(_("Grade"), width=8),
               Column(_("Payment share (%)"), INTEGER, 10),
               Column(_("Performance-linked installment (yuan)"), MONEY, 16),
               Column(_("Payable amount (yuan)"), MONEY, 16)]
    return workbook_bytes([Sheet(_("Performance"), columns, performance_rows(user, f))])


# ---- choices of the filter form --------------------------------------------------------------

def template_choices(user: User) -> list[AssessmentTemplate]:
    """The template versions of the inspections ``user`` may see."""
    used = visible_inspections(user).with_only_columns(Inspection.template_id).distinct()
    return list(db.session.scalars(sa.select(AssessmentTemplate).where(
        AssessmentTemplate.id.in_(used)).order_by(AssessmentTemplate.code,
                                                  AssessmentTemplate.version.desc())))


def county_choices(user: User) -> list[Region]:
    stmt = sa.select(Region).where(Region.level == Level.COUNTY).order_by(Region.code)
    if user.role is not Role.ADMIN and user.role is not Role.PROVIDER and user.region:
        stmt = stmt.where(Region.id.in_(region_subtree(user.region)))
    return list(db.session.scalars(stmt))


def export_filename(kind: str, extra: str = "") -> str:
    return f"{kind}-{extra + '-' if extra else ''}{clock.today().isoformat()}.xlsx"

