"""Fixtures: one app and schema per run, a clean database for every test.

The suite runs on SQLite in memory by default and on PostgreSQL when ``TEST_DATABASE_URL`` is
set. Every test starts from empty tables (truncated after each test), so nothing depends on
the leftovers of another test or of a previous run.
"""

from __future__ import annotations

import contextvars
import os
import re
from collections.abc import Iterator
from itertools import count

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app import clock, create_app
from app.extensions import db as _db
from app.regions.models import Level, Region
from app.regions.services import create_region
from app.users.models import User
from app.users.services import create_user
from config import TestingConfig

PASSWORD = "correct-horse-1"
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                   r'name="csrf_token" value="([^"]+)"')


def _drop_everything() -> None:
    _db.session.rollback()
    _db.session.close()
    _db.drop_all()
    with _db.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def _compile_catalogs() -> None:
    """`make` compiles the catalogs; a bare `pytest` run gets them compiled here too."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in Path(__file__).resolve().parents[1].glob("app/translations/*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as src:
                catalog = read_po(src)
            with mo.open("wb") as dst:
                write_mo(dst, catalog)


class IsolatedClient(FlaskClient):
    """Runs each request in a fresh context, so it gets its own app context, ``g`` and
    database session, exactly as under a real server, instead of borrowing the test's."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def test_config(tmp_path_factory) -> type[TestingConfig]:
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or (
            f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}")
        INSTANCE_DIR = str(tmp_path_factory.mktemp("instance"))
        UPLOAD_DIR = str(tmp_path_factory.mktemp("uploads"))

    return Config


@pytest.fixture(scope="session")
def app(test_config) -> Iterator[Flask]:
    _compile_catalogs()
    app = create_app(test_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        _drop_everything()
        _db.create_all()
        yield app
        _drop_everything()
        _db.engine.dispose()


def _truncate_all() -> None:
    _db.session.rollback()
    _db.session.close()
    tables = list(reversed(_db.metadata.sorted_tables))
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture(autouse=True)
def db(app: Flask) -> Iterator:
    yield _db
    clock.set_clock(None)
    _truncate_all()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


# ---- small domain factories -------------------------------------------------------------

@pytest.fixture
def regions(db) -> dict[str, Region]:
    """city 100000 → counties 100100 (A) and 100200 (B) → township 100100001 → village."""
    city = create_region("100000", "示范市", Level.CITY, None, "Demo City")
    a = create_region("100100", "甲区", Level.COUNTY, city.code, "A District")
    b = create_region("100200", "乙县", Level.COUNTY, city.code, "B County")
    a1 = create_region("100100001", "甲一街道", Level.TOWNSHIP, a.code, "A1 Street")
    v = create_region("100100001001", "甲一社区", Level.VILLAGE, a1.code, "A1 Community")
    b1 = create_region("100200101", "乙一镇", Level.TOWNSHIP, b.code, "B1 Town")
    db.session.commit()
    return {"city": city, "a": a, "b": b, "a1": a1, "village": v, "b1": b1}


_seq = count(1)


@pytest.fixture
def make_provider(db):
    from contracts.credit_code import make_credit_code
    from contracts.models import Provider, ProviderKind

    def make(name: str | None = None, **overrides) -> Provider:
        n = next(_seq)
        provider = Provider(
            name=name or f"测试社会组织{n}", kind=ProviderKind.SOCIAL_ORG,
            credit_code=make_credit_code("51", "100100", f"{n:08d}"), **overrides)
        db.session.add(provider)
        db.session.commit()
        return provider

    return make


@pytest.fixture
def make_user(db, regions, make_provider):
    def make(role: str = "officer", *, region: str | None = None, provider=None,
             email: str | None = None, **kwargs) -> User:
        if role in ("officer", "inspector") and region is None:
            region = "city"
        if role == "provider" and provider is None:
            provider = make_provider()
        user = create_user(
            email=email or f"{role}{next(_seq)}@example.cn", password=PASSWORD, role=role,
            region=regions[region] if region else None,
            provider_id=provider.id if provider is not None else None, **kwargs)
        db.session.commit()
        return user

    return make


# ---- a browser-like client ---------------------------------------------------------------

class Browser:
    """A test client that carries the CSRF token like a browser carries the form's."""

    def __init__(self, client: FlaskClient):
        self.client = client
        self.token: str | None = None

    def get(self, url: str, **kwargs):
        response = self.client.get(url, **kwargs)
        if response.mimetype != "text/html":
            return response
        match = _CSRF.search(response.get_data(as_text=True))
        if match:
            self.token = match.group(1) or match.group(2)
        return response

    def post(self, url: str, data: dict | None = None, *, csrf: bool = True, **kwargs):
        data = dict(data or {})
        if csrf:
            if self.token is None:
                self.get("/login")
            data.setdefault("csrf_token", self.token)
        return self.client.post(url, data=data, **kwargs)

    def login(self, user_or_email, password: str = PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        self.get("/login")
        return self.post("/login", {"email": email, "password": password})

    def logout(self):
        self.get("/")
        return self.post("/logout")


@pytest.fixture
def browser(client) -> Browser:
    return Browser(client)


@pytest.fixture
def as_user(app, make_user):
    """``as_user("officer", region="a")`` → a logged-in :class:`Browser` and its user."""

    def login(role: str = "officer", **kwargs) -> tuple[Browser, User]:
        user = make_user(role, **kwargs)
        b = Browser(app.test_client())
        response = b.login(user)
        assert response.status_code == 302, response.get_data(as_text=True)
        return b, user

    return login


# ---- the API -----------------------------------------------------------------------------

class ApiClient:
    def __init__(self, client: FlaskClient, token: str | None = None):
        self.client, self.token = client, token

    def _headers(self, headers: dict | None) -> dict:
        headers = dict(headers or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return headers

    def __getattr__(self, method: str):
        if method not in {"get", "post", "put", "patch", "delete"}:
            raise AttributeError(method)

        def call(url: str, headers: dict | None = None, **kwargs):
            return getattr(self.client, method)(url, headers=self._headers(headers), **kwargs)

        return call


@pytest.fixture
def api_as(app, make_user):
    """``api_as("admin")`` → an :class:`ApiClient` holding a fresh token, and its user."""

    def login(role: str = "officer", **kwargs) -> tuple[ApiClient, User]:
        user = make_user(role, **kwargs)
        client = app.test_client()
        response = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
        assert response.status_code == 201, response.get_json()
        return ApiClient(client, response.get_json()["token"]), user

    return login


# ---- mail --------------------------------------------------------------------------------

@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server on loopback that the app sends to; ``smtp.stop()``/``start()`` take it
    down and up. Received mail is in ``smtp.inbox``."""
    from tests.mail import SmtpServer, free_port

    server = SmtpServer(free_port())
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 5)
    monkeypatch.setitem(app.config, "BASE_URL", "https://care.example.cn/")
    server.start()
    yield server
    server.stop()
