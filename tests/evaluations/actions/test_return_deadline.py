"""A report returned after the action's deadline gets a new deadline: without one the action
would be overdue (a red mark on the provider) the moment the provider is asked to correct it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.audit.models import AuditLog
from evaluations.actions import rectification, services
from evaluations.actions.models import ActionStatus, CorrectiveAction
from tests.clients import Browser

TODAY = date(2026, 6, 15)
DEADLINE = TODAY + timedelta(days=3)
LATER = DEADLINE + timedelta(days=7)  # the officer reads the report after the deadline
PASSED = "The deadline 2026-06-18 has passed: give the provider a new deadline"


@pytest.fixture
def answered(inspection_world, fixed_today, db):
    """An action due on 18 June, answered on time on 16 June; the clock then at 25 June."""
    w = inspection_world
    fixed_today(TODAY)
    action = services.create_action(description="疏散通道堆放杂物", severity="orange",
                                    deadline=DEADLINE, facility=w.facility, actor=w.officer)
    fixed_today(TODAY + timedelta(days=1))
    rectification.answer_action(action, response="已清理", actor=w.provider_user,
                                cause="堆放杂物", responsible_person="王主任",
                                completed_on=TODAY + timedelta(days=1))
    db.session.commit()
    fixed_today(LATER)
    return action


def _fresh(db, action_id: int) -> CorrectiveAction:
    db.session.expire_all()
    return db.session.get(CorrectiveAction, action_id)


def test_a_return_after_the_deadline_without_a_new_one_is_refused_and_changes_nothing(
        app, inspection_world, answered, db):
    browser = Browser(app.test_client())
    browser.login(inspection_world.officer)
    page = browser.get(f"/evaluations/actions/{answered.id}").get_data(as_text=True)
    assert 'name="deadline" type="date" value=""' in page  # a passed deadline is not offered

    response = browser.post(f"/evaluations/actions/{answered.id}/reopen",
                            {"reason": "照片不清楚", "deadline": ""})
    assert response.status_code == 422
    assert PASSED in response.get_data(as_text=True)
    action = _fresh(db, answered.id)
    assert (action.status, action.reopen_count, action.deadline) == (
        ActionStatus.ANSWERED, 0, DEADLINE)

    past = browser.post(f"/evaluations/actions/{answered.id}/reopen",
                        {"reason": "照片不清楚", "deadline": "2026-06-24"})
    assert past.status_code == 422
    assert "The deadline cannot be in the past." in past.get_data(as_text=True)
    assert _fresh(db, answered.id).status is ActionStatus.ANSWERED


def test_a_return_with_a_new_deadline_is_not_overdue_and_is_audited(
        app, inspection_world, answered, api_login, db):
    browser = Browser(app.test_client())
    browser.login(inspection_world.officer)
    new = LATER + timedelta(days=10)
    response = browser.post(f"/evaluations/actions/{answered.id}/reopen",
                            {"reason": "照片不清楚", "deadline": new.isoformat()})
    assert response.status_code == 302
    action = _fresh(db, answered.id)
    assert (action.status, action.deadline, action.is_overdue) == (ActionStatus.OPEN, new, False)
    provider = api_login(inspection_world.provider_user)
    assert provider.get("/api/v1/corrective-actions?overdue=true").get_json()["total"] == 0
    changes = db.session.scalars(sa.select(AuditLog.changes).where(
        AuditLog.object_type == "corrective_actions", AuditLog.object_id == str(answered.id)))
    assert any("deadline" in change for change in changes)


def test_a_return_before_the_deadline_keeps_it_unless_another_is_given(
        inspection_world, answered, fixed_today, db):
    fixed_today(DEADLINE)  # the deadline day itself is still in time
    services.reopen_action(answered, reason="照片不清楚", actor=inspection_world.officer)
    db.session.commit()
    assert _fresh(db, answered.id).deadline == DEADLINE


def test_the_api_names_the_missing_deadline_and_takes_a_new_one(
        inspection_world, answered, api_login, db):
    api = api_login(inspection_world.officer)
    url = f"/api/v1/corrective-actions/{answered.id}/reopen"
    missing = api.post(url, json={"reason": "复查未整改"})
    assert missing.status_code == 422
    assert PASSED in missing.get_json()["error"]["fields"]["deadline"][0]
    assert api.post(url, json={"reason": "复查未整改", "deadline": "9999-01-01"}).status_code == 422
    assert _fresh(db, answered.id).status is ActionStatus.ANSWERED
    body = api.post(url, json={"reason": "复查未整改", "deadline": "2026-07-10"}).get_json()
    assert (body["status"], body["deadline"], body["overdue"]) == ("open", "2026-07-10", False)
