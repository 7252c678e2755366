"""Failed sign-ins are in the audit trail, so that the bureau sees password guessing: on the
account when the e-mail is a user's, without a user when it is nobody's, never with the
password typed, and the answer to the guesser says no more than before."""

from __future__ import annotations

import json

import sqlalchemy as sa

from app.audit.models import AuditLog
from tests.clients import PASSWORD, Browser

GUESS = "summer-guess-2026"
FAILED = "sign_in_failed"


def _failures(db) -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditLog).where(AuditLog.action == FAILED)
                                   .order_by(AuditLog.id)))


def _no_password_in(row: AuditLog) -> None:
    assert GUESS not in json.dumps(row.changes) and GUESS not in row.actor_label


def test_a_wrong_password_is_audited_on_the_account(app, db, make_user, as_user):
    user = make_user("officer")
    response = Browser(app.test_client()).login(user, GUESS)
    assert "Wrong e-mail or password." in response.get_data(as_text=True)
    [row] = _failures(db)
    assert (row.object_type, row.object_id) == ("users", str(user.id))
    assert row.actor_id is None  # nobody proved who they are
    assert row.actor_label == user.email and row.ip_address == "127.0.0.1"
    _no_password_in(row)
    admin, _ = as_user("admin", locale="en")
    page = admin.get(f"/admin/audit/?actor={user.email}").get_data(as_text=True)
    assert "Failed sign-in" in page and "127.0.0.1" in page


def test_an_unknown_email_is_audited_without_a_user(app, db, make_user, as_user):
    make_user("officer")
    response = Browser(app.test_client()).login("Nobody@Example.cn", GUESS)
    assert "Wrong e-mail or password." in response.get_data(as_text=True)
    [row] = _failures(db)
    assert (row.object_type, row.object_id, row.actor_id) == ("users", "", None)
    assert row.changes == {"email": "nobody@example.cn"}
    _no_password_in(row)
    admin, _ = as_user("admin", locale="en")
    page = admin.get("/admin/audit/?actor=nobody@example.cn").get_data(as_text=True)
    assert "Failed sign-in" in page and "nobody@example.cn" in page


def test_the_answer_does_not_tell_whether_the_account_exists(app, make_user):
    user = make_user("officer")
    known = Browser(app.test_client()).login(user, GUESS)
    unknown = Browser(app.test_client()).login("nobody@example.cn", GUESS)
    assert known.status_code == unknown.status_code == 200

    def message(response):
        text = response.get_data(as_text=True)
        return [line for line in ("Wrong e-mail or password.", "disabled") if line in text]

    assert message(known) == message(unknown) == ["Wrong e-mail or password."]


def test_a_right_password_is_no_failure(app, db, make_user):
    user = make_user("officer")
    assert Browser(app.test_client()).login(user).status_code == 302
    assert _failures(db) == []


def test_a_disabled_account_signing_in_is_audited(app, db, make_user):
    user = make_user("officer")
    user.is_enabled = False
    db.session.commit()
    Browser(app.test_client()).login(user)
    [row] = _failures(db)
    assert row.object_id == str(user.id) and row.changes == {"is_enabled": False}


def test_a_failed_token_request_is_audited(app, db, make_user):
    user = make_user("inspector")
    response = app.test_client().post("/api/v1/tokens", json={"email": user.email,
                                                              "password": GUESS})
    assert response.status_code == 401
    [row] = _failures(db)
    assert row.object_id == str(user.id)
    _no_password_in(row)


def test_throttled_tries_are_audited_and_the_throttle_still_holds(app, db, make_user):
    user = make_user("officer")
    browser = Browser(app.test_client())
    free = app.config["LOGIN_FREE_FAILURES"]
    for _ in range(free):
        browser.login(user, GUESS)
    throttled = browser.login(user, PASSWORD)  # the right password, but too late
    assert "Too many failed logins" in throttled.get_data(as_text=True)
    rows = _failures(db)
    assert len(rows) == free + 1
    assert all(r.object_id == str(user.id) for r in rows)
    assert rows[-1].changes == {"throttled": True}
    assert all(r.changes == {} for r in rows[:-1])


def test_a_wrong_current_password_is_audited_as_the_signed_in_users(app, db, as_user):
    """Guessing through the change-of-password form is counted like a sign-in; the one
    guessing is the user signed in in that browser."""
    browser, user = as_user("officer")
    browser.get("/account/")
    response = browser.post("/account/password", {"current_password": GUESS,
                                                   "password": "violet-harbour-lantern-9",
                                                   "confirm": "violet-harbour-lantern-9"})
    assert response.status_code == 422
    [row] = _failures(db)
    assert (row.object_id, row.actor_id, row.actor_label) == (str(user.id), user.id, user.email)
    _no_password_in(row)
