"""Builders of scoring specs and answers for the pure scoring tests: short, with Decimals."""

from __future__ import annotations

from decimal import Decimal

from evaluations.scoring import Answer, ItemSpec, SectionSpec, answers_by_item

D = Decimal


def points_item(item_id, max_points, **flags):
    return ItemSpec(item_id, "points", D(max_points), **flags)


def yes_no_item(item_id, max_points, **flags):
    return ItemSpec(item_id, "yes_no", D(max_points), **flags)


def section(section_id, weight, *items):
    return SectionSpec(section_id, D(weight), tuple(items))


def pts(item_id, points):
    return Answer(item_id, points=D(points))


def answered(*answers):
    return answers_by_item(answers)
