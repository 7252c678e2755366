"""The "strong" session protection binds a session to the address it was signed in from, as the
app sees the address: the peer's, or the one a trusted proxy forwards. An X-Forwarded-For
header the client writes itself must not decide it, or a stolen session cookie replayed from
elsewhere keeps working by naming the victim's address."""

from __future__ import annotations

import pytest

from app.proxies import TrustedProxyFix
from tests.clients import PASSWORD, Browser

OWNER, THIEF, PROXY = "203.0.113.7", "198.51.100.9", "10.0.0.2"


def _signed_in_as_owner(app, user, *, via_proxy: bool) -> str:
    """The session cookie of ``user`` signed in from OWNER's address."""
    browser = Browser(app.test_client())
    env = ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": OWNER} if via_proxy
           else {"REMOTE_ADDR": OWNER})
    browser.get("/login", environ_base=env)
    assert browser.post("/login", {"email": user.email, "password": PASSWORD},
                        environ_base=env).status_code == 302
    assert browser.client.get("/", environ_base=env).status_code == 200
    return browser.client.get_cookie("session").value


def _replayed(app, cookie: str, env: dict) -> int:
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client.get("/", environ_base=env).status_code


def test_a_forged_header_does_not_carry_a_stolen_session_to_another_address(app, make_user):
    cookie = _signed_in_as_owner(app, make_user("officer"), via_proxy=False)
    assert _replayed(app, cookie, {"REMOTE_ADDR": THIEF}) == 302
    assert _replayed(app, cookie, {"REMOTE_ADDR": THIEF, "HTTP_X_FORWARDED_FOR": OWNER}) == 302
    assert _replayed(app, cookie, {"REMOTE_ADDR": OWNER}) == 200


def test_a_header_the_owner_sends_does_not_drop_their_session(app, make_user):
    """A browser extension or a forward proxy writing X-Forwarded-For does not make the
    owner, at the same address, sign in again."""
    cookie = _signed_in_as_owner(app, make_user("officer"), via_proxy=False)
    assert _replayed(app, cookie, {"REMOTE_ADDR": OWNER,
                                   "HTTP_X_FORWARDED_FOR": "192.168.1.23"}) == 200


@pytest.fixture
def behind_proxy(app, monkeypatch):
    monkeypatch.setattr(app, "wsgi_app", TrustedProxyFix(app.wsgi_app.app, "10.0.0.0/8"))
    return app


def test_behind_the_trusted_proxy_the_forwarded_address_binds_the_session(behind_proxy,
                                                                          make_user):
    app = behind_proxy
    cookie = _signed_in_as_owner(app, make_user("officer"), via_proxy=True)
    assert _replayed(app, cookie, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": OWNER}) == 200
    assert _replayed(app, cookie, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": THIEF}) == 302
    # the proxy appends the thief's address to the header the thief wrote: the last hop counts
    assert _replayed(app, cookie, {"REMOTE_ADDR": PROXY,
                                   "HTTP_X_FORWARDED_FOR": f"{OWNER}, {THIEF}"}) == 302
