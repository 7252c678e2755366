"""Logging in and out, where login sends the user next, CSRF (throttling: test_throttle.py)."""

import pytest
import sqlalchemy as sa

from app.auth.models import LoginAttempt
from tests.clients import PASSWORD


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


@pytest.mark.parametrize("target", [
    "https://evil.example/x", "////evil.example/phish", "//evil.example/x",
    "/\\evil.example/x", "/\\/evil.example", "\\\\evil.example",
    "/\t/evil.example", "javascript:alert(1)", "http:/evil.example", "evil.example/x",
])
def test_login_redirects_only_to_a_path_on_this_site(browser, make_user, target):
    user = make_user("officer")
    browser.get("/login")
    response = browser.post("/login", {"email": user.email, "password": PASSWORD},
                            query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_follows_a_local_next(browser, make_user):
    user = make_user("officer")
    browser.get("/login")
    response = browser.post("/login", {"email": user.email, "password": PASSWORD},
                            query_string={"next": "/contracts/?status=active"})
    assert response.headers["Location"] == "/contracts/?status=active"


def test_language_switch_redirects_only_to_a_path_on_this_site(browser):
    browser.get("/login")
    response = browser.post("/language", {"locale": "en", "next": "/\\evil.example/x"})
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
    assert "the page was open too long" in response.get_data(as_text=True)


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
