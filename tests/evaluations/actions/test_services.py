"""Corrective actions (整改): creation, owner, answer, close/reopen, overdue, re-inspection."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.errors import Conflict, NotFound, ValidationError
from app.extensions import db as _db
from app.users.models import User
from evaluations.actions import rectification, services, suggestions
from evaluations.actions.evidence import attachment_path
from evaluations.actions.models import ActionStatus, CorrectiveAction
from evaluations.inspections import services as inspections
from evaluations.inspections.models import Inspection, InspectionStatus
from tests.locks import first_held_while_the_second_waits
from tests.threads import read_then_act_at_once, the_one_that_won

TODAY = date(2026, 6, 15)
#: the fields of a rectification report besides the measures
REPORT = {"cause": "巡查不到位", "responsible_person": "王主任", "completed_on": TODAY}


@pytest.fixture
def world(inspection_world, fixed_today):
    fixed_today(TODAY)
    return inspection_world


def _item(template, key):
    return next(i for i in template.items if i.key == key)


def test_manual_action_on_a_facility_goes_to_its_operator(world, db):
    action = services.create_action(description="消防通道堆放杂物", severity="orange",
                                    deadline=TODAY + timedelta(days=10),
                                    facility=world.facility, actor=world.officer)
    assert action.provider_id == world.provider.id
    assert action.inspection_id is None


def test_an_action_raised_as_its_inspection_is_sent_back_is_refused(app, world, db,
                                                                    make_scored_inspection):
    """The officer raised an action from the submitted result while another sent the
    inspection back: the action stood on a result being redone."""
    inspection_id = make_scored_inspection(world, {"bedding": 0}).id
    db.session.commit()
    officer_id, inspector_id = world.officer.id, world.inspector.id
    outcomes = first_held_while_the_second_waits(
        app,
        lambda: inspections.reopen_inspection(_db.session.get(Inspection, inspection_id),
                                              actor=_db.session.get(User, officer_id),
                                              reason="评分有误"),
        lambda: services.create_action(description="被褥未更换", severity="yellow",
                                       deadline=TODAY + timedelta(days=10),
                                       inspection=_db.session.get(Inspection, inspection_id),
                                       actor=_db.session.get(User, inspector_id)))
    assert outcomes[0] is None and "submitted or finalized inspection" in outcomes[1], outcomes
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CorrectiveAction)) == 0


def test_manual_action_on_a_contract_goes_to_its_provider(world):
    action = services.create_action(description="月报缺少入住率", severity="blue",
                                    deadline=TODAY, contract=world.contract,
                                    actor=world.inspector)
    assert action.provider_id == world.contract.provider_id


def test_a_home_nobody_operates_is_refused_with_a_clear_message(
        world, make_facility, db):
    orphan = make_facility("a1", name="无人运营敬老院", kind="rural_home")
    with pytest.raises(ValidationError) as error:
        services.create_action(description="x", severity="red", deadline=TODAY,
                               facility=orphan, actor=world.officer)
    assert "provider_id" in error.value.fields
    assert "nobody" in error.value.message


def test_manual_action_outside_the_officers_region_is_refused(world, make_user):
    officer_b = make_user("officer", region="b")
    with pytest.raises(ValidationError) as error:
        services.create_action(description="x", severity="red", deadline=TODAY,
                               facility=world.facility, actor=officer_b)
    assert "facility_id" in error.value.fields


@pytest.mark.parametrize("field, values", [
    ("description", {"description": "  "}),
    ("severity", {"severity": "purple"}),
    ("deadline", {"deadline": TODAY - timedelta(days=1)}),
])
def test_manual_action_validation(world, field, values):
    given = {"description": "整改", "severity": "red", "deadline": TODAY} | values
    with pytest.raises(ValidationError) as error:
        services.create_action(**given, facility=world.facility, actor=world.officer)
    assert field in error.value.fields


@pytest.fixture
def action(world, db):
    action = services.create_action(description="灭火器过期", severity="red",
                                    deadline=TODAY + timedelta(days=7),
                                    facility=world.facility, actor=world.officer)
    db.session.commit()
    return action


def test_provider_answers_its_own_action(world, action, db):
    rectification.answer_action(action, response="已全部更换新灭火器", actor=world.provider_user, **REPORT)
    db.session.commit()
    assert action.status is ActionStatus.ANSWERED
    assert action.response == "已全部更换新灭火器"
    assert action.responded_by_id == world.provider_user.id


def test_another_provider_cannot_answer(world, action, make_user):
    stranger = make_user("provider")
    with pytest.raises(NotFound):
        rectification.answer_action(action, response="x", actor=stranger, **REPORT)
    with pytest.raises(NotFound):
        services.get_visible_action(stranger, action.id)


def test_an_empty_answer_is_refused(world, action):
    with pytest.raises(ValidationError) as error:
        rectification.answer_action(action, response=" ", actor=world.provider_user, **REPORT)
    assert "response" in error.value.fields


def test_officer_closes_and_reopens_with_a_reason(world, action, db):
    rectification.answer_action(action, response="已更换", actor=world.provider_user, **REPORT)
    services.close_action(action, actor=world.officer)
    assert action.status is ActionStatus.CLOSED and action.closed_by_id == world.officer.id
    with pytest.raises(ValidationError) as error:
        services.reopen_action(action, reason="  ", actor=world.officer)
    assert "reason" in error.value.fields
    services.reopen_action(action, reason="照片显示仍有一具过期", actor=world.officer)
    db.session.commit()
    assert action.status is ActionStatus.OPEN
    assert action.reopen_count == 1 and action.reopen_reason == "照片显示仍有一具过期"
    assert action.closed_at is None
    with pytest.raises(Conflict):
        services.reopen_action(action, reason="again", actor=world.officer)


def test_closed_action_cannot_be_answered_or_closed_again(world, action):
    services.close_action(action, actor=world.officer)
    with pytest.raises(Conflict):
        rectification.answer_action(action, response="x", actor=world.provider_user, **REPORT)
    with pytest.raises(Conflict):
        services.close_action(action, actor=world.officer)


def test_two_officers_closing_at_once_close_it_once(app, world, action, db, make_user):
    action_id = action.id
    officers = [world.officer.id, make_user("officer", region="a").id]

    def close_by(officer_id):
        return lambda row: services.close_action(row, actor=_db.session.get(User, officer_id),
                                                 note=f"closed by {officer_id}")

    outcomes = read_then_act_at_once(app, lambda: _db.session.get(CorrectiveAction, action_id),
                                     *map(close_by, officers))
    winner = officers[the_one_that_won(outcomes, "already closed")]
    db.session.expire_all()
    closed = db.session.get(CorrectiveAction, action_id)
    assert closed.closed_by_id == winner and closed.close_note == f"closed by {winner}"


def test_closed_while_the_provider_answers_is_never_answered_after_closing(app, world, action,
                                                                           db):
    """Either the report arrives first and is then closed, or the closing does and the report
    is refused: never an action shown answered that was closed under it."""
    action_id, officer_id, provider_id = action.id, world.officer.id, world.provider_user.id

    def answer(row):
        rectification.answer_action(row, response="已更换", actor=_db.session.get(User, provider_id),
                                    **REPORT)

    def close(row):
        services.close_action(row, actor=_db.session.get(User, officer_id))

    outcomes = read_then_act_at_once(app, lambda: _db.session.get(CorrectiveAction, action_id),
                                     answer, close)
    db.session.expire_all()
    stored = db.session.get(CorrectiveAction, action_id)
    assert stored.status is ActionStatus.CLOSED and stored.closed_at is not None
    if outcomes[0] is not None:  # closed first
        assert outcomes == [outcomes[0], None] and "closed" in outcomes[0]
        assert stored.responded_at is None
    else:
        assert outcomes == [None, None] and stored.response == "已更换"


def test_overdue_at_the_deadline_boundary(world, action, fixed_today, db):
    deadline = action.deadline
    fixed_today(deadline)
    assert not action.is_overdue
    assert db.session.scalars(services.action_stmt(world.officer, overdue=True)).all() == []
    fixed_today(deadline + timedelta(days=1))
    assert action.is_overdue
    assert db.session.scalars(services.action_stmt(world.officer, overdue=True)).all() == [action]
    services.close_action(action, actor=world.officer)
    assert not action.is_overdue


def test_visibility_by_role(world, action, make_user, make_scored_inspection, db):
    from_inspection = suggestions.create_actions_from_inspection(
        make_scored_inspection(world, {"bedding": 1}),
        [{"item_id": _item(world.template, "bedding").id}], actor=world.inspector)[0]
    db.session.commit()

    def ids(user):
        return {a.id for a in db.session.scalars(services.visible_actions(user))}

    assert ids(world.officer) == {action.id, from_inspection.id}
    assert ids(make_user("officer", region="b")) == set()
    assert ids(world.inspector) == {from_inspection.id}
    assert ids(make_user("inspector", region="a")) == set()
    assert ids(world.provider_user) == {action.id, from_inspection.id}
    assert ids(make_user("provider")) == set()
    assert ids(make_user("admin")) == {action.id, from_inspection.id}


def test_filters(world, action, db):
    services.create_action(description="小问题", severity="blue", deadline=TODAY,
                           facility=world.facility, actor=world.officer)
    db.session.commit()

    def count(**filters):
        return len(db.session.scalars(services.action_stmt(world.officer, **filters)).all())

    assert count() == 2
    assert count(severity="red") == 1
    assert count(status="open") == 2 and count(status="closed") == 0
    assert count(facility_id=world.facility.id) == 2
    assert count(provider_id=world.provider.id + 999) == 0


def test_reinspection_uses_the_actions_template_and_links_the_actions(
        world, make_scored_inspection, db):
    inspection = make_scored_inspection(world, {"bedding": 1})
    created = suggestions.create_actions_from_inspection(
        inspection, [{"item_id": _item(world.template, "bedding").id}], actor=world.inspector)
    db.session.commit()
    again = services.schedule_reinspection(world.facility, inspector=world.inspector,
                                           scheduled_for=TODAY + timedelta(days=20),
                                           actor=world.officer)
    db.session.commit()
    assert again.template_id == inspection.template_id
    assert again.facility_id == world.facility.id
    assert again.status is InspectionStatus.SCHEDULED
    assert created[0].reinspection_id == again.id
    assert db.session.scalar(sa.select(sa.func.count(Inspection.id))) == 2


def test_reinspection_without_open_actions_is_refused(world, action):
    # the manual action has no inspection behind it
    with pytest.raises(ValidationError):
        services.schedule_reinspection(world.facility, inspector=world.inspector,
                                       scheduled_for=TODAY, actor=world.officer)


def test_a_rolled_back_answer_leaves_no_evidence_file(world, action, db):
    rectification.answer_action(action, response="已更换", actor=world.provider_user,
                                files=[("photo.pdf", b"%PDF-1.4\n%%EOF\n")], **REPORT)
    path = attachment_path(action.attachments[0])
    assert path.exists()
    db.session.rollback()
    assert not path.exists()
