"""A password change, "sign out everywhere" and ``flask users set-password`` end every other
session, remember-me cookie and API token of the user; the user's own change keeps the
browser that made it signed in."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.auth.models import LoginAttempt
from app.users.models import User
from tests.clients import PASSWORD, ApiClient, Browser

NEW = "violet-harbour-lantern-9"


@pytest.fixture
def everywhere(app, make_user):
    """A user signed in three ways: a browser session, a remember-me cookie alone (as after
    the browser was closed), and an API token. ``alive()`` says which still work."""
    user = make_user("officer")
    session = Browser(app.test_client())
    assert session.login(user).status_code == 302
    remembered = Browser(app.test_client())
    remembered.get("/login")
    remembered.post("/login", {"email": user.email, "password": PASSWORD, "remember": "y"})
    cookie = remembered.client.get_cookie("remember_token")
    assert cookie is not None
    returning = app.test_client()
    returning.set_cookie("remember_token", cookie.value)
    token = app.test_client().post("/api/v1/tokens", json={"email": user.email,
                                                           "password": PASSWORD})
    api = ApiClient(app.test_client(), token.get_json()["token"])

    def alive() -> dict[str, bool]:
        return {"session": session.client.get("/").status_code == 200,
                "remember-me": returning.get("/").status_code == 200,
                "token": api.get("/api/v1/me").status_code == 200}

    assert alive() == {"session": True, "remember-me": True, "token": True}
    return user, alive, session


ALL_DEAD = {"session": False, "remember-me": False, "token": False}


def test_keep_me_logged_in_lasts_beyond_the_first_page(everywhere):
    _user, alive, _ = everywhere
    for _ in range(3):
        assert alive()["remember-me"]


def test_own_password_change_keeps_this_browser_and_ends_the_rest(app, everywhere, db):
    user, alive, _ = everywhere
    me = Browser(app.test_client())
    me.login(user)
    me.get("/account/")
    response = me.post("/account/password", {"current_password": PASSWORD, "password": NEW,
                                              "confirm": NEW})
    assert response.status_code == 302
    assert me.get("/account/").status_code == 200  # still signed in here
    assert alive() == ALL_DEAD
    assert "Wrong e-mail or password." in Browser(app.test_client()).login(user) \
        .get_data(as_text=True)
    assert Browser(app.test_client()).login(user, NEW).status_code == 302


def test_own_password_change_needs_the_current_password_and_counts_the_failure(app, everywhere,
                                                                               db):
    user, alive, session = everywhere
    session.get("/account/")
    response = session.post("/account/password", {"current_password": "not-my-password",
                                                   "password": NEW, "confirm": NEW})
    assert response.status_code == 422
    assert "This is not your current password." in response.get_data(as_text=True)
    assert alive() == {"session": True, "remember-me": True, "token": True}
    failed = db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt).where(
        LoginAttempt.email == user.email, LoginAttempt.succeeded.is_(False)))
    assert failed == 1  # kept despite the 422: guessing through this form is throttled too


@pytest.mark.parametrize("new, confirm, why", [
    ("password1234", "password1234", "most commonly used"),
    (NEW, NEW + "x", "The two new passwords differ."),
    (PASSWORD, PASSWORD, "the same as the current one"),
])
def test_own_password_change_refuses_bad_new_passwords(everywhere, new, confirm, why):
    _user, alive, session = everywhere
    session.get("/account/")
    response = session.post("/account/password", {"current_password": PASSWORD,
                                                   "password": new, "confirm": confirm})
    assert response.status_code == 422
    assert why in response.get_data(as_text=True)
    assert alive() == {"session": True, "remember-me": True, "token": True}


def test_sign_out_everywhere_on_the_users_own_page(everywhere):
    _user, alive, session = everywhere
    page = session.get("/account/").get_data(as_text=True)
    assert "/account/sessions" in page and "Sign out everywhere" in page
    response = session.post("/account/sessions")
    assert response.headers["Location"] == "/login"
    assert alive() == ALL_DEAD


def test_sign_out_everywhere_needs_the_csrf_token(everywhere):
    _user, alive, session = everywhere
    assert session.post("/account/sessions", csrf=False).status_code == 400
    assert alive() == {"session": True, "remember-me": True, "token": True}


def test_admin_signs_a_user_out_everywhere_and_stays_signed_in(as_user, everywhere):
    user, alive, _ = everywhere
    admin, _ = as_user("admin")
    page = admin.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert f"/admin/users/{user.id}/sessions" in page
    response = admin.post(f"/admin/users/{user.id}/sessions")
    assert response.status_code == 302
    assert alive() == ALL_DEAD
    assert admin.get("/admin/users/").status_code == 200


def test_admin_reset_ends_the_users_sessions(as_user, everywhere):
    user, alive, _ = everywhere
    admin, _ = as_user("admin")
    admin.get(f"/admin/users/{user.id}")
    assert admin.post(f"/admin/users/{user.id}/password", {"password": NEW}).status_code == 302
    assert alive() == ALL_DEAD


def test_an_admin_resetting_their_own_password_stays_signed_in(as_user):
    admin, me = as_user("admin")
    admin.get(f"/admin/users/{me.id}")
    assert admin.post(f"/admin/users/{me.id}/password", {"password": NEW}).status_code == 302
    assert admin.get("/admin/users/").status_code == 200


@pytest.mark.parametrize("role", ["officer", "inspector", "provider"])
def test_only_admins_sign_others_out(as_user, make_user, role):
    browser, _ = as_user(role)
    victim = make_user("officer")
    browser.get("/account/")
    assert browser.post(f"/admin/users/{victim.id}/sessions").status_code == 403


def test_the_account_page_wants_a_login(client):
    response = client.get("/account/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_cli_set_password_revokes_everything(runner, everywhere, app, db):
    user, alive, _ = everywhere
    result = runner.invoke(args=["users", "set-password", "--email", user.email.upper(),
                                 "--password", NEW])
    assert result.exit_code == 0, result.output
    assert alive() == ALL_DEAD
    assert Browser(app.test_client()).login(user, NEW).status_code == 302


def test_cli_set_password_refuses_weak_passwords_and_unknown_users(runner, everywhere, db):
    user, alive, _ = everywhere
    before = user.password_hash
    weak = runner.invoke(args=["users", "set-password", "--email", user.email,
                               "--password", user.email])
    assert weak.exit_code != 0 and "built from your e-mail address" in weak.output
    unknown = runner.invoke(args=["users", "set-password", "--email", "nobody@example.cn",
                                  "--password", NEW])
    assert unknown.exit_code != 0 and "No user has the e-mail" in unknown.output
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before
    assert alive() == {"session": True, "remember-me": True, "token": True}
