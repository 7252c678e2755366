"""Inspection services: scheduling rules, finalizing, immutability, corrections, sending back,
template versions and visibility."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.errors import Conflict, NotFound, ValidationError
from evaluations.assessment.services import new_version
from evaluations.inspections import services as svc
from evaluations.inspections.models import EvidencePhoto, Inspection, InspectionAnswer
from evaluations.inspections.photos import add_photo, delete_photo, photo_path
from tests.factories import fill_in, item_of, jpeg_bytes, photo_upload

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


# ---- finalizing, immutability, corrections -------------------------------------------------

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
        lambda: add_photo(inspection, w.template.items[0], photo_upload(jpeg_bytes()),
                          w.inspector),
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
    room = item_of(w.template, "room_temperature")
    svc.save_answers(new, version=new.version, answers=[{"item_id": room.id, "reading": 17}],
                     actor=w.inspector)
    svc.submit_inspection(new, actor=w.inspector)
    assert new.total < Decimal("100")


def test_reopen_sends_a_submitted_one_back(db, schedule, inspection_world):
    w = inspection_world
    inspection = schedule()
    fill_in(db, inspection, w)
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
    fill_in(db, others, w)
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
