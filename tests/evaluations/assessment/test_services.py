"""Assessment templates: import/export, validation paths, versioning, scoring bridge, seed."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.errors import Conflict, ValidationError
from evaluations.assessment.builtin import BUILTIN_CODES, load_builtin
from evaluations.assessment.models import (
    AssessmentTemplate,
    TemplateItem,
    TemplateSection,
    TemplateStatus,
)
from evaluations.assessment.services import (
    current_template,
    export_template,
    import_template,
    new_version,
    publish,
    retire,
    seed_builtin_templates,
    to_scoring_specs,
)
from evaluations.scoring import Answer, score


def count(db, model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize("code", BUILTIN_CODES)
def test_builtin_imports_with_25_items_and_round_trips(db, code):
    template = import_template(load_builtin(code), None)
    db.session.commit()
    assert template.version == 1 and template.status is TemplateStatus.DRAFT
    assert len(template.items) >= 25
    assert export_template(template) == load_builtin(code)
    # and the export imports again as version 2 with the same content
    again = import_template(export_template(template), None)
    assert again.version == 2
    assert export_template(again) == load_builtin(code)


def _broken(mutate):
    data = load_builtin("quality")
    mutate(data)
    return data


BAD = {
    "bad kind": (lambda d: d["sections"][1]["items"][2].update(kind="stars"),
                 "sections[1].items[2].kind"),
    "2.3 points": (lambda d: d["sections"][2]["items"][4].update(max_points=2.3),
                   "sections[2].items[4].max_points"),
    "zero points": (lambda d: d["sections"][0]["items"][0].update(max_points=0),
                    "sections[0].items[0].max_points"),
    "duplicate key": (lambda d: d["sections"][3]["items"][1].update(
        key=d["sections"][0]["items"][0]["key"]), "sections[3].items[1].key"),
    "weight a string": (lambda d: d["sections"][2].update(weight="20"), "sections[2].weight"),
    "negative weight": (lambda d: d["sections"][0].update(weight=-5), "sections[0].weight"),
    "missing zh name": (lambda d: d["name"].pop("zh_CN"), "name.zh_CN"),
    "missing section zh name": (lambda d: d["sections"][1]["name"].update(zh_CN=" "),
                                "sections[1].name.zh_CN"),
    "bands ascending": (lambda d: d["grade_bands"].reverse(), "grade_bands[1].min_score"),
    "bands not ending at 0": (lambda d: d["grade_bands"][3].update(min_score=10),
                              "grade_bands[3].min_score"),
    "wrong format": (lambda d: d.update(format="other/2"), "format"),
    "bad code": (lambda d: d.update(code="Quality Check"), "code"),
    "unknown field": (lambda d: d["sections"][0]["items"][0].update(max_point=3),
                      "sections[0].items[0].max_point"),
    "flag not bool": (lambda d: d["sections"][0]["items"][0].update(critical="yes"),
                      "sections[0].items[0].critical"),
    "empty section": (lambda d: d["sections"][1].update(items=[]), "sections[1].items"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_template_names_the_path_and_stores_nothing(db, case):
    mutate, path = BAD[case]
    with pytest.raises(ValidationError) as caught:
        import_template(_broken(mutate), None)
    db.session.rollback()
    assert path in caught.value.fields, caught.value.fields
    assert count(db, AssessmentTemplate) == count(db, TemplateItem) == 0


def test_message_names_the_item(db):
    data = _broken(lambda d: d["sections"][2]["items"][4].update(max_points=2.3))
    key = data["sections"][2]["items"][4]["key"]
    with pytest.raises(ValidationError) as caught:
        import_template(data, None)
    assert key in caught.value.fields["sections[2].items[4].max_points"][0]


def test_a_huge_weight_is_not_called_negative(db):
    data = _broken(lambda d: d["sections"][0].update(weight=100000))
    with pytest.raises(ValidationError) as caught:
        import_template(data, None)
    message = caught.value.fields["sections[0].weight"][0]
    assert "negative" not in message and "100000" in message, message


def test_every_problem_is_reported_at_once(db):
    def mutate(d):
        d["sections"][0]["items"][0]["kind"] = "stars"
        d["sections"][1]["weight"] = None
        d["name"]["zh_CN"] = ""
    with pytest.raises(ValidationError) as caught:
        import_template(_broken(mutate), None)
    assert {"sections[0].items[0].kind", "sections[1].weight", "name.zh_CN"} <= set(
        caught.value.fields)


def test_non_object_is_refused(db):
    with pytest.raises(ValidationError):
        import_template(["not", "a", "template"], None)


def test_database_refuses_what_the_service_would(db, make_template):
    template = make_template("safety")
    item = template.items[0]
    item.max_points = Decimal("2.3")
    with pytest.raises(ValidationError) as refused:  # the CHECK, said as a field error
        db.session.flush()
    assert "max_points" in refused.value.fields
    section = db.session.get(TemplateSection, template.sections[0].id)
    section.weight = Decimal(-1)
    with pytest.raises(ValidationError) as refused:
        db.session.flush()
    assert "weight" in refused.value.fields


def _snapshot(template):
    return [(item.id, item.key, item.text_zh, item.max_points) for item in template.items]


def test_edit_makes_version_2_and_leaves_version_1_alone(db, make_template, make_user):
    admin = make_user("admin")
    v1 = make_template("quality")
    before = _snapshot(v1)
    edited = export_template(v1)
    edited["sections"][0]["items"][0]["text"]["zh_CN"] = "修改后的检查项"
    edited["sections"][0]["items"][1]["max_points"] = 7.5
    edited["sections"][1]["items"].pop()
    edited["sections"].append({"key": "extra", "name": {"zh_CN": "附加", "en": "Extra"},
                               "weight": 5, "items": [{"key": "extra_one",
                                                       "text": {"zh_CN": "附加项"},
                                                       "kind": "points", "max_points": 4}]})
    v2 = new_version(v1, edited, admin)
    db.session.commit()
    db.session.expire_all()

    v1 = db.session.get(AssessmentTemplate, v1.id)
    assert (v2.code, v2.version, v2.status) == ("quality", 2, TemplateStatus.PUBLISHED)
    assert v2.created_by_id == admin.id
    assert _snapshot(v1) == before
    assert v1.status is TemplateStatus.PUBLISHED
    assert v2.items[0].text_zh == "修改后的检查项" and v2.items[1].max_points == Decimal("7.5")
    assert {i.id for i in v2.items}.isdisjoint({i.id for i in v1.items})
    assert v2.sections[-1].key == "extra"
    assert current_template("quality").id == v2.id


def test_edit_with_a_bad_value_stores_nothing(db, make_template):
    v1 = make_template("quality")
    edited = export_template(v1)
    edited["sections"][0]["items"][3]["max_points"] = 2.3
    with pytest.raises(ValidationError) as caught:
        new_version(v1, edited, None)
    db.session.rollback()
    assert "sections[0].items[3].max_points" in caught.value.fields
    assert count(db, AssessmentTemplate) == 1


def test_edit_may_not_change_the_code_and_must_change_something(db, make_template):
    v1 = make_template("quality")
    with pytest.raises(ValidationError) as caught:
        new_version(v1, {**export_template(v1), "code": "other"}, None)
    assert "code" in caught.value.fields
    with pytest.raises(ValidationError):
        new_version(v1, export_template(v1), None)


def test_import_of_an_existing_code_is_the_next_version(db, make_template):
    make_template("safety")
    again = import_template(load_builtin("safety"), None)
    assert again.version == 2 and again.status is TemplateStatus.DRAFT


def test_current_is_the_newest_published(db, make_template):
    v1 = make_template("warm_winter")
    v2 = make_template("warm_winter", publish=False)
    assert current_template("warm_winter").id == v1.id  # a draft is never current
    publish(v2)
    assert current_template("warm_winter").id == v2.id
    retire(v2)
    assert current_template("warm_winter").id == v1.id
    retire(v1)
    assert current_template("warm_winter") is None
    assert current_template("no_such_code") is None


def test_publish_and_retire_refuse_repeats(db, make_template):
    template = make_template("safety")
    with pytest.raises(Conflict):
        publish(template)
    retire(template)
    with pytest.raises(Conflict):
        retire(template)


@pytest.mark.parametrize("code", BUILTIN_CODES)
def test_scoring_specs_all_max_gives_100(db, make_template, code):
    sections, bands = to_scoring_specs(make_template(code))
    answers = {item.id: (Answer(item.id, yes=True) if item.kind == "yes_no"
                         else Answer(item.id, reading=item.reading.full_at)
                         if item.kind == "reading" else Answer(item.id, points=item.max_points))
               for section in sections for item in section.items}
    result = score(sections, answers, bands)
    assert result.rounded_total == Decimal("100.0")
    top = "level_5" if code == "grading" else "excellent"
    assert result.grade == top
    if code != "grading":  # GB/T 37276-2018 levels: tests/.../test_builtin_rules.py
        assert [band.grade for band in bands] == ["excellent", "good", "pass", "fail"]


def test_scoring_specs_critical_zero_fails(db, make_template):
    sections, bands = to_scoring_specs(make_template("quality"))
    critical = next(item for section in sections for item in section.items if item.critical)
    answers = {item.id: (Answer(item.id, yes=item is not critical) if item.kind == "yes_no"
                         else Answer(item.id, points=item.max_points))
               for section in sections for item in section.items}
    result = score(sections, answers, bands)
    assert result.grade == "fail" and result.failed_critical == (critical.id,)


def test_seed_is_idempotent(db):
    assert len(seed_builtin_templates()) == len(BUILTIN_CODES)
    db.session.commit()
    assert seed_builtin_templates() == []
    templates = db.session.scalars(sa.select(AssessmentTemplate)).all()
    assert sorted(t.code for t in templates) == sorted(BUILTIN_CODES)
    assert all(t.version == 1 and t.status is TemplateStatus.PUBLISHED for t in templates)


def test_load_builtin_gives_a_fresh_copy():
    data = load_builtin("quality")
    pristine = copy.deepcopy(data)
    data["sections"].clear()
    assert load_builtin("quality") == pristine


# ---- two admins saving the same code at the same moment ------------------------------------

def _race(monkeypatch):
    """The other admin's version was stored after this one read the highest version: the
    service computes a number that is already taken."""
    from evaluations.assessment import services as template_services

    monkeypatch.setattr(template_services, "_next_version", lambda code: 1)


def test_concurrent_import_is_a_conflict_and_keeps_the_session_usable(db, make_template,
                                                                      monkeypatch):
    first = make_template("quality")          # the other admin's version 1, committed
    other = make_template("safety")
    retire(other)                             # earlier work of the same transaction
    _race(monkeypatch)
    with pytest.raises(Conflict) as caught:
        import_template(load_builtin("quality"), None)
    assert "saved at the same time" in caught.value.message
    # only the SAVEPOINT was undone: the earlier change still commits, nothing else was added
    db.session.commit()
    db.session.expire_all()
    assert count(db, AssessmentTemplate) == 2
    assert db.session.get(AssessmentTemplate, other.id).status is TemplateStatus.RETIRED
    assert db.session.get(AssessmentTemplate, first.id).version == 1


def test_an_edit_of_a_version_edited_since_is_a_conflict(db, make_template):
    template = make_template("quality")
    data = export_template(template)
    data["sections"][0]["weight"] = 11
    make_template("quality")                  # another admin's version 2, stored since
    with pytest.raises(Conflict):
        new_version(template, data, None)
    db.session.rollback()
    assert count(db, AssessmentTemplate) == 2


def test_other_integrity_errors_are_not_disguised_as_conflicts(db, monkeypatch):
    from evaluations.assessment import services as template_services

    real_parse = template_services.parse_template

    def negative_weight(data):                # past validation; the database refuses it
        doc = real_parse(data)
        doc["sections"][0]["weight"] = -1
        return doc

    monkeypatch.setattr(template_services, "parse_template", negative_weight)
    with pytest.raises(ValidationError) as refused:
        import_template(load_builtin("quality"), None)
    assert not isinstance(refused.value, Conflict) and "weight" in refused.value.fields
    db.session.rollback()
