"""Review of corrective actions: two officers verifying one rectification report at once,
one accepting it, the other sending an inspector to check it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.users.models import User
from evaluations.actions import rectification, services
from evaluations.actions.models import ActionStatus, CorrectiveAction
from evaluations.inspections.models import Inspection, InspectionStatus
from evaluations.inspections.services import schedule_inspection
from tests.threads import read_then_act_after, stored_as

TODAY = date(2026, 6, 15)
REPORT = {"cause": "抽样复核不到位", "responsible_person": "王主任", "completed_on": TODAY}


@pytest.fixture
def answered(inspection_world, make_template, make_contract, make_user, fixed_today, db):
    """An action from a finding of a household-survey contract's assessment, answered by
    its provider (today 2026-06-15)."""
    fixed_today(TODAY)
    w = inspection_world
    contract = make_contract(status="active")
    source = schedule_inspection(template=make_template("survey_service"),
                                 inspector=w.inspector, scheduled_for=date(2026, 6, 1),
                                 contract=contract, actor=w.officer)
    source.status = InspectionStatus.SUBMITTED
    action = services.create_action(description="入户调查记录不完整", severity="yellow",
                                    deadline=TODAY + timedelta(days=7), inspection=source,
                                    actor=w.officer)
    rectification.answer_action(action, response="已补齐记录",
                                actor=make_user("provider", provider=contract.provider),
                                **REPORT)
    db.session.commit()
    return action


def test_a_re_inspection_sent_after_a_colleague_accepted_the_report_is_refused(
        app, inspection_world, answered, db):
    """The page was opened on the answered action; a colleague accepted it meanwhile. The
    re-inspection it asks for would send an inspector to check a closed action."""
    action_id, officer_id = answered.id, inspection_world.officer.id
    inspector_id = inspection_world.inspector.id
    before = db.session.scalar(sa.select(sa.func.count(Inspection.id)))

    def close(row):
        services.close_action(row, actor=_db.session.get(User, officer_id), note="整改到位")

    def reinspect(row):
        rectification.reinspection_of_action(
            row, inspector=_db.session.get(User, inspector_id),
            scheduled_for=TODAY + timedelta(days=7), actor=_db.session.get(User, officer_id))

    outcomes = read_then_act_after(app, lambda: _db.session.get(CorrectiveAction, action_id),
                                   close, reinspect,
                                   stored_as(CorrectiveAction, action_id, ActionStatus.CLOSED))
    assert outcomes[0] is None and outcomes[1] is not None, outcomes
    assert "nothing is left to re-inspect" in outcomes[1], outcomes
    db.session.expire_all()
    stored = db.session.get(CorrectiveAction, action_id)
    assert stored.status is ActionStatus.CLOSED and stored.reinspection_id is None
    assert db.session.scalar(sa.select(sa.func.count(Inspection.id))) == before


def test_a_close_note_too_long_is_refused_not_cut(api_as, inspection_world, answered, db):
    """The API kept the first 1,000 characters of a longer note without a word; the page's
    form refused it."""
    api = api_as("officer", region="a")[0]
    response = api.post(f"/api/v1/corrective-actions/{answered.id}/close",
                        json={"note": "整" * 1001})
    assert response.status_code == 422
    assert "note" in response.get_json()["error"]["fields"]
    db.session.expire_all()
    assert db.session.get(CorrectiveAction, answered.id).status is ActionStatus.ANSWERED
    response = api.post(f"/api/v1/corrective-actions/{answered.id}/close",
                        json={"note": "整" * 1000})
    assert response.status_code == 200 and response.get_json()["status"] == "closed"
