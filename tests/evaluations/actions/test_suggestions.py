"""Corrective actions proposed from an inspection: the items below their maximum, confirmed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.errors import Conflict, ValidationError
from app.extensions import db as _db
from app.users.models import User
from evaluations.actions.models import ActionStatus, CorrectiveAction, Severity
from evaluations.actions.suggestions import create_actions_from_inspection, suggest_actions
from evaluations.inspections.models import Inspection, InspectionStatus
from evaluations.inspections.services import correct_inspection
from tests.clients import Browser
from tests.threads import read_then_act_at_once, the_one_that_won

TODAY = date(2026, 6, 15)


@pytest.fixture
def world(inspection_world, fixed_today):
    fixed_today(TODAY)
    return inspection_world


def _item(template, key):
    return next(i for i in template.items if i.key == key)


def test_suggestions_list_items_below_max_with_default_severity_and_deadline(
        world, make_scored_inspection):
    inspection = make_scored_inspection(world, {
        "smoke_detectors": False,        # critical, 0 → red
        "bedding": 2,                    # 2 of 4 = 50 % → orange
        "warm_clothes": 2.5,             # 2.5 of 3 → yellow
        "heating_rules": False,          # yes_no not critical, 0 → orange
        "flues_cleaned": "na",           # N/A: never suggested
    })
    suggestions = suggest_actions(inspection)
    by_key = {s.item.key: s for s in suggestions}
    assert set(by_key) == {"smoke_detectors", "bedding", "warm_clothes", "heating_rules"}
    assert by_key["smoke_detectors"].severity is Severity.RED
    assert by_key["bedding"].severity is Severity.ORANGE
    assert by_key["warm_clothes"].severity is Severity.YELLOW
    assert by_key["heating_rules"].severity is Severity.ORANGE
    assert by_key["smoke_detectors"].deadline == TODAY + timedelta(days=7)
    assert by_key["bedding"].deadline == TODAY + timedelta(days=15)
    assert by_key["warm_clothes"].deadline == TODAY + timedelta(days=30)
    # template order
    positions = [(s.item.section.position, s.item.position) for s in suggestions]
    assert positions == sorted(positions)


def test_no_suggestions_for_an_inspection_still_being_filled(world, make_scored_inspection):
    inspection = make_scored_inspection(world, {"bedding": 1},
                                        status=InspectionStatus.IN_PROGRESS)
    with pytest.raises(Conflict):
        suggest_actions(inspection)


def test_no_action_from_a_result_its_finalized_correction_replaced(
        app, world, make_scored_inspection, db):
    """Bedding scored 1 of 4; the finalized correction gives it full marks. The old finding
    was still proposed and could still be raised as an action."""
    original = make_scored_inspection(world, {"bedding": 1}, status=InspectionStatus.FINALIZED)
    bedding = _item(world.template, "bedding")
    correction = correct_inspection(original, actor=world.officer, reason="复核：被褥充足")
    next(a for a in correction.answers if a.item_id == bedding.id).points = bedding.max_points
    correction.status = InspectionStatus.FINALIZED
    db.session.commit()
    assert original.is_replaced

    with pytest.raises(Conflict, match="replaced by its finalized correction"):
        suggest_actions(original)
    with pytest.raises(Conflict):
        create_actions_from_inspection(original, [{"item_id": bedding.id}],
                                       actor=world.inspector)
    browser = Browser(app.test_client())
    assert browser.login(world.officer).status_code == 302
    page = browser.get(f"/evaluations/inspections/{original.id}/actions").get_data(as_text=True)
    assert "replaced by its finalized correction" in page
    assert f'name="create_{bedding.id}"' not in page
    assert db.session.scalar(sa.select(sa.func.count(CorrectiveAction.id))) == 0


def test_confirmed_suggestions_become_actions_owned_by_the_provider(
        world, make_scored_inspection, db):
    inspection = make_scored_inspection(world, {"smoke_detectors": False, "bedding": 2,
                                                "warm_clothes": 2.5})
    bedding = _item(world.template, "bedding")
    smoke = _item(world.template, "smoke_detectors")
    created = create_actions_from_inspection(inspection, [
        {"item_id": smoke.id},
        {"item_id": bedding.id, "description": "每位老人增发一床棉被", "severity": "yellow",
         "deadline": "2026-07-01"},
    ], actor=world.inspector)
    db.session.commit()
    assert len(created) == 2
    rows = db.session.scalars(sa.select(CorrectiveAction).order_by(CorrectiveAction.id)).all()
    assert [r.provider_id for r in rows] == [world.provider.id] * 2
    assert rows[0].severity is Severity.RED and rows[0].deadline == TODAY + timedelta(days=7)
    assert rows[1].description == "每位老人增发一床棉被"
    assert rows[1].severity is Severity.YELLOW and rows[1].deadline == date(2026, 7, 1)
    assert all(r.status is ActionStatus.OPEN and r.facility_id == world.facility.id
               and r.region_id == world.facility.region_id for r in rows)
    # a suggestion taken is no longer suggested
    assert {s.item.key for s in suggest_actions(inspection)} == {"warm_clothes"}


def test_an_item_at_max_cannot_become_an_action_and_nothing_is_stored(
        world, make_scored_inspection, db):
    inspection = make_scored_inspection(world, {"bedding": 2})
    with pytest.raises(ValidationError) as error:
        create_actions_from_inspection(inspection, [
            {"item_id": _item(world.template, "bedding").id},
            {"item_id": _item(world.template, "heating_working").id},
        ], actor=world.inspector)
    assert any(key.startswith("items.") for key in error.value.fields)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(CorrectiveAction.id))) == 0


def test_one_finding_confirmed_twice_at_once_becomes_one_action(
        app, world, make_scored_inspection, db):
    """A double click, or the inspector and an officer at the same moment: both found bedding
    without an action, and the provider was asked to put it right twice."""
    inspection = make_scored_inspection(world, {"bedding": 2})
    db.session.commit()
    bedding = _item(world.template, "bedding").id
    inspection_id = inspection.id

    def confirm(user_id):
        return lambda row: create_actions_from_inspection(
            row, [{"item_id": bedding}], actor=_db.session.get(User, user_id))

    outcomes = read_then_act_at_once(app, lambda: _db.session.get(Inspection, inspection_id),
                                     confirm(world.inspector.id), confirm(world.officer.id))
    the_one_that_won(outcomes, "No corrective action was saved")
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(CorrectiveAction.id)).where(
        CorrectiveAction.inspection_id == inspection_id)) == 1


def test_a_deadline_typed_beyond_the_apps_years_is_refused_as_in_every_other_form(
        world, make_scored_inspection, db):
    """The suggestions page passes each deadline as typed: 9026-07-01 (for 2026-07-01) was
    stored, and the action could never fall overdue; the action form refuses it."""
    inspection = make_scored_inspection(world, {"bedding": 2})
    bedding = _item(world.template, "bedding")
    with pytest.raises(ValidationError) as error:
        create_actions_from_inspection(inspection, [
            {"item_id": bedding.id, "deadline": "9026-07-01"}], actor=world.inspector)
    assert "2999" in error.value.fields[f"items.{bedding.id}.deadline"][0]
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(CorrectiveAction.id))) == 0
