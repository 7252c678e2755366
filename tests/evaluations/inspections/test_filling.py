"""Filling in an inspection: saving answers under the optimistic lock, refusing invalid ones
item by item, submitting only a complete form, and the score it stores."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.errors import Conflict, NotFound, ValidationError
from evaluations.assessment.services import import_template
from evaluations.inspections import services as svc
from evaluations.inspections.models import Inspection, InspectionAnswer
from tests.factories import fill_in, full_answers, item_of

# ---- saving answers ------------------------------------------------------------------------

def test_save_answers_partial_then_stale_version_is_refused(db, schedule, inspection_world):
    w = inspection_world
    inspection = schedule()
    first = w.template.items[0]
    svc.save_answers(inspection, version=1, answers=[{"item_id": first.id, "yes": True,
                                                      "note": "ok"}], actor=w.inspector)
    db.session.commit()
    assert inspection.status == "in_progress" and inspection.version == 2
    assert inspection.started_at is not None

    with pytest.raises(Conflict) as error:
        svc.save_answers(inspection, version=1, answers=[{"item_id": first.id, "yes": False}],
                         actor=w.inspector)
    assert "changed by someone else" in error.value.message and "version 2" in error.value.message
    db.session.rollback()
    row = db.session.scalar(sa.select(InspectionAnswer))
    assert row.yes is True and row.note == "ok"
    assert db.session.get(Inspection, inspection.id).version == 2


@pytest.mark.parametrize("case", ["above_max", "not_half_step", "other_template", "na"])
def test_invalid_answers_name_the_item_and_change_nothing(db, schedule, inspection_world,
                                                          make_template, case):
    w = inspection_world
    inspection = schedule()
    points_item = item_of(w.template, "room_temperature")  # points, max 5, no N/A
    ok = {"item_id": w.template.items[0].id, "yes": True}
    bad = {
        "above_max": {"item_id": points_item.id, "points": 5.5},
        "not_half_step": {"item_id": points_item.id, "points": 0.3},
        "other_template": {"item_id": make_template("safety").items[0].id, "yes": True},
        "na": {"item_id": points_item.id, "na": True},
    }[case]
    field = {"above_max": "points", "not_half_step": "points", "other_template": "item_id",
             "na": "na"}[case]
    with pytest.raises(ValidationError) as error:
        svc.save_answers(inspection, version=1, answers=[ok, bad], actor=w.inspector)
    assert f"answers[1].{field}" in error.value.fields
    assert "answers[0].yes" not in error.value.fields
    if case != "other_template":
        # the item as the inspector reads it (the template's parameters filled in)
        assert points_item.text("en") in error.value.message or points_item.text("zh_CN") in \
            error.value.message
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(InspectionAnswer.id))) == 0
    assert db.session.get(Inspection, inspection.id).version == 1


def test_only_the_assigned_inspector_saves(db, schedule, inspection_world, make_user):
    inspection = schedule()
    other = make_user("inspector", region="a")
    with pytest.raises(NotFound):
        svc.save_answers(inspection, version=1, answers=[], actor=other)


# ---- submitting and scoring ----------------------------------------------------------------

def _small_template_doc(critical: bool = False) -> dict:
    def item(key, kind, max_points, allow_na=False, crit=False):
        return {"key": key, "text": {"zh_CN": f"条目{key}", "en": f"Item {key}"}, "kind": kind,
                "max_points": max_points, "critical": crit, "allow_na": allow_na,
                "evidence_required": False, "guidance": {"zh_CN": "", "en": ""}}

    return {
        "format": "careprocure-template/1", "code": "hand_case",
        "name": {"zh_CN": "手算", "en": "Hand case"}, "description": {"zh_CN": "", "en": ""},
        "target": "facility",
        "grade_bands": [{"grade": "excellent", "min_score": 90}, {"grade": "good", "min_score": 75},
                        {"grade": "pass", "min_score": 60}, {"grade": "fail", "min_score": 0}],
        "sections": [
            {"key": "a", "name": {"zh_CN": "甲", "en": "A"}, "weight": 50, "items": [
                item("a1", "points", 10), item("a2", "yes_no", 5),
                item("a3", "points", 5, allow_na=True)]},
            {"key": "b", "name": {"zh_CN": "乙", "en": "B"}, "weight": 30, "items": [
                item("b1", "yes_no", 4, crit=critical), item("b2", "points", 6)]},
            {"key": "c", "name": {"zh_CN": "丙", "en": "C"}, "weight": 20, "items": [
                item("c1", "yes_no", 3, allow_na=True)]},
        ],
    }


@pytest.mark.parametrize("critical_no", [False, True])
def test_submit_computes_design_section_4(db, schedule, inspection_world, critical_no):
    """A: 7.5/10 + yes 5/5 + N/A → 12.5/15 = 83.33…; B: yes 4 + 5.5/6 = 9.5/10 = 95;
    C: only N/A → drops out. Total = (50 × 83.33… + 30 × 95) ÷ 80 = 87.708… → 87.7, good.
    With B1 critical and answered no: B = 55, total (4166.67 + 1650) ÷ 80 = 72.7, fail."""
    w = inspection_world
    template = import_template(_small_template_doc(critical=critical_no), None, publish=True)
    db.session.commit()
    inspection = schedule(template=template)
    i = {item.key: item.id for item in template.items}
    answers = [{"item_id": i["a1"], "points": 7.5}, {"item_id": i["a2"], "yes": True},
               {"item_id": i["a3"], "na": True}, {"item_id": i["b1"], "yes": not critical_no},
               {"item_id": i["b2"], "points": "5.5"}, {"item_id": i["c1"], "na": True}]
    svc.save_answers(inspection, version=1, answers=answers, actor=w.inspector)
    svc.submit_inspection(inspection, actor=w.inspector)
    db.session.commit()
    stored = db.session.get(Inspection, inspection.id)
    assert stored.status == "submitted" and stored.submitted_at is not None
    sections = {s.key: s.id for s in template.sections}
    if critical_no:
        assert stored.total == Decimal("72.7")
        assert stored.grade == "fail" and stored.failed_critical == [i["b1"]]
        assert stored.section_scores == [{"section_id": sections["a"], "score": "83.3"},
                                         {"section_id": sections["b"], "score": "55.0"}]
    else:
        assert stored.total == Decimal("87.7") and stored.grade == "good"
        assert stored.failed_critical == []
        assert stored.section_scores == [{"section_id": sections["a"], "score": "83.3"},
                                         {"section_id": sections["b"], "score": "95.0"}]


def test_submit_refuses_missing_answers_and_missing_evidence(db, schedule, inspection_world):
    w = inspection_world
    inspection = schedule()
    first = w.template.items[0]
    svc.save_answers(inspection, version=1, answers=[{"item_id": first.id, "yes": True}],
                     actor=w.inspector)
    with pytest.raises(ValidationError) as error:
        svc.submit_inspection(inspection, actor=w.inspector)
    assert f"items.{w.template.items[1].id}" in error.value.fields
    assert f"items.{first.id}" not in error.value.fields

    svc.save_answers(inspection, version=inspection.version,
                     answers=full_answers(w.template), actor=w.inspector)
    with pytest.raises(ValidationError) as error:
        svc.submit_inspection(inspection, actor=w.inspector)
    room = item_of(w.template, "room_temperature")
    assert f"items.{room.id}" in error.value.fields
    assert room.text("en") in error.value.message
    assert inspection.status == "in_progress"


def test_evidence_is_not_needed_for_an_naitem_of(db, schedule, inspection_world):
    w = inspection_world
    inspection = schedule()
    na_keys = {i.key for i in w.template.items if i.evidence_required and i.allow_na}
    fill_in(db, inspection, w, na_items=na_keys)
    svc.submit_inspection(inspection, actor=w.inspector)
    assert inspection.status == "submitted"
