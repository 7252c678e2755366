"""The database unavailable: 503 with Retry-After in both doors, one log line per outage, no
acknowledged write lost, recovery by itself. Simulated here with an SQLite file another
connection holds locked; tests/core/test_outage_live.py stops a real PostgreSQL."""

from __future__ import annotations

import logging
import sqlite3

import pytest
import sqlalchemy as sa

from app import create_app, outage
from app.extensions import db as _db
from app.regions.models import Region
from app.users.services import create_user
from config import TestingConfig
from tests.clients import PASSWORD, ApiClient, Browser, IsolatedClient, error_of


@pytest.fixture
def oapp(tmp_path):
    """An app on an SQLite file of its own that waits only 0.2 s for a lock, answering errors
    as in production (not re-raised to the test)."""
    path = tmp_path / "outage.sqlite3"

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"
        SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"timeout": 0.2}}
        INSTANCE_DIR = str(tmp_path / "instance")
        UPLOAD_DIR = str(tmp_path / "uploads")
        PROPAGATE_EXCEPTIONS = False
        DB_RETRY_AFTER_SECONDS = 7

    own = create_app(Config)
    own.test_client_class = IsolatedClient
    with own.app_context():
        _db.create_all()
        admin = create_user(email="admin@example.cn", password=PASSWORD, role="admin")
        _db.session.commit()
        own.config["ADMIN_EMAIL"] = admin.email
    own.config["DB_PATH"] = str(path)
    yield own
    with own.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def admin_api(oapp):
    client = oapp.test_client()
    response = client.post("/api/v1/tokens", json={"email": "admin@example.cn",
                                                   "password": PASSWORD})
    assert response.status_code == 201
    return ApiClient(client, response.get_json()["token"])


class Locker:
    """Another process's hold on the file: ``exclusive()`` stops every reader and writer,
    ``shared()`` lets a request write but never commit."""

    def __init__(self, path: str):
        self.conn = sqlite3.connect(path, isolation_level=None)

    def exclusive(self):
        self.conn.execute("BEGIN EXCLUSIVE")

    def shared(self):
        self.conn.execute("BEGIN")
        self.conn.execute("SELECT count(*) FROM regions").fetchall()

    def release(self):
        self.conn.execute("ROLLBACK")

    def close(self):
        self.conn.close()


@pytest.fixture
def locker(oapp):
    lock = Locker(oapp.config["DB_PATH"])
    yield lock
    lock.close()


def _region(api, code: str):
    return api.post("/api/v1/regions", json={"code": code, "name": f"区{code}"})


def _codes(oapp) -> set[str]:
    with oapp.app_context():
        codes = set(_db.session.scalars(sa.select(Region.code)))
        _db.session.remove()
        return codes


def _outage_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "app.outage"]


def test_api_answers_503_with_retry_after_and_recovers(oapp, admin_api, locker, caplog):
    caplog.set_level(logging.INFO)
    assert _region(admin_api, "610000").status_code == 201
    locker.exclusive()
    refused = [_region(admin_api, f"62{i:04d}") for i in range(3)]
    refused.append(admin_api.get("/api/v1/me"))
    for response in refused:
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "7"
        error = error_of(response)
        assert error["code"] == "unavailable" and "not available" in error["message"]
    locker.release()
    assert _region(admin_api, "630000").status_code == 201
    assert _codes(oapp) == {"610000", "630000"}  # nothing refused was stored
    lines = _outage_lines(caplog)
    assert [r.levelname for r in lines] == ["ERROR", "WARNING"], [r.message for r in lines]
    assert "Database unavailable" in lines[0].getMessage()
    assert "available again" in lines[1].getMessage()
    assert not [r for r in caplog.records if r.exc_info]  # no traceback per request


def test_a_commit_that_fails_after_the_view_is_a_503_and_stores_nothing(oapp, admin_api, locker,
                                                                          caplog):
    """The view's flush works; the unit of work's commit cannot get the file: not acknowledged."""
    locker.shared()
    response = _region(admin_api, "640000")
    assert response.status_code == 503 and error_of(response)["code"] == "unavailable"
    assert response.headers["Retry-After"] == "7"
    locker.release()
    assert "640000" not in _codes(oapp)
    assert _region(admin_api, "640000").status_code == 201
    assert not [r for r in caplog.records if r.exc_info]


def test_each_outage_is_logged_once(oapp, admin_api, locker, caplog):
    caplog.set_level(logging.INFO)
    for _round in range(2):
        locker.exclusive()
        for _ in range(4):
            assert admin_api.get("/api/v1/me").status_code == 503
        locker.release()
        assert admin_api.get("/api/v1/me").status_code == 200
    messages = [r.getMessage() for r in _outage_lines(caplog)]
    assert len(messages) == 4, messages
    assert "4 call(s) refused" in messages[1] and "4 call(s) refused" in messages[3]


@pytest.mark.parametrize("language, text", [("en", "Temporarily unavailable"),
                                            ("zh-CN", "暂时无法使用")])
def test_browsers_get_a_page_in_their_language(oapp, locker, language, text):
    browser = Browser(oapp.test_client())
    assert browser.login("admin@example.cn").status_code == 302
    locker.exclusive()
    page = browser.get("/admin/regions/", headers={"Accept-Language": language})
    locker.release()
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert page.headers["Retry-After"] == "7"
    assert text in page.get_data(as_text=True)
    assert browser.get("/admin/regions/").status_code == 200


def test_a_refused_form_offers_the_way_back(oapp, locker):
    browser = Browser(oapp.test_client())
    browser.login("admin@example.cn")
    browser.get("/admin/regions/new")
    locker.exclusive()
    page = browser.post("/admin/regions/new", {"code": "650000", "name": "新区"},
                        headers={"Referer": "http://localhost/admin/regions/new"})
    locker.release()
    assert page.status_code == 503
    assert 'href="http://localhost/admin/regions/new"' in page.get_data(as_text=True)
    assert "650000" not in _codes(oapp)


def test_other_database_errors_are_not_an_outage():
    statement_error = sa.exc.OperationalError("SELECT x", {}, sqlite3.OperationalError(
        "no such column: x"))
    locked = sa.exc.OperationalError("SELECT 1", {}, sqlite3.OperationalError(
        "database is locked"))
    assert not outage.is_unavailable(statement_error)
    assert outage.is_unavailable(locked)
    assert outage.is_unavailable(sa.exc.TimeoutError("QueuePool limit reached"))
    assert not outage.is_unavailable(ValueError("x"))


def test_postgresql_connections_give_up_after_a_few_seconds():
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://nobody@127.0.0.1:1/none"

    own = create_app(Config)
    options = own.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_pre_ping"] is True
    assert options["connect_args"]["connect_timeout"] == outage.CONNECT_TIMEOUT_SECONDS
