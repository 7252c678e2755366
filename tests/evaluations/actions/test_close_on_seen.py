"""An action is closed on the rectification report its page showed: a new report the provider
sent after the officer opened the page refuses the close (the action stays answered) until it
is read; the API does the same for the ``responded_at`` it read. A close or a return is made
on where the action stood on the page: closed, returned or answered again since, it is
refused and the page shows the action as it is now."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from app import clock
from evaluations.actions import rectification, services
from evaluations.actions.models import ActionStatus, CorrectiveAction
from tests.clients import error_of

TODAY = date(2026, 6, 15)
REPORT = {"cause": "值班人员未按规定巡查", "response": "已清理通道并每日巡查",
          "responsible_person": "王主任", "completed_on": TODAY}
_SEEN = re.compile(r'name="answer_seen" type="hidden" value="([^"]*)"')
_STATE = re.compile(r'name="state_seen" type="hidden" value="([^"]*)"')
CHANGED = "answered, returned or closed after this page was opened"


@pytest.fixture
def answered(inspection_world, fixed_today, db):
    fixed_today(TODAY)
    w = inspection_world
    w.action = services.create_action(description="疏散通道堆放杂物", severity="orange",
                                      deadline=TODAY + timedelta(days=7),
                                      facility=w.facility, actor=w.officer)
    rectification.answer_action(w.action, actor=w.provider_user, **REPORT)
    db.session.commit()
    return w


def _answer_again(db, w) -> None:
    """The provider's second report, an hour later."""
    clock.set_clock(lambda: datetime(2026, 6, 15, 5, tzinfo=UTC))
    rectification.answer_action(w.action, actor=w.provider_user,
                                **(REPORT | {"response": "通道已清理，并加装监控"}))
    db.session.commit()


def _status(db, w) -> ActionStatus:
    db.session.expire_all()
    return db.session.get(CorrectiveAction, w.action.id).status


def test_a_report_sent_after_the_page_was_opened_stops_the_close(answered, db, as_user):
    w = answered
    officer, _ = as_user("officer", region="a")
    page = f"/evaluations/actions/{w.action.id}"
    seen = _SEEN.search(officer.get(page).get_data(as_text=True))[1]
    _answer_again(db, w)

    refused = officer.post(f"{page}/close", {"note": "已核实", "answer_seen": seen})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "new rectification report" in body
    assert "加装监控" in body and _SEEN.search(body)[1] != seen
    assert _status(db, w) is ActionStatus.ANSWERED

    closed = officer.post(f"{page}/close", {"note": "已核实",
                                            "answer_seen": _SEEN.search(body)[1]})
    assert closed.status_code == 302 and _status(db, w) is ActionStatus.CLOSED


def test_the_api_closes_on_the_report_it_read(answered, db, api_login):
    w = answered
    api = api_login(w.officer)
    read = api.get(f"/api/v1/corrective-actions/{w.action.id}").get_json()["responded_at"]
    _answer_again(db, w)
    close = f"/api/v1/corrective-actions/{w.action.id}/close"
    refused = api.post(close, json={"answer_seen": read})
    assert refused.status_code == 409 and "note" in error_of(refused)["fields"]
    assert _status(db, w) is ActionStatus.ANSWERED
    now = api.get(f"/api/v1/corrective-actions/{w.action.id}").get_json()["responded_at"]
    assert api.post(close, json={"answer_seen": now}).status_code == 200
    assert _status(db, w) is ActionStatus.CLOSED


def _opened(officer, w) -> tuple[str, dict]:
    """The action's page as the officer opened it: its URL and what its forms carry."""
    page = f"/evaluations/actions/{w.action.id}"
    body = officer.get(page).get_data(as_text=True)
    return page, {"answer_seen": _SEEN.search(body)[1], "state_seen": _STATE.search(body)[1]}


def test_a_return_sent_after_a_colleague_closed_the_action_is_refused(answered, db, as_user):
    """It reopened the action a colleague had just accepted, and neither officer knew."""
    w = answered
    officer, _ = as_user("officer", region="a")
    page, seen = _opened(officer, w)
    services.close_action(w.action, actor=w.officer, note="整改到位，同意销号")
    db.session.commit()

    refused = officer.post(f"{page}/reopen", {"reason": "照片不清楚",
                                              "state_seen": seen["state_seen"]})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and CHANGED in body and "整改到位，同意销号" in body
    assert _status(db, w) is ActionStatus.CLOSED


def test_a_return_of_a_report_sent_before_the_providers_new_one_is_refused(answered, db,
                                                                         as_user):
    w = answered
    officer, _ = as_user("officer", region="a")
    page, seen = _opened(officer, w)
    _answer_again(db, w)

    refused = officer.post(f"{page}/reopen", {"reason": "照片不清楚",
                                              "state_seen": seen["state_seen"]})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and CHANGED in body and "加装监控" in body
    assert _status(db, w) is ActionStatus.ANSWERED
    returned = officer.post(f"{page}/reopen", {"reason": "照片不清楚",
                                               "state_seen": _STATE.search(body)[1]})
    assert returned.status_code == 302 and _status(db, w) is ActionStatus.OPEN


def test_a_close_sent_after_a_colleague_returned_the_action_is_refused(answered, db, as_user):
    """It accepted the report a colleague had just sent back for what it lacks."""
    w = answered
    officer, _ = as_user("officer", region="a")
    page, seen = _opened(officer, w)
    services.reopen_action(w.action, actor=w.officer, reason="缺少整改后照片")
    db.session.commit()

    refused = officer.post(f"{page}/close", {"note": "已核实"} | seen)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and CHANGED in body and "缺少整改后照片" in body
    assert _status(db, w) is ActionStatus.OPEN
