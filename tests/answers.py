"""Answers of an inspection for tests: a reading that earns given points, every item answered,
an item by its key, and a form filled in with its photos."""

from __future__ import annotations

from decimal import Decimal

from evaluations.assessment.readings import item_rule
from evaluations.inspections import services as inspection_services
from evaluations.inspections.photos import add_photo
from tests.photos import jpeg_bytes, photo_upload


def reading_for(item, points) -> Decimal:
    """A measured reading of a ``reading`` item that earns ``points`` ("max", the max, half
    of it or 0) under its template's thresholds, so that tests written for points still say
    what they mean; a ``("reading", "17.5")`` pair is the reading itself."""
    if isinstance(points, tuple):
        return Decimal(points[1])
    rule = item_rule(item)
    top = Decimal(item.max_points)
    points = top if points == "max" else Decimal(str(points))
    if points == top:
        return rule.full_at
    if points == top / 2 and rule.half_at is not None:
        return rule.half_at
    if points == 0:
        return max(rule.low, (rule.half_at if rule.half_at is not None else rule.full_at) - 1)
    raise ValueError(f"no reading of {item.key} earns {points} points")


def full_answers(template, *, value=None, na_items=()) -> list[dict]:
    """Answers to every item of ``template``: the maximum (or ``value(item)``), N/A for
    ``na_items`` (item keys). A ``reading`` item gets the reading that earns those points
    (``reading_for``)."""
    answers = []
    for item in template.items:
        if item.key in na_items:
            answers.append({"item_id": item.id, "na": True})
            continue
        given = value(item) if value else None
        if item.kind == "yes_no":
            answers.append({"item_id": item.id, "yes": True if given is None else given})
        elif item.kind == "reading":
            answers.append({"item_id": item.id, "reading": str(reading_for(
                item, "max" if given is None else given))})
        else:
            answers.append({"item_id": item.id,
                            "points": float(item.max_points) if given is None else given})
    return answers


def item_of(template, key):
    return next(item for item in template.items if item.key == key)


def fill_in(db, inspection, w, **kwargs):
    """Every item answered (``full_answers(**kwargs)``) and every required photo attached."""
    inspection_services.save_answers(inspection, version=inspection.version,
                          answers=full_answers(w.template, **kwargs), actor=w.inspector)
    for item in w.template.items:
        if item.evidence_required and item.key not in kwargs.get("na_items", ()):
            add_photo(inspection, item, photo_upload(jpeg_bytes()), w.inspector)
    db.session.commit()
