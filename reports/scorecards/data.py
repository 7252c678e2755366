"""What an inspection scorecard shows, gathered from the database into plain values.

Kept apart from the layout (reports/pdf.py) so that the PDF builder takes plain data and returns
bytes, and so that a batch can share one query for the city-wide means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from app.clock import LOCAL_TZ
from app.extensions import db
from evaluations.actions.models import CorrectiveAction
from evaluations.assessment.bands import grade_label
from evaluations.assessment.models import AssessmentTemplate, TemplateSection
from evaluations.assessment.readings import result_text
from evaluations.assessment.services import to_scoring_specs
from evaluations.inspections import integrity
from evaluations.inspections.models import EvidencePhoto, Inspection
from evaluations.inspections.photos import ensure_thumbnail
from evaluations.inspections.signatures import signature_path
from evaluations.labels import SEVERITY_LABELS
from evaluations.scoring import floors_missed
from reports.appeals.models import Appeal, AppealStatus
from reports.appeals.services import subject_text
from reports.scorecards.means import city_section_means


@dataclass(frozen=True)
class SectionLine:
    name: str
    weight: Decimal
    score: Decimal | None
    city_mean: Decimal | None


@dataclass(frozen=True)
class ItemLine:
    section: str
    text: str
    earned: str
    max_points: Decimal
    note: str
    critical: bool


@dataclass(frozen=True)
class ActionLine:
    description: str
    owner: str
    deadline: date
    severity: str
    status: str


@dataclass(frozen=True)
class PhotoLine:
    path: Path
    caption: str
    width: int
    height: int


@dataclass(frozen=True)
class SignatureLine:
    role: str
    name: str
    #: local time, to the minute
    signed_at: str
    path: Path
    width: int
    height: int


@dataclass(frozen=True)
class AppealLine:
    """One appeal as a scorecard notes it: open, or resolved and how."""

    text: str
    open: bool


@dataclass
class ScorecardData:
    inspection_id: int
    title: str
    subject: str
    provider: str
    template: str
    inspector: str
    date: date
    status: str
    total: Decimal | None
    grade: str | None
    verification_code: str
    #: a finalized correction replaced it
    superseded: bool
    #: the grade as shown: the band's own label, in the reader's language with the Chinese
    grade_text: str = "—"
    #: bands the total reached but a section floor held back: "优秀: 安全管理 ≥ 80 (72.0)"
    held_back: list[str] = field(default_factory=list)
    appeals: list[AppealLine] = field(default_factory=list)
    #: a correction of it is being filled in: the result stands until that is finalized
    being_corrected: bool = False
    sections: list[SectionLine] = field(default_factory=list)
    failed_critical: list[ItemLine] = field(default_factory=list)
    below_max: list[ItemLine] = field(default_factory=list)
    actions: list[ActionLine] = field(default_factory=list)
    photos: list[PhotoLine] = field(default_factory=list)
    #: footnotes of photos with integrity signs, "[1] item: taken 5 days before ...", each
    #: photo's caption carrying its mark; never naming another inspection (see integrity)
    integrity_notes: list[str] = field(default_factory=list)
    #: by role (``inspector``, ``representative``); printed instead of empty signature lines
    signatures: dict[str, SignatureLine] = field(default_factory=dict)


#: built once: composing this statement and its loader options took 0.45 ms of every
#: scorecard (measured), and it differs only in the inspection's id
_SCORECARD_LOAD = sa.select(Inspection).where(
    Inspection.id == sa.bindparam("inspection_id")).options(
        so.joinedload(Inspection.template).selectinload(AssessmentTemplate.sections)
        .selectinload(TemplateSection.items),
        so.selectinload(Inspection.answers),
        so.selectinload(Inspection.photos),
        so.selectinload(Inspection.signatures),
        so.joinedload(Inspection.facility),
        so.joinedload(Inspection.contract),
        so.joinedload(Inspection.provider),
        so.joinedload(Inspection.inspector),
        so.joinedload(Inspection.superseded_by),
)


def load_for_scorecard(inspection_id: int) -> Inspection:
    """One inspection with everything its scorecard reads, in a handful of queries."""
    return db.session.scalars(_SCORECARD_LOAD, {"inspection_id": inspection_id}).unique().one()


def _earned(answer, item) -> str:
    if answer is None:
        return "—"
    if answer.na:
        return _("N/A")
    if item.kind == "yes_no":
        return _("Yes") if answer.yes else _("No")
    if item.kind == "reading" and answer.reading is not None:
        return result_text(item, answer.reading)  # "17.5℃ → 2.5 points"
    return f"{answer.points}"


def _below_max(answer, item) -> bool:
    if answer is None or answer.na:
        return False
    if item.kind == "yes_no":
        return not answer.yes
    return answer.points is not None and answer.points < item.max_points


def scorecard_data(inspection: Inspection, locale: str,
                   city_means: dict[int, Decimal] | None = None,
                   max_photos: int = 24) -> ScorecardData:
    template = inspection.template
    if city_means is None:
        city_means = city_section_means(template.id)
    scores = {int(e["section_id"]): Decimal(str(e["score"]))
              for e in inspection.section_scores or [] if e.get("score") is not None}
    answers = {a.item_id: a for a in inspection.answers}
    failed = set(inspection.failed_critical or [])
    subject = inspection.facility.name if inspection.facility else ""
    if inspection.contract is not None:
        subject = (f"{subject} · " if subject else "") + \
            f"{inspection.contract.number} {inspection.contract.title}"
    data = ScorecardData(
        inspection_id=inspection.id,
        title=_("Inspection scorecard"),
        subject=subject,
        provider=inspection.provider.name if inspection.provider else "—",
        template=f"{template.name(locale)} ({template.code} v{template.version})",
        inspector=inspection.inspector.name or inspection.inspector.email,
        date=(inspection.submitted_at.astimezone(LOCAL_TZ).date() if inspection.submitted_at
              else inspection.scheduled_for),
        status=inspection.status.value,
        total=inspection.total,
        grade=inspection.grade,
        verification_code=inspection.verification_code or "",
        superseded=inspection.is_replaced,
        being_corrected=not inspection.is_current and not inspection.is_replaced,
        grade_text=grade_label(inspection.grade, template.grade_bands),
    )
    if not failed:
        data.held_back = _held_back(template, scores, inspection.total, locale)
    for section in template.sections:
        name = section.name(locale)
        data.sections.append(SectionLine(name, section.weight, scores.get(section.id),
                                         city_means.get(section.id)))
        for item in section.items:
            answer = answers.get(item.id)
            # only the items printed are worded: most items of a result get full marks
            if item.id in failed:
                lines = data.failed_critical
            elif _below_max(answer, item):
                lines = data.below_max
            else:
                continue
            lines.append(ItemLine(name, item.text(locale), _earned(answer, item),
                                  item.max_points, answer.note if answer else "", item.critical))
    # the columns printed, not whole actions: no objects to build and track
    actions = db.session.execute(
        sa.select(CorrectiveAction.description, CorrectiveAction.deadline,
                  CorrectiveAction.severity, CorrectiveAction.status)
        .where(CorrectiveAction.inspection_id == inspection.id)
        .order_by(CorrectiveAction.deadline))
    owner = inspection.provider.name if inspection.provider else "—"
    data.actions = [ActionLine(a.description, owner, a.deadline, str(SEVERITY_LABELS[a.severity]),
                               a.status.value) for a in actions]
    items = {i.id: i for s in template.sections for i in s.items}
    marks = _integrity_notes(inspection, items, locale, data)
    for photo in inspection.photos[:max_photos]:
        item = items.get(photo.item_id)
        # EXIF times are local wall-clock times; they are stored in UTC
        taken = (photo.taken_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
                 if photo.taken_at else "")
        caption = " ".join(filter(None, [item.text(locale)[:18] if item else "", taken,
                                         marks.get(photo.id)]))
        thumbnail = ensure_thumbnail(photo)
        if thumbnail is not None:
            data.photos.append(PhotoLine(thumbnail, caption, photo.width, photo.height))
    for signature in inspection.signatures:
        path = signature_path(signature)
        if path.is_file():  # a missing file leaves the empty line, not a crash
            data.signatures[signature.role.value] = SignatureLine(
                signature.role.value, signature.signer_name,
                signature.signed_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M"), path,
                signature.width, signature.height)
    return data


def _integrity_notes(inspection: Inspection, items: dict, locale: str,
                     data: ScorecardData) -> dict[int, str]:
    """Fill ``data.integrity_notes``; the mark (``[1]``) of each flagged photo by its id."""
    signs = integrity.for_inspection(inspection, None)  # a scorecard is the same for all
    marks: dict[int, str] = {}
    for photo in inspection.photos:
        texts = integrity.sign_texts(signs[photo.id])
        if not texts:
            continue
        mark = marks[photo.id] = f"[{len(marks) + 1}]"
        item = items.get(photo.item_id)
        label = item.text(locale)[:40] if item else _("Photo")
        data.integrity_notes.append(f"{mark} {label}: {'; '.join(texts)}")
    return marks


def photo_count(inspection: Inspection) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(EvidencePhoto)
                             .where(EvidencePhoto.inspection_id == inspection.id))


def _held_back(template: AssessmentTemplate, scores: dict[int, Decimal], total, locale: str
               ) -> list[str]:
    """The section floors that kept the result out of a higher band, as lines."""
    _specs, bands = to_scoring_specs(template)
    if not any(band.section_floors for band in bands):
        return []
    names = {section.id: section.name(locale) for section in template.sections}
    every = {section.id: scores.get(section.id) for section in template.sections}
    return [_("%(grade)s needs %(section)s ≥ %(floor)s (scored %(score)s)",
              grade=grade_label(grade, template.grade_bands), section=names[section_id],
              floor=floor, score=every[section_id])
            for grade, section_id, floor in floors_missed(total, bands, every)]


def appeal_lines(appeals: list[Appeal], locale: str) -> list[AppealLine]:
    """What a scorecard says of each appeal: who appealed what, when, and where it stands."""
    lines = []
    for appeal in appeals:
        opened = appeal.opened_at.astimezone(LOCAL_TZ).date().isoformat()
        head = _("Appeal #%(id)d of %(subject)s, lodged %(day)s", id=appeal.id,
                 subject=subject_text(appeal), day=opened)
        if appeal.status is AppealStatus.OPEN:
            state = _("open, to be answered by %(day)s; the result may still change",
                      day=appeal.due_by.isoformat())
        else:
            resolved = appeal.resolved_at.astimezone(LOCAL_TZ).date().isoformat()
            state = (_("upheld on %(day)s", day=resolved)
                     if appeal.status is AppealStatus.UPHELD
                     else _("corrected on %(day)s", day=resolved))
            if appeal.correction_id:
                state += " · " + _("correction: inspection #%(id)d", id=appeal.correction_id)
            if appeal.revised_decision_id:
                state += " · " + _("revised decision #%(id)d", id=appeal.revised_decision_id)
            state += " · " + appeal.resolution_reason
        lines.append(AppealLine(f"{head}: {state}", appeal.is_open))
    return lines
