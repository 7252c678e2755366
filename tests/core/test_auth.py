"""Logging in and out, throttling, CSRF."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app import clock
from app.auth.models import LoginAttempt
from tests.clients import PASSWORD, Browser


def test_login_with_right_password_lands_on_dashboard(browser, make_user):
    user = make_user("officer")
    response = browser.login(user)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert browser.get("/").status_code == 200


def test_wrong_password_is_refused_with_a_message(browser, make_user):
    user = make_user("officer")
    response = browser.login(user, "wrong-password")
    assert response.status_code == 200
    assert "Wrong e-mail or password." in response.get_data(as_text=True)
    assert browser.get("/").status_code == 302  # still anonymous: sent to the login page


def test_unknown_email_gets_the_same_message(browser, make_user):
    response = browser.login("nobody@example.cn", "whatever-123")
    assert "Wrong e-mail or password." in response.get_data(as_text=True)


def test_disabled_user_cannot_log_in(browser, make_user, db):
    user = make_user("inspector")
    user.is_enabled = False
    db.session.commit()
    response = browser.login(user)
    assert response.status_code == 200
    assert "This account is disabled" in response.get_data(as_text=True)


def test_login_redirects_only_to_local_next(browser, make_user):
    user = make_user("officer")
    browser.get("/login")
    response = browser.post("/login?next=https://evil.example/x",
                            {"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_protected_page_sends_anonymous_to_login(client):
    response = client.get("/admin/users/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_logout_needs_post_with_csrf(as_user):
    browser, _ = as_user("officer")
    assert browser.client.get("/logout").status_code == 405
    response = browser.post("/logout", csrf=False)
    assert response.status_code == 400  # refused: no CSRF token
    assert browser.get("/").status_code == 200  # still logged in
    browser.logout()
    assert browser.get("/").status_code == 302


def test_post_without_csrf_token_is_refused(make_user, app):
    user = make_user("officer")
    response = app.test_client().post("/login", data={"email": user.email,
                                                      "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_five_failures_lock_the_account_even_with_the_right_password(browser, make_user, app):
    user = make_user("officer")
    for _ in range(5):
        browser.login(user, "wrong-password")
    response = browser.login(user)
    assert response.status_code == 200
    assert "Too many failed logins" in response.get_data(as_text=True)
    # another address is locked out of this account too
    other = Browser(app.test_client())
    other.get("/login")
    response = other.post("/login", {"email": user.email, "password": PASSWORD},
                          environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert "Too many failed logins" in response.get_data(as_text=True)


def test_five_failures_from_one_address_lock_that_address(browser, make_user):
    victim = make_user("officer")
    for n in range(5):
        browser.login(f"guess{n}@example.cn", "whatever-123")
    response = browser.login(victim)
    assert "Too many failed logins" in response.get_data(as_text=True)


def test_lock_lifts_after_the_window(browser, make_user, db):
    user = make_user("officer")
    start = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
    clock.set_clock(lambda: start)
    for _ in range(5):
        browser.login(user, "wrong-password")
    assert "Too many" in browser.login(user).get_data(as_text=True)
    clock.set_clock(lambda: start + timedelta(minutes=16))
    assert browser.login(user).status_code == 302


def test_every_try_is_recorded(browser, make_user, db):
    user = make_user("officer")
    browser.login(user, "wrong-password")
    browser.login(user)
    rows = db.session.scalars(sa.select(LoginAttempt).order_by(LoginAttempt.id)).all()
    assert [(r.email, r.succeeded) for r in rows] == [(user.email, False), (user.email, True)]


def test_session_cookie_is_httponly_and_lax(browser, make_user):
    user = make_user("officer")
    browser.get("/login")
    response = browser.post("/login", {"email": user.email, "password": PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
