"""Signing out ends this browser's session for good: a copy of its session cookie or of its
remember-me cookie taken before (on a shared office computer, from a proxy log) no longer
signs anybody in. The user's sessions in other browsers go on."""

from __future__ import annotations

import pytest

from tests.clients import PASSWORD, Browser


def _signed_in(client) -> bool:
    response = client.get("/")
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/login")
        return False
    assert response.status_code == 200
    return True


def _replay(app, cookies: dict[str, str]):
    """A fresh browser holding only ``cookies`` (copied from another)."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


@pytest.fixture
def two_browsers(app, make_user):
    """A user signed in at the office (with "keep me logged in") and on a second device."""
    user = make_user("officer")
    office = Browser(app.test_client())
    office.get("/login")
    assert office.post("/login", {"email": user.email, "password": PASSWORD,
                                  "remember": "y"}).status_code == 302
    phone = Browser(app.test_client())
    assert phone.login(user).status_code == 302
    copied = {name: office.client.get_cookie(name).value
              for name in ("session", "remember_token")}
    return user, office, phone, copied


@pytest.mark.parametrize("kept", [("session",), ("remember_token",),
                                  ("session", "remember_token")])
def test_cookies_copied_before_sign_out_sign_nobody_in(app, two_browsers, kept):
    _user, office, phone, copied = two_browsers
    assert _signed_in(_replay(app, {k: copied[k] for k in kept}))  # the copy works until then
    assert office.logout().status_code == 302
    assert not _signed_in(office.client)
    assert not _signed_in(_replay(app, {k: copied[k] for k in kept}))
    assert _signed_in(phone.client)  # the other device stays signed in


def test_signing_in_again_after_sign_out_works(app, two_browsers):
    user, office, _phone, copied = two_browsers
    office.logout()
    assert office.login(user).status_code == 302
    assert _signed_in(office.client)
    assert not _signed_in(_replay(app, copied))


def test_signing_out_on_one_device_leaves_the_others(app, two_browsers):
    _user, office, phone, copied = two_browsers
    assert phone.logout().status_code == 302
    assert not _signed_in(phone.client)
    assert _signed_in(office.client)
    assert _signed_in(_replay(app, {"remember_token": copied["remember_token"]}))


def test_sign_out_everywhere_still_ends_every_session(app, two_browsers):
    _user, office, phone, copied = two_browsers
    office.get("/account/")
    assert office.post("/account/sessions").status_code == 302
    assert not _signed_in(phone.client)
    assert not _signed_in(_replay(app, copied))


def test_api_tokens_outlive_a_browser_sign_out(app, two_browsers):
    user, office, _phone, _copied = two_browsers
    token = app.test_client().post("/api/v1/tokens", json={"email": user.email,
                                                           "password": PASSWORD})
    assert token.status_code == 201
    office.logout()
    me = app.test_client().get("/api/v1/me", headers={
        "Authorization": f"Bearer {token.get_json()['token']}"})
    assert me.status_code == 200


def test_the_nightly_prune_keeps_only_sessions_a_cookie_could_still_carry(app, two_browsers):
    from datetime import timedelta

    import sqlalchemy as sa

    from app import clock
    from app.auth.models import UserSession
    from app.extensions import db
    from app.scheduler import runner
    from app.scheduler.models import RunStatus

    user, office, phone, _copied = two_browsers
    assert office.logout().status_code == 302
    year_old = UserSession(user_id=user.id, key_hash="f" * 64,
                           created_at=clock.now() - timedelta(days=367))
    db.session.add(year_old)
    db.session.commit()

    run = runner.run_job(app, "core.prune_user_sessions")

    assert run.status is RunStatus.OK and run.message == "2 browser session(s) deleted"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 1
    assert _signed_in(phone.client)  # the session still open goes on
