"""Login throttling per (account, address) pair with a growing delay, a ceiling per address,
and refusals that take as long for an unknown e-mail as for a wrong password."""

from __future__ import annotations

import statistics
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.auth import services as auth
from app.auth.models import LoginAttempt
from tests.clients import PASSWORD, Browser
from tests.locks import a_statement_waits_for_a_lock
from tests.threads import WAIT, at_once, until

START = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
HOME, CAFE = "10.1.1.1", "10.2.2.2"


@pytest.fixture
def at():
    """``at(seconds)`` sets the clock to START plus that many seconds."""
    def travel(seconds: float = 0) -> None:
        clock.set_clock(lambda: START + timedelta(seconds=seconds))
    travel(0)
    return travel


def login(app, email, password, address):
    browser = Browser(app.test_client())
    browser.get("/login", environ_base={"REMOTE_ADDR": address})
    response = browser.post("/login", {"email": email, "password": password},
                            environ_base={"REMOTE_ADDR": address})
    return response.status_code, response.get_data(as_text=True)


def fail(app, email, address, times=1):
    for _ in range(times):
        status, page = login(app, email, "wrong-password-1", address)
        assert "Wrong e-mail or password." in page


def test_five_failures_make_that_pair_wait_even_with_the_right_password(app, make_user, at):
    user = make_user("officer")
    fail(app, user.email, CAFE, 5)
    status, page = login(app, user.email, PASSWORD, CAFE)
    assert status == 200
    assert "Too many failed logins for this account from your network address" in page
    assert "Try again in 1 minute." in page


def test_a_stranger_failing_never_locks_the_owner_out_of_another_address(app, make_user, at):
    user = make_user("officer")
    fail(app, user.email, CAFE, 5)
    for _ in range(7):  # and goes on hammering
        assert "Too many failed logins" in login(app, user.email, "guess-123456", CAFE)[1]
    status, _page = login(app, user.email, PASSWORD, HOME)
    assert status == 302  # the owner, at home, is in


def test_failures_for_other_accounts_leave_an_address_open(app, make_user, at):
    """One office address (a whole bureau behind a proxy) where some people mistype."""
    victim = make_user("officer")
    for n in range(8):
        fail(app, f"colleague{n}@example.cn", HOME)
    assert login(app, victim.email, PASSWORD, HOME)[0] == 302


def test_the_delay_grows_with_each_failure_and_lifts_after_it(app, make_user, at):
    user = make_user("officer")
    fail(app, user.email, CAFE, 5)                                  # 5th at 0 s: wait 30 s
    at(29)
    assert "Too many failed logins" in login(app, user.email, PASSWORD, CAFE)[1]
    at(31)
    fail(app, user.email, CAFE)                                     # 6th at 31 s: wait 60 s
    at(31 + 59)
    assert "Too many failed logins" in login(app, user.email, PASSWORD, CAFE)[1]
    at(31 + 61)
    fail(app, user.email, CAFE)                                     # 7th at 92 s: wait 120 s
    at(92 + 119)
    assert "Too many failed logins" in login(app, user.email, PASSWORD, CAFE)[1]
    at(92 + 121)
    assert login(app, user.email, PASSWORD, CAFE)[0] == 302


def test_two_guesses_at_once_are_heard_one_after_the_other(app, make_user, at, monkeypatch):
    """The delay after five failures is over: one more guess is heard. Two sent at the same
    instant both were (each counted the failures before it only); now the second waits for
    the first and meets the longer delay it earned."""
    user = make_user("officer")
    fail(app, user.email, CAFE, 5)  # 5th at 0 s: wait 30 s
    at(31)
    checking, go_on = threading.Event(), threading.Event()
    check = auth.password_matches

    def first_held_at_its_check(*args):
        if not checking.is_set():
            checking.set()
            go_on.wait(WAIT)
        return check(*args)

    monkeypatch.setattr(auth, "password_matches", first_held_at_its_check)

    def second():
        assert checking.wait(WAIT)
        return login(app, user.email, "guess-2", CAFE)[1]

    def release_the_first():
        if checking.wait(WAIT) and until(lambda: a_statement_waits_for_a_lock(app)):
            go_on.set()

    first, second, _ = at_once(lambda: login(app, user.email, "guess-1", CAFE)[1], second,
                               release_the_first)
    assert "Wrong e-mail or password." in first
    assert "Too many failed logins for this account" in second


def test_the_delay_is_capped(app, make_user, at):
    user = make_user("officer")
    fail(app, user.email, CAFE, 5)
    last = 0
    for n in range(8):  # 30 s doubling passes the cap of 15 minutes at the 6th delay
        last = 60 * 15 * (n + 1) + 1
        at(last)
        fail(app, user.email, CAFE)
    at(last + 60 * 15 - 1)
    assert "Try again in 1 minute." in login(app, user.email, PASSWORD, CAFE)[1]
    at(last + 60 * 15 + 1)
    assert login(app, user.email, PASSWORD, CAFE)[0] == 302


def test_a_success_forgives_the_pairs_failures(app, make_user, at):
    user = make_user("officer")
    fail(app, user.email, CAFE, 4)
    assert login(app, user.email, PASSWORD, CAFE)[0] == 302
    at(1)
    fail(app, user.email, CAFE, 4)
    assert login(app, user.email, PASSWORD, CAFE)[0] == 302


