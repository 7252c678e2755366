"""Notifications: once per event, e-mail only after the commit, through a real SMTP server."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from flask import render_template
from flask_login import login_user

from app.extensions import db as _db
from app.notifications import kinds, services
from app.notifications.models import Notification, NotificationPreference
from app.regions.models import Level, Region
from app.regions.services import create_region
from app.scheduler import registry
from app.scheduler.models import JobRun, RunStatus
from app.scheduler.runner import run_job
from tests.clients import Browser

TITLE = "合同报告即将到期"


def _login(app, user) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(user).status_code == 302
    return browser


def _count(model) -> int:
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _notify(user, key: str, **kwargs):
    kwargs.setdefault("link", "/contracts/7")
    return services.notify(user, kinds.SUBMISSION_DUE, TITLE, "第 3 期报告 12 月 1 日截止。",
                           dedupe_key=key, **kwargs)


# ---- once per dedupe key ------------------------------------------------------------------

def test_notify_twice_with_one_key_stores_one_row_and_keeps_the_callers_work(db, make_user):
    user = make_user("provider")
    first = _notify(user, "due:7:2026-12-01")
    db.session.commit()
    create_region("400000", "同一事务", Level.CITY, None)  # the caller's own pending work
    second = _notify(user, "due:7:2026-12-01")
    db.session.commit()
    assert first is not None and first.user_id == user.id and second is None
    assert _count(Notification) == 1
    assert db.session.scalar(sa.select(Region.name).where(Region.code == "400000")) == "同一事务"


def test_notify_records_the_object_and_refuses_foreign_links(db, make_user, regions):
    user = make_user("officer")
    notification = _notify(user, "k1", object=regions["a"])
    assert (notification.object_type, notification.object_id) == ("regions", str(regions["a"].id))
    with pytest.raises(ValueError):
        _notify(user, "k2", link="https://evil.example/")
    with pytest.raises(ValueError):
        services.notify(user, "no_such_kind", "x", dedupe_key="k3")


def _fan_out_job(fail_after: int | None, commit_each: bool):
    """A job body: notify every provider user; optionally crash midway."""
    from app.users.models import User

    def job():
        users = _db.session.scalars(sa.select(User).where(User.role == "provider")
                                    .order_by(User.id)).all()
        for done, user in enumerate(users):
            if fail_after is not None and done == fail_after:
                raise RuntimeError("interrupted")
            _notify(user, f"due:{user.id}")
            if commit_each:
                _db.session.commit()
        _db.session.commit()
    return job


@pytest.mark.parametrize("commit_each", [True, False], ids=["commit-per-notice", "commit-at-end"])
def test_an_interrupted_job_rerun_sends_each_notice_once(app, db, make_user, smtp, monkeypatch,
                                                         commit_each):
    users = [make_user("provider") for _ in range(4)]
    import tests.core.test_notifications as here

    registry.register_job("test.fan_out", "tests.core.test_notifications:fan_out",
                          {"trigger": "interval", "hours": 1})
    try:
        monkeypatch.setattr(here, "fan_out", _fan_out_job(2, commit_each), raising=False)
        first = run_job(app, "test.fan_out")
        assert first.status is RunStatus.ERROR and "interrupted" in first.message
        assert _count(Notification) == (2 if commit_each else 0)
        assert len(smtp.inbox.messages) == (2 if commit_each else 0)
        monkeypatch.setattr(here, "fan_out", _fan_out_job(None, commit_each))
        second = run_job(app, "test.fan_out")
        assert second.status is RunStatus.OK
        third = run_job(app, "test.fan_out")  # and once more, for good measure
        assert third.status is RunStatus.OK
    finally:
        registry.unregister_job("test.fan_out")
    assert _count(Notification) == 4
    assert sorted(r[0] for r, _ in smtp.inbox.messages) == sorted(u.email for u in users)
    assert _count(JobRun) == 3


# ---- preferences --------------------------------------------------------------------------

def test_no_email_when_the_user_turned_email_off(db, make_user, smtp):
    user = make_user("provider")
    services.set_preferences(user, {kinds.SUBMISSION_DUE: (True, False)})
    notification = _notify(user, "k")
    db.session.commit()
    assert notification.wants_email is False
    assert smtp.inbox.messages == []
    assert services.unread_count(user) == 1


def test_a_hidden_kind_is_stored_but_not_shown(db, make_user, smtp):
    user = make_user("provider")
    services.set_preferences(user, {kinds.SUBMISSION_DUE: (False, True)})
    _notify(user, "k")
    services.notify(user, kinds.CONTRACT_EXPIRING, "合同将到期", dedupe_key="k2")
    db.session.commit()
    assert _count(Notification) == 2
    assert services.unread_count(user) == 1
    shown = db.session.scalars(services.visible_notifications(user)).all()
    assert [n.kind for n in shown] == [kinds.CONTRACT_EXPIRING]
    assert len(smtp.inbox.to(user.email)) == 2  # e-mail is its own channel


def test_default_preferences_store_no_rows(db, make_user):
    user = make_user("provider")
    services.set_preferences(user, {k: (True, True) for k in kinds.KINDS})
    assert _count(NotificationPreference) == 0
    assert set(services.preferences_for(user).values()) == {(True, True)}


# ---- e-mail through a real SMTP server -----------------------------------------------------

def test_email_reaches_the_smtp_server_after_the_commit(db, make_user, smtp):
    user = make_user("provider")
    notification = _notify(user, "k")
    assert smtp.inbox.messages == []  # not before the commit
    db.session.commit()
    [message] = smtp.inbox.to(user.email)
    assert message["Subject"] == TITLE
    assert message["To"] == user.email
    body = message.get_content()
    assert "https://care.example.cn/contracts/7" in body and "12 月 1 日截止" in body
    db.session.refresh(notification)
    assert notification.emailed_at is not None and notification.email_attempts == 1


def test_a_title_holding_a_line_separator_is_mailed_on_one_line(db, make_user, smtp):
    """Text pasted from a word processor keeps U+2028 (no control character, so every form
    lets it through). In a Subject it raised, which stopped the whole batch: neither that
    notice nor any after it was mailed."""
    pasted, other = make_user("provider"), make_user("officer")
    services.notify(pasted, kinds.CONTRACT_EXPIRING, "合同\u2028即将到期\x85", dedupe_key="a")
    _notify(other, "b")
    db.session.commit()
    [message] = smtp.inbox.to(pasted.email)
    assert message["Subject"] == "合同 即将到期"
    assert len(smtp.inbox.to(other.email)) == 1


def test_no_email_and_no_row_when_the_transaction_rolls_back(db, make_user, smtp):
    user = make_user("provider")
    _notify(user, "k")
    db.session.rollback()
    db.session.commit()  # a later commit must not send the forgotten notice either
    assert smtp.inbox.messages == [] and _count(Notification) == 0
    _notify(user, "k")  # the key is free again
    db.session.commit()
    assert len(smtp.inbox.to(user.email)) == 1


def test_smtp_down_keeps_the_notice_and_the_retry_sends_it_once(db, make_user, smtp, caplog):
    user = make_user("provider")
    smtp.stop()  # nothing listens on the configured port now
    with caplog.at_level(logging.WARNING, logger="app.notifications.mail"):
        notification = _notify(user, "k")
        db.session.commit()  # does not raise
    assert any("failed" in r.getMessage() for r in caplog.records)
    db.session.refresh(notification)
    assert notification.emailed_at is None and notification.email_attempts == 1
    assert "Connection" in notification.email_error or "refused" in notification.email_error
    assert services.unread_count(user) == 1

    smtp.start()
    assert services.retry_failed_emails() == 1
    assert services.retry_failed_emails() == 0
    assert len(smtp.inbox.to(user.email)) == 1
    db.session.refresh(notification)
    assert notification.emailed_at is not None and notification.email_error is None
    assert notification.email_attempts == 2


def test_retry_gives_up_after_max_attempts(db, make_user, smtp):
    user = make_user("provider")
    smtp.stop()
    notification = _notify(user, "k")
    db.session.commit()
    for _ in range(3):
        services.retry_failed_emails(max_attempts=3)
    db.session.refresh(notification)
    assert notification.email_attempts == 3
    smtp.start()
    assert services.retry_failed_emails(max_attempts=3) == 0
    assert smtp.inbox.messages == []


def test_the_retry_sends_nothing_to_an_account_disabled_since(db, make_user, smtp, as_user):
    """A notice whose first e-mail failed is not mailed later to an account an administrator
    has disabled meanwhile (a provider's staff member who left)."""
    user = make_user("provider")
    smtp.stop()
    _notify(user, "k")
    db.session.commit()
    browser, _admin = as_user("admin")
    browser.get(f"/admin/users/{user.id}")
    assert browser.post(f"/admin/users/{user.id}/disable").status_code == 302
    smtp.start()
    assert services.retry_failed_emails() == 0
    assert smtp.inbox.to(user.email) == []


def test_without_a_mail_server_notices_stay_in_app(app, db, make_user):
    assert not app.config["MAIL_SERVER"]
    user = make_user("provider")
    notification = _notify(user, "k")
    db.session.commit()
    db.session.refresh(notification)
    assert notification.email_attempts == 0 and notification.emailed_at is None


# ---- pages ---------------------------------------------------------------------------------

def test_a_user_lists_and_reads_only_their_own_notices(app, db, make_user):
    me, other = make_user("provider"), make_user("provider")
    mine = _notify(me, "mine")
    services.notify(me, kinds.CONTRACT_EXPIRING, "合同将到期", dedupe_key="mine2")
    theirs = _notify(other, "theirs")
    db.session.commit()
    browser = _login(app, me)
    page = browser.get("/notifications/").get_data(as_text=True)
    assert f'data-notification="{mine.id}"' in page and "合同将到期" in page
    assert f'data-notification="{theirs.id}"' not in page
    filtered = browser.get("/notifications/?kind=contract_expiring").get_data(as_text=True)
    assert f'data-notification="{mine.id}"' not in filtered

    assert browser.post(f"/notifications/{theirs.id}/read").status_code == 404
    assert browser.get(f"/notifications/{theirs.id}/open").status_code == 404
    assert browser.post(f"/notifications/{mine.id}/read").status_code == 302
    db.session.refresh(mine)
    db.session.refresh(theirs)
    assert mine.read_at is not None and theirs.read_at is None


def test_following_the_link_marks_read_and_mark_all(app, db, make_user):
    me = make_user("provider")
    first, second = _notify(me, "a"), _notify(me, "b", link="")
    db.session.commit()
    browser = _login(app, me)
    response = browser.get(f"/notifications/{first.id}/open")
    assert response.status_code == 302 and response.headers["Location"] == "/contracts/7"
    db.session.refresh(first)
    assert first.read_at is not None
    assert browser.post("/notifications/read-all", csrf=False).status_code == 400  # CSRF
    assert browser.post("/notifications/read-all").status_code == 302
    db.session.refresh(second)
    assert second.read_at is not None and services.unread_count(me) == 0


def test_the_bell_shows_the_unread_count(app, db, make_user):
    me = make_user("provider")
    _notify(me, "a")
    _notify(me, "b")
    db.session.commit()
    with app.test_request_context("/"):
        login_user(me)
        html = render_template("notifications/_bell.html")
    assert 'data-unread="2"' in html


def test_preferences_page_saves_the_choices(app, db, make_user):
    me = make_user("provider")
    browser = _login(app, me)
    page = browser.get("/notifications/preferences")
    assert page.status_code == 200 and "Submission due" in page.get_data(as_text=True)
    form = {f"in_app:{k}": "on" for k in kinds.KINDS} | {f"email:{k}": "on" for k in kinds.KINDS}
    del form["email:submission_due"], form["in_app:survey_window"]
    assert browser.post("/notifications/preferences", form).status_code == 302
    prefs = services.preferences_for(me)
    assert prefs["submission_due"] == (True, False)
    assert prefs["survey_window"] == (False, True)
    assert prefs["contract_expiring"] == (True, True)


def test_pages_need_a_login(app):
    response = app.test_client().get("/notifications/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _edit(as_user, user, **changes) -> None:
    browser, _admin = as_user("admin")
    browser.get(f"/admin/users/{user.id}")
    form = {"name": user.name, "role": user.role.value, "provider_id": user.provider_id or "",
            "region_code": user.region.code if user.region else ""} | changes
    assert browser.post(f"/admin/users/{user.id}", form).status_code == 302


def test_a_user_moved_to_another_organization_neither_sees_nor_gets_its_old_notices(
        app, db, make_user, make_provider, smtp, as_user):
    user = make_user("provider")
    smtp.stop()
    old = _notify(user, "old")  # of the first organization's contract; its e-mail failed
    db.session.commit()
    _edit(as_user, user, provider_id=make_provider().id)
    smtp.start()
    assert services.retry_failed_emails() == 0
    new = _notify(user, "new")
    db.session.commit()
    assert smtp.inbox.to(user.email) and services.unread_count(user) == 1
    browser = _login(app, user)
    page = browser.get("/notifications/").get_data(as_text=True)
    assert f'data-notification="{new.id}"' in page
    assert f'data-notification="{old.id}"' not in page
    assert browser.get(f"/notifications/{old.id}/open").status_code == 404
    assert db.session.get(Notification, old.id) is not None  # the record of what was sent


def test_a_county_officer_moved_to_another_county_reads_nothing_of_the_old_ones_notices(
        app, db, make_user, as_user, regions):
    """Every door to one old notice: the list, the bell, opening it, marking it read."""
    officer = make_user("officer", region="a")
    old = _notify(officer, "old-county")
    db.session.commit()
    _edit(as_user, officer, region_code=regions["b"].code)
    browser = _login(app, officer)
    assert f'data-notification="{old.id}"' not in browser.get("/notifications/").get_data(
        as_text=True)
    assert services.unread_count(officer) == 0
    assert browser.get(f"/notifications/{old.id}/open").status_code == 404
    assert browser.post(f"/notifications/{old.id}/read").status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, old.id).read_at is None


def test_a_renamed_user_keeps_their_notices(app, db, make_user, as_user):
    user = make_user("officer")
    _notify(user, "old")
    db.session.commit()
    _edit(as_user, user, name="新名字")
    assert services.unread_count(user) == 1


def test_mark_all_read_leaves_the_kinds_hidden_unread_and_counts_what_the_bell_showed(
        app, db, make_user):
    """"Mark all read" marked the notices of the kinds the user hid as well, and counted them:
    the bell said 1, the page "3 notification(s) marked as read", and showing the kind again
    brought back two notices marked read that had never been seen."""
    me = make_user("provider")
    shown = _notify(me, "shown")
    hidden = [services.notify(me, kinds.SURVEY_WINDOW, TITLE, dedupe_key=f"hidden-{i}")
              for i in range(2)]
    services.set_preferences(me, {kinds.SURVEY_WINDOW: (False, True)})
    db.session.commit()
    assert services.unread_count(me) == 1
    browser = _login(app, me)
    browser.get("/notifications/")
    response = browser.post("/notifications/read-all")
    assert response.status_code == 302
    page = browser.get("/notifications/").get_data(as_text=True)
    assert "1 notification(s) marked as read" in page
    db.session.expire_all()
    assert db.session.get(Notification, shown.id).read_at is not None
    assert [db.session.get(Notification, n.id).read_at for n in hidden] == [None, None]
