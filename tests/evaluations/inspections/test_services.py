"""Inspection services: scheduling rules, the optimistic lock, validation, scoring, finalizing,
corrections, template versions, visibility and photos."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage

from app.errors import Conflict, NotFound, ValidationError
from evaluations.assessment.services import import_template, new_version
from evaluations.inspections import services as svc
from evaluations.inspections.models import EvidencePhoto, Inspection, InspectionAnswer
from evaluations.inspections.photos import add_photo, delete_photo, photo_path
from tests.evaluations.conftest import full_answers, jpeg_bytes


def _photo(data: bytes, name: str = "p.jpg") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def _item(template, key):
    return next(item for item in template.items if item.key == key)


def _fill(db, inspection, w, **kwargs):
    svc.save_answers(inspection, version=inspection.version,
                     answers=full_answers(w.template, **kwargs), actor=w.inspector)
    for item in w.template.items:
        if item.evidence_required and item.key not in kwargs.get("na_items", ()):
            add_photo(inspection, item, _photo(jpeg_bytes()), w.inspector)
    db.session.commit()


# ---- scheduling ----------------------------------------------------------------------------

def test_schedule_copies_region_operator_and_contract(schedule, inspection_world):
    w = inspection_world
    inspection = schedule()
    assert inspection.status == "scheduled" and inspection.version == 1
    assert inspection.region_id == w.facility.region_id
    assert inspection.contract_id == w.contract.id
    assert inspection.provider_id == w.provider.id
    assert inspection.scheduled_by_id == w.officer.id
    assert len(inspection.verification_code) == 10


def test_schedule_outside_the_operation_contract_has_no_provider(schedule):
    inspection = schedule(scheduled_for=date(2027, 3, 1))
    assert inspection.contract_id is None and inspection.provider_id is None


def test_schedule_refuses_draft_template_wrong_target_and_foreign_inspector(
        db, schedule, inspection_world, make_user, make_template):
    w = inspection_world
    draft = make_template("safety", publish=False)
    with pytest.raises(ValidationError) as error:
        schedule(template=draft)
    assert "template_id" in error.value.fields

    contract_template = make_template("survey_service")
    with pytest.raises(ValidationError) as error:
        schedule(template=contract_template, facility=None)
    assert "contract_id" in error.value.fields

    outsider = make_user("inspector", region="b")
    with pytest.raises(ValidationError) as error:
        schedule(inspector=outsider)
    assert "inspector_id" in error.value.fields

    disabled = make_user("inspector", region="a")
    disabled.is_enabled = False
    db.session.commit()
    with pytest.raises(ValidationError) as error:
        schedule(inspector=disabled)
    assert "inspector_id" in error.value.fields

    with pytest.raises(ValidationError) as error:
        schedule(inspector=w.officer)
    assert "inspector_id" in error.value.fields

    county_b_officer = make_user("officer", region="b")
    with pytest.raises(ValidationError) as error:
        schedule(actor=county_b_officer, inspector=make_user("inspector", region="city"))
    assert "facility_id" in error.value.fields
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Inspection.id))) == 0


def test_a_city_inspector_may_inspect_a_county_home(schedule, make_user):
    city_inspector = make_user("inspector", region="city")
    assert schedule(inspector=city_inspector).inspector_id == city_inspector.id


def test_contract_template_takes_the_contracts_provider(db, schedule, inspection_world,
                                                         make_template):
    w = inspection_world
    template = make_template("survey_service")
    inspection = schedule(template=template, facility=None, contract=w.contract)
    assert inspection.facility_id is None
    assert (inspection.contract_id, inspection.provider_id) == (w.contract.id, w.provider.id)


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
    points_item = _item(w.template, "room_temperature")  # points, max 5, no N/A
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
        assert points_item.text_en in error.value.message or points_item.text_zh in \
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
    room = _item(w.template, "room_temperature")
    assert f"items.{room.id}" in error.value.fields
    assert room.text_en in error.value.message
    assert inspection.status == "in_progress"


def test_evidence_is_not_needed_for_an_na_item(db, schedule, inspection_world):
    w = inspection_world
    inspection = schedule()
    na_keys = {i.key for i in w.template.items if i.evidence_required and i.allow_na}
    _fill(db, inspection, w, na_items=na_keys)
    svc.submit_inspection(inspection, actor=w.inspector)
    assert inspection.status == "submitted"


# ---- finalizing, immutability, corrections -------------------------------------------------

@pytest.fixture
def finalized(db, schedule, inspection_world):
    w = inspection_world
    inspection = schedule()
    _fill(db, inspection, w)
    svc.submit_inspection(inspection, actor=w.inspector)
    db.session.commit()
    assert inspection.total == Decimal("100.0") and inspection.grade == "excellent"
    svc.finalize_inspection(inspection, actor=w.officer)
    db.session.commit()
    return inspection


def test_finalized_inspection_refuses_every_write(db, finalized, inspection_world):
    w = inspection_world
    inspection = finalized
    assert inspection.finalized_by_id == w.officer.id and inspection.finalized_at is not None
    before = (inspection.version, inspection.total, len(inspection.answers),
              len(inspection.photos))
    attempts = [
        lambda: svc.save_answers(inspection, version=inspection.version,
                                 answers=[{"item_id": w.template.items[0].id, "yes": False}],
                                 actor=w.inspector),
        lambda: svc.submit_inspection(inspection, actor=w.inspector),
        lambda: add_photo(inspection, w.template.items[0], _photo(jpeg_bytes()), w.inspector),
        lambda: delete_photo(inspection.photos[0], w.inspector),
        lambda: svc.finalize_inspection(inspection, actor=w.officer),
        lambda: svc.reopen_inspection(inspection, actor=w.officer, reason="x"),
    ]
    for attempt in attempts:
        with pytest.raises(Conflict):
            attempt()
        db.session.rollback()
    fresh = db.session.get(Inspection, inspection.id)
    assert (fresh.version, fresh.total, len(fresh.answers), len(fresh.photos)) == before
    assert fresh.status == "finalized"


def test_the_database_guard_refuses_a_direct_change(db, finalized):
    finalized.total = Decimal("10.0")
    with pytest.raises(Conflict):
        db.session.flush()
    db.session.rollback()
    answer = db.session.scalar(sa.select(InspectionAnswer))
    answer.note = "changed behind the services' back"
    with pytest.raises(Conflict):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalar(sa.select(EvidencePhoto)))
    with pytest.raises(Conflict):
        db.session.flush()
    db.session.rollback()


def test_correction_is_a_new_inspection_that_keeps_the_old(db, finalized, inspection_world):
    w = inspection_world
    new = svc.correct_inspection(finalized, actor=w.officer, reason="wrong reading")
    db.session.commit()
    old = db.session.get(Inspection, finalized.id)
    assert old.status == "finalized" and old.total == Decimal("100.0")
    assert new.supersedes_id == old.id and old.superseded_by.id == new.id
    assert not old.is_current and new.is_current
    assert new.status == "in_progress" and new.template_id == old.template_id
    assert new.inspector_id == old.inspector_id and new.facility_id == old.facility_id
    assert {(a.item_id, a.yes, a.points) for a in new.answers} == \
        {(a.item_id, a.yes, a.points) for a in old.answers}
    assert len(new.photos) == len(old.photos)
    assert all(photo_path(p).exists() for p in new.photos)
    with pytest.raises(Conflict):
        svc.correct_inspection(old, actor=w.officer, reason="again")
    # the correction is filled and submitted like any inspection
    room = _item(w.template, "room_temperature")
    svc.save_answers(new, version=new.version, answers=[{"item_id": room.id, "points": 2.5}],
                     actor=w.inspector)
    svc.submit_inspection(new, actor=w.inspector)
    assert new.total < Decimal("100")


def test_reopen_sends_a_submitted_one_back(db, schedule, inspection_world):
    w = inspection_world
    inspection = schedule()
    _fill(db, inspection, w)
    svc.submit_inspection(inspection, actor=w.inspector)
    with pytest.raises(ValidationError):
        svc.reopen_inspection(inspection, actor=w.officer, reason=" ")
    svc.reopen_inspection(inspection, actor=w.officer, reason="photo unclear")
    assert inspection.status == "in_progress" and inspection.total is None
    assert inspection.return_reason == "photo unclear"


# ---- template versions ---------------------------------------------------------------------

def test_inspection_keeps_v1_after_v2_is_published(db, schedule, inspection_world):
    w = inspection_world
    inspection = schedule()
    doc = svc_export = __import__("evaluations.assessment.services", fromlist=["x"])
    data = doc.export_template(w.template)
    data["sections"][0]["items"][0]["max_points"] = 8
    v2 = new_version(w.template, data, None)
    db.session.commit()
    assert v2.version == 2 and svc_export.current_template("warm_winter").id == v2.id
    fresh = db.session.get(Inspection, inspection.id)
    assert fresh.template_id == w.template.id and fresh.template.version == 1
    with pytest.raises(ValidationError) as error:
        svc.save_answers(fresh, version=1, answers=[{"item_id": v2.items[0].id, "yes": True}],
                         actor=w.inspector)
    assert "answers[0].item_id" in error.value.fields


# ---- visibility ----------------------------------------------------------------------------

def test_visibility_by_role(db, schedule, finalized, inspection_world, make_user,
                            make_facility, make_operation_contract):
    w = inspection_world
    draft = schedule()
    other_inspector = make_user("inspector", region="a")
    other_home = make_facility("a1", name="另一福利院")
    other_contract = make_operation_contract(other_home)
    others = schedule(facility=other_home)
    _fill(db, others, w)
    svc.submit_inspection(others, actor=w.inspector)
    svc.finalize_inspection(others, actor=w.officer)
    db.session.commit()
    assert others.provider_id == other_contract.provider_id

    def ids(user):
        return set(db.session.scalars(svc.visible_inspections(user)
                                      .with_only_columns(Inspection.id)))

    assert ids(w.inspector) == {finalized.id, draft.id, others.id}
    assert ids(other_inspector) == set()
    assert ids(w.provider_user) == {finalized.id}
    assert ids(w.officer) == {finalized.id, draft.id, others.id}
    assert ids(make_user("officer", region="b")) == set()
    assert ids(make_user("admin")) == {finalized.id, draft.id, others.id}
    with pytest.raises(NotFound):
        svc.get_visible_inspection(w.provider_user, draft.id)
    with pytest.raises(NotFound):
        svc.get_visible_inspection(w.provider_user, others.id)
    with pytest.raises(NotFound):
        svc.get_visible_inspection(other_inspector, draft.id)


# ---- photos --------------------------------------------------------------------------------

def test_photo_that_is_not_an_image_is_refused(db, schedule, inspection_world):
    w = inspection_world
    inspection = schedule()
    room = _item(w.template, "room_temperature")
    for data in (b"%PDF-1.4 not a photo", b"GIF89a" + b"\0" * 20):
        with pytest.raises(ValidationError) as error:
            add_photo(inspection, room, _photo(data, "x.jpg"), w.inspector)
        assert "not a JPEG or PNG image" in error.value.message
        assert room.text_en in error.value.message
    gif = io.BytesIO()
    Image.new("RGB", (8, 8)).save(gif, "GIF")
    with pytest.raises(ValidationError):
        add_photo(inspection, room, _photo(gif.getvalue(), "x.png"), w.inspector)
    assert inspection.photos == []


def test_photo_keeps_exif_time_and_is_resized(db, schedule, inspection_world):
    w = inspection_world
    inspection = schedule()
    room = _item(w.template, "room_temperature")
    photo = add_photo(inspection, room, _photo(jpeg_bytes(size=(3200, 1000),
                                                          taken="2026:11:10 09:30:00")),
                      w.inspector)
    db.session.commit()
    assert photo.taken_at == datetime(2026, 11, 10, 1, 30, tzinfo=UTC)
    assert (photo.width, photo.height) == (1600, 500)
    assert photo.content_type == "image/jpeg" and photo.stored_name.endswith(".jpg")
    with Image.open(photo_path(photo)) as stored:
        assert stored.format == "JPEG" and stored.size == (1600, 500)
    assert inspection.version == 2 and inspection.status == "in_progress"

    png = io.BytesIO()
    Image.new("RGBA", (20, 10)).save(png, "PNG")
    photo2 = add_photo(inspection, room.id, _photo(png.getvalue(), "p.png"), w.inspector)
    assert photo2.content_type == "image/png" and photo2.taken_at is None
    path = photo_path(photo2)
    delete_photo(photo2, w.inspector)
    db.session.commit()
    assert not path.exists()


def _photo_files(app) -> set:
    from pathlib import Path

    folder = Path(app.config["UPLOAD_DIR"]) / "photos"
    return set(folder.iterdir()) if folder.exists() else set()


def test_a_rolled_back_photo_leaves_no_file_a_committed_one_stays(app, db, schedule,
                                                                  inspection_world):
    w = inspection_world
    inspection = schedule()
    room = _item(w.template, "room_temperature")
    before = _photo_files(app)
    add_photo(inspection, room, _photo(jpeg_bytes()), w.inspector)
    assert len(_photo_files(app) - before) == 2          # the photo and its thumbnail
    db.session.rollback()
    assert _photo_files(app) == before
    assert db.session.scalar(sa.select(sa.func.count(EvidencePhoto.id))) == 0

    inspection = db.session.get(Inspection, inspection.id)
    photo = add_photo(inspection, room.id, _photo(jpeg_bytes()), w.inspector)
    db.session.commit()
    db.session.rollback()                                  # a later rollback takes nothing
    assert photo_path(photo).exists()
    assert len(_photo_files(app) - before) == 2