def test_an_address_failing_across_many_accounts_meets_the_ceiling(app, make_user, at,
                                                                     monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_MAX_FAILURES", 10)
    user = make_user("officer")
    for n in range(10):
        fail(app, f"guess{n}@example.cn", CAFE)
    status, page = login(app, user.email, PASSWORD, CAFE)
    assert "Too many failed logins from your network address. Try again in 60 minutes." in page
    assert login(app, user.email, PASSWORD, HOME)[0] == 302  # everyone else is unaffected
    at(3601)
    assert login(app, user.email, PASSWORD, CAFE)[0] == 302


def test_the_addresses_of_one_ipv6_network_are_one_address(app, make_user, at, monkeypatch):
    """A home, an office or a phone is given a whole IPv6 /64: billions of addresses, and a
    pair per address let its holder guess five times from each, and never meet the ceiling."""
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_MAX_FAILURES", 10)
    user = make_user("officer")
    for n in range(1, 6):
        fail(app, user.email, f"2001:db8:1:2::{n}")
    page = login(app, user.email, PASSWORD, "2001:db8:1:2:ffff::9")[1]
    assert "Too many failed logins for this account from your network address" in page
    assert login(app, user.email, PASSWORD, "2001:db8:1:3::1")[0] == 302  # another network
    for n in range(5):
        fail(app, f"guess{n}@example.cn", f"2001:db8:1:2::a:{n}")
    page = login(app, user.email, PASSWORD, "2001:db8:1:2::b")[1]
    assert "Too many failed logins from your network address." in page
    assert login(app, user.email, PASSWORD, "::ffff:10.1.1.1")[0] == 302  # IPv4 as before


def test_throttled_tries_are_recorded_and_check_no_password(app, make_user, at, db):
    user = make_user("officer")
    fail(app, user.email, CAFE, 5)
    login(app, user.email, PASSWORD, CAFE)
    rows = db.session.execute(sa.select(LoginAttempt.succeeded, LoginAttempt.throttled)
                              .order_by(LoginAttempt.id)).all()
    assert rows == [(False, False)] * 5 + [(False, True)]


def test_api_tokens_are_throttled_per_pair_too(app, make_user, at):
    user = make_user("officer")
    api = app.test_client()
    for _ in range(5):
        response = api.post("/api/v1/tokens", json={"email": user.email, "password": "nope"},
                            environ_base={"REMOTE_ADDR": CAFE})
        assert response.status_code == 401
    response = api.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD},
                        environ_base={"REMOTE_ADDR": CAFE})
    # the wait the message gives in minutes, in seconds for a client (30 s after 5 failures)
    assert response.status_code == 429 and response.headers["Retry-After"] == "30"
    response = api.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD},
                        environ_base={"REMOTE_ADDR": HOME})
    assert response.status_code == 201


def test_an_overlong_email_is_refused_not_a_500(app, at):
    response = app.test_client().post("/api/v1/tokens",
                                      json={"email": "x" * 5000, "password": "whatever"})
    assert response.status_code == 401


# ---- the same time for an unknown e-mail -------------------------------------------------

def test_an_unknown_email_checks_a_hash_made_like_the_users(app, make_user, monkeypatch):
    checked = []
    real = auth.check_password_hash

    def spy(pwhash, password):
        checked.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(auth, "check_password_hash", spy)
    user = make_user("officer")
    with app.test_request_context(), pytest.raises(auth.LoginRefused):
        auth.authenticate("nobody@example.cn", "whatever-123", HOME)
    assert len(checked) == 1
    method = user.password_hash.split("$")[0]
    assert checked[0].split("$")[0] == method  # same method and cost as real hashes


@pytest.mark.slow
def test_unknown_and_known_emails_take_about_the_same_time(app, make_user, monkeypatch):
    """With the production hash (scrypt): a refusal of an unknown e-mail is not measurably
    quicker than one of a wrong password."""
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "scrypt")
    user = make_user("officer")

    def timed(email: str) -> float:
        with app.test_request_context():
            start = time.perf_counter()
            with pytest.raises(auth.LoginRefused):
                auth.authenticate(email, "wrong-password-1", f"10.3.{len(email)}.1")
            return time.perf_counter() - start

    timed("warm-up@example.cn")  # the dummy hash is made once per process
    known = statistics.median(timed(user.email) for _ in range(5))
    unknown = statistics.median(timed("nobody@example.cn") for _ in range(5))
    # without the dummy hash an unknown e-mail is refused some 50 times quicker
    assert unknown > known * 0.4, (known, unknown)


def test_the_throttle_speaks_chinese(app, make_user, at):
    user = make_user("officer", locale="zh_CN")
    api = app.test_client()
    for _ in range(5):
        api.post("/api/v1/tokens", json={"email": user.email, "password": "nope"},
                 environ_base={"REMOTE_ADDR": CAFE})
    response = api.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD},
                        environ_base={"REMOTE_ADDR": CAFE}, headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 429
    assert "登录失败次数过多，请 1 分钟后重试" in response.get_json()["error"]["message"]
