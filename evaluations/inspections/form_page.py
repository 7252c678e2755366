"""What the field form page shows besides the controls: progress, each section's completion,
the gaps that stop a submit (grouped by section, as links), photos and signatures by item.

Plain values for the template; the page's script keeps the same figures current as the
inspector works (on the device, also offline), so both must follow the rules of
``inspections.answers.check_complete``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from app.errors import DomainError
from evaluations.assessment.models import TemplateItem, TemplateSection
from evaluations.inspections.models import Inspection, SignatureRole
from evaluations.inspections.signatures import ROLE_LABELS


@dataclass
class SectionProgress:
    number: int
    section: TemplateSection
    answered: int
    total: int


@dataclass
class GapGroup:
    """The gaps of one section (or of the signatures), in template order."""

    title: str
    #: (anchor id, label, reason)
    links: list[tuple[str, str, str]] = field(default_factory=list)


def _answered(value: dict | None) -> bool:
    return bool(value) and (value.get("na") or value.get("value") not in (None, ""))


def photos_by_item(inspection: Inspection) -> dict[int | None, list]:
    grouped: dict[int | None, list] = {}
    for photo in inspection.photos:
        grouped.setdefault(photo.item_id, []).append(photo)
    return grouped


def progress(inspection: Inspection, values: dict[int, dict]) -> dict[str, Any]:
    """Answered items of all, each section's, and required photos still missing."""
    with_photo = {photo.item_id for photo in inspection.photos}
    sections: list[SectionProgress] = []
    photos_missing = 0
    for number, section in enumerate(inspection.template.sections, start=1):
        answered = sum(1 for item in section.items if _answered(values.get(item.id)))
        sections.append(SectionProgress(number, section, answered, len(section.items)))
        photos_missing += sum(1 for item in section.items
                              if item.evidence_required and item.id not in with_photo
                              and not (values.get(item.id) or {}).get("na"))
    return {"answered": sum(s.answered for s in sections),
            "total": sum(s.total for s in sections),
            "photos_missing": photos_missing, "sections": sections}


def _item_number(item: TemplateItem) -> str:
    return f"{item.section.position + 1}.{item.position + 1}"


def gaps(inspection: Inspection, error: DomainError | None, locale: str) -> list[GapGroup]:
    """The refused submit's gaps (``items.<id>`` and ``signatures.<role>``) as link groups."""
    if error is None:
        return []
    groups: list[GapGroup] = []
    for number, section in enumerate(inspection.template.sections, start=1):
        group = GapGroup(f"{number}. {section.name(locale)}")
        for item in section.items:
            for reason in error.fields.get(f"items.{item.id}", [])[:1]:
                group.links.append((f"item-{item.id}",
                                    f"{_item_number(item)} {item.text(locale)}", reason))
        if group.links:
            groups.append(group)
    signatures = GapGroup(_("Signatures"))
    for role in SignatureRole:
        for reason in error.fields.get(f"signatures.{role.value}", [])[:1]:
            signatures.links.append((f"signature-{role.value}", str(ROLE_LABELS[role]), reason))
    if signatures.links:
        groups.append(signatures)
    return groups


def signatures_by_role(inspection: Inspection) -> dict[str, Any]:
    return {signature.role.value: signature for signature in inspection.signatures}
