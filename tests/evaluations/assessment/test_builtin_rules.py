"""What the built-in templates take from the national rules: the two verified major hazards
as vetoes of a new safety version (old inspections keep theirs), and the GB/T 37276-2018
grading template (sections, levels, floors, prerequisites)."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from evaluations.assessment.builtin import load_builtin
from evaluations.assessment.models import AssessmentTemplate
from evaluations.assessment.services import (
    current_template,
    import_template,
    seed_builtin_templates,
    to_scoring_specs,
)
from evaluations.inspections.services import submit_inspection
from evaluations.scoring import Answer, score
from tests.factories import fill_in, item_of

HAZARDS = ("combustible_decoration", "medical_unit_licence")


def _safety_before_the_hazard_rule() -> dict:
    """The safety template as shipped before: both hazards plain items."""
    doc = load_builtin("safety")
    for section in doc["sections"]:
        for item in section["items"]:
            if item["key"] in HAZARDS:
                item["critical"] = False
    return doc


def test_shipped_safety_template_makes_both_hazards_vetoes():
    items = {item["key"]: item for section in load_builtin("safety")["sections"]
             for item in section["items"]}
    for key in HAZARDS:
        assert items[key]["critical"] is True
        assert "养老机构重大事故隐患判定标准" in items[key]["guidance"]["zh_CN"]


@pytest.mark.parametrize("hazard", HAZARDS)
def test_new_safety_version_fails_on_a_hazard_and_old_inspections_keep_theirs(
        db, hazard, inspection_world, schedule):
    w = inspection_world
    old = import_template(_safety_before_the_hazard_rule(), None, publish=True)
    db.session.commit()
    before = schedule(template=old)
    # the upgrade's seed stores the shipped file as the next version
    [new] = [t for t in seed_builtin_templates() if t.code == "safety"]
    db.session.commit()
    assert (new.version, current_template("safety").id) == (old.version + 1, new.id)
    assert before.template_id == old.id and not item_of(before.template, hazard).critical
    assert all(item_of(new, key).critical for key in HAZARDS)

    inspection = schedule(template=new)
    world = SimpleNamespace(template=new, inspector=w.inspector)
    fill_in(db, inspection, world, value=lambda item: False if item.key == hazard else None)
    submit_inspection(inspection, actor=w.inspector)
    db.session.commit()
    assert inspection.grade == "fail"
    assert inspection.failed_critical == [item_of(new, hazard).id]
    assert Decimal(inspection.total) >= 90  # the total alone would have been excellent

    # the same answers on the old version: a plain item lost, no veto
    fill_in(db, before, SimpleNamespace(template=old, inspector=w.inspector),
            value=lambda item: False if item.key == hazard else None)
    submit_inspection(before, actor=w.inspector)
    db.session.commit()
    assert before.grade == "excellent" and before.failed_critical == []
    assert db.session.get(AssessmentTemplate, old.id).version == 1


def test_no_medical_unit_is_not_applicable_not_a_veto(db, make_template):
    template = make_template("safety")
    sections, bands = to_scoring_specs(template)
    medical = item_of(template, "medical_unit_licence").id
    answers = {item.id: (Answer(item.id, na=True) if item.id == medical
                         else Answer(item.id, yes=True) if item.kind == "yes_no"
                         else Answer(item.id, points=item.max_points))
               for section in sections for item in section.items}
    result = score(sections, answers, bands)
    assert result.grade == "excellent" and result.failed_critical == ()


# ---- GB/T 37276-2018 grading -------------------------------------------------------------

PARTS = {"environment": 120, "facilities": 130, "operation": 150, "services": 600}


def test_grading_template_parts_sum_to_1000_and_cite_their_sources(db, make_template):
    doc = load_builtin("grading")
    sections = {section["key"]: section for section in doc["sections"]}
    assert {key: section["weight"] for key, section in sections.items() if section["weight"]} \
        == PARTS
    assert sum(PARTS.values()) == 1000
    for key, maximum in PARTS.items():
        assert sum(Decimal(str(i["max_points"])) for i in sections[key]["items"]) == maximum
        for item in sections[key]["items"]:
            assert "GB/T 37276-2018" in item["guidance"]["zh_CN"], item["key"]
    prerequisites = sections["prerequisites"]
    assert prerequisites["weight"] == 0
    assert all(item["critical"] for item in prerequisites["items"])
    template = make_template("grading")
    assert template.code == "grading" and len(template.items) == sum(
        len(section["items"]) for section in doc["sections"])


def _grade(template, section_scores: dict[str, Decimal], *, prerequisite_fails: str = ""):
    """Score ``template`` with each part earning ``section_scores[key]`` % of its maximum."""
    sections, bands = to_scoring_specs(template)
    keys = {section.id: section.key for section in template.sections}
    answers = {}
    for section in sections:
        share = section_scores.get(keys[section.id], Decimal(100)) / 100
        for item in section.items:
            if item.kind == "yes_no":
                failing = prerequisite_fails and item_of(template, prerequisite_fails).id
                answers[item.id] = Answer(item.id, yes=item.id != failing)
            else:
                points = (item.max_points * share * 2).to_integral_value() / 2
                answers[item.id] = Answer(item.id, points=points)
    return score(sections, answers, bands)


@pytest.mark.parametrize(("parts", "level"), [
    ({}, "level_5"),
    ({"services": Decimal(90), "environment": Decimal(90)}, "level_5"),
    # 89 % of services: 90.4 in all but below level 5's floor of 90 % in that part
    ({"services": Decimal(89), "environment": Decimal(100)}, "level_4"),
    ({"services": Decimal(80), "operation": Decimal(80)}, "level_4"),
    ({"services": Decimal(60), "operation": Decimal(60), "facilities": Decimal(60),
      "environment": Decimal(60)}, "level_3"),
    ({"services": Decimal(50), "operation": Decimal(50), "facilities": Decimal(50),
      "environment": Decimal(50)}, "level_2"),
    ({"services": Decimal(40), "operation": Decimal(40), "facilities": Decimal(40),
      "environment": Decimal(40)}, "level_1"),
    ({"services": Decimal(39), "operation": Decimal(39), "facilities": Decimal(39),
      "environment": Decimal(39)}, "not_rated"),
])
def test_grading_levels_by_totals_and_part_floors(db, make_template, parts, level):
    assert _grade(make_template("grading"), parts).grade == level


def test_grading_environment_below_forty_percent_blocks_every_level(db, make_template):
    result = _grade(make_template("grading"), {"environment": Decimal(30)})
    assert result.rounded_total >= 90  # the total alone is level 5
    assert result.grade == "not_rated"


def test_grading_prerequisite_missing_blocks_the_grade(db, make_template):
    result = _grade(make_template("grading"), {}, prerequisite_fails="fire_safety_acceptance")
    assert result.rounded_total == Decimal("100.0") and result.grade == "not_rated"


def test_grading_template_is_seeded_once(db):
    seed_builtin_templates()
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssessmentTemplate)
                             .where(AssessmentTemplate.code == "grading")) == 1
