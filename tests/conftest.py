"""Fixtures: one app and schema per run, a clean database for every test; the shared factories
come from tests/factories.py.

The suite runs on an SQLite file by default and on PostgreSQL when ``TEST_DATABASE_URL`` is
set. Every test starts from empty tables (emptied after each test, ids starting again at 1),
so nothing depends on the leftovers of another test or of a previous run.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask, g
from flask.testing import FlaskClient

from app import clock, create_app
from app.extensions import db as _db
from config import TestingConfig
from tests.clients import IsolatedClient
from tests.schema import drop_schema

#: the shared factories (users, providers, contracts, inspections ...), the browser tests'
#: server and Chromium, and the demo city are fixtures everywhere
pytest_plugins = ("tests.factories", "tests.perf.queries", "tests.browser", "tests.demo_city")



def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests (a live server, Chromium, the demo seed, the API fuzz) first, in their
    order: pytest-xdist hands tests out in this order, and a slow one met last kept one worker
    busy for a minute after the other had run out of tests."""
    items.sort(key=lambda item: not any(item.iter_markers(name="slow"))
               and not any(item.iter_markers(name="browser")))

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


def _database_of_this_worker(url: str) -> str:
    """``TEST_DATABASE_URL`` for this process: under pytest-xdist (``make test`` runs one
    worker per core) each worker empties its tables after every test, so each has a database
    of its own on the same server, made here when missing (``test`` → ``test_gw0``)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not url.startswith("postgresql"):
        return url
    base = sa.make_url(url)
    own = base.set(database=f"{base.database}_{worker}")
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                 {"name": own.database})
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{own.database}"'))
    finally:
        admin.dispose()
    return own.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def test_config(tmp_path_factory) -> type[TestingConfig]:
    url = os.environ.get("TEST_DATABASE_URL")

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = _unsynced(_database_of_this_worker(url)) if url else (
            f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}")
        INSTANCE_DIR = str(tmp_path_factory.mktemp("instance"))
        UPLOAD_DIR = str(tmp_path_factory.mktemp("uploads"))

    return Config


def _unsynced(url: str) -> str:
    """``url`` whose commits return before they reach the disk (PostgreSQL's
    ``synchronous_commit=off``, given to each connection by the URL, so that the worker
    processes the tests start get it too)."""
    if not url.startswith("postgresql"):
        return url
    return sa.make_url(url).update_query_dict({"options": "-c synchronous_commit=off"}) \
        .render_as_string(hide_password=False)


def _commit_without_waiting_for_the_disk() -> None:
    """A test's database is thrown away, so its commits need not reach the disk before they
    return (PostgreSQL: :func:`_unsynced`; SQLite here). Commits are as atomic and isolated as
    before; only a crash of the machine could lose them."""
    if _db.engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(_db.engine, "connect")
    def _no_sync(dbapi_connection, _record) -> None:
        dbapi_connection.execute("PRAGMA synchronous = OFF")

    _db.engine.dispose()


@pytest.fixture(scope="session")
def app(test_config) -> Iterator[Flask]:
    _compile_catalogs()
    app = create_app(test_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        _commit_without_waiting_for_the_disk()
        drop_schema()
        _db.create_all()
        yield app
        drop_schema()
        _db.engine.dispose()


#: every sequence a test drew from starts again at 1, as on a new database
_RESTART_SEQUENCES = sa.text(
    "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false)"
    " FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL")


def _truncate_all() -> None:
    """Every table empty and every id counter back at 1. Row by row, not ``TRUNCATE``: a test
    leaves a few rows in a few of the 57 tables, and ``TRUNCATE`` gives each table and index new
    files (~180 ms a test on PostgreSQL against ~15 ms); and only in the tables one query finds
    holding a row (a DELETE in each of the 57 tables cost ~10 ms of every test on SQLite)."""
    _db.session.rollback()
    _db.session.close()
    with _db.engine.begin() as conn:
        filled = set(conn.scalars(_filled_tables()))
        for table in reversed(_db.metadata.sorted_tables):
            if table.name in filled:
                conn.execute(table.delete())
        if conn.dialect.name == "postgresql":
            conn.execute(_RESTART_SEQUENCES)


@functools.cache
def _filled_tables() -> sa.CompoundSelect:
    """The names of the tables holding at least one row, in one statement (built once: the
    tables are the models', known at import)."""
    return sa.union_all(*(
        sa.select(sa.literal(table.name)).where(sa.exists(sa.select(sa.literal(1))
                                                          .select_from(table)))
        for table in _db.metadata.sorted_tables))


@pytest.fixture(autouse=True)
def db(app: Flask) -> Iterator:
    yield _db
    clock.set_clock(None)
    # The app context (and its ``g``) lasts the whole session: a user signed in by one test's
    # request context must not be the next test's ``current_user`` (its row is gone).
    g.pop("_login_user", None)
    _truncate_all()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def truncate():
    """``truncate()`` empties every table at once, as between two tests."""
    return _truncate_all


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
