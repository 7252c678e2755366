"""A web request's statement that runs too long is stopped by PostgreSQL: the page and the API
say so with a 503 and nothing is saved; it is no outage, and the worker serves the next
request. Made slow here the way it happens: another transaction holds a table's lock."""

from __future__ import annotations

import contextlib

import pytest
import sqlalchemy as sa

from app import create_app, outage
from app.extensions import db as _db
from config import TestingConfig
from contracts.credit_code import make_credit_code
from contracts.models import Provider
from tests.clients import PASSWORD, ApiClient, Browser, IsolatedClient, error_of
from tests.postgresql import postgresql_only

pytestmark = postgresql_only("SQLite has no statement timeout (its lock waits have the busy "
                             "timeout, tested as an outage)")

BOUND = 0.3


@pytest.fixture
def bounded(app, tmp_path):
    """An app on the tests' database whose web statements are stopped after 0.3 s."""

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = _waiting_at_most_5s_for_a_lock(
            app.config["SQLALCHEMY_DATABASE_URI"])
        INSTANCE_DIR = str(tmp_path / "instance")
        UPLOAD_DIR = str(tmp_path / "uploads")
        PROPAGATE_EXCEPTIONS = False
        WEB_STATEMENT_TIMEOUT_SECONDS = BOUND

    own = create_app(Config)
    own.test_client_class = IsolatedClient
    yield own
    with own.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _waiting_at_most_5s_for_a_lock(url: str) -> str:
    """``url`` whose lock waits fail after 5 s: without the bound under test, a request waiting
    for the lock the test holds would wait for ever (the test fails instead)."""
    url = sa.make_url(url)
    options = f"{url.query.get('options', '')} -c lock_timeout=5000".strip()
    return url.update_query_dict({"options": options}).render_as_string(hide_password=False)


@contextlib.contextmanager
def locked(table: str):
    """Another transaction holding ``table`` so that nobody reads or writes it."""
    with _db.engine.connect() as connection, connection.begin():
        connection.execute(sa.text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
        yield


def test_a_page_whose_statement_runs_too_long_says_so_and_the_next_one_is_served(
        bounded, make_user, make_contract):
    make_contract()
    officer = make_user("officer")
    browser = Browser(bounded.test_client())
    assert browser.login(officer).status_code == 302
    outages = outage.state.outages
    with locked("contracts"):
        response = browser.get("/contracts")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "took longer than the server allows" in page
    assert 'http-equiv="refresh"' not in page  # it would run the slow statement again and again
    assert outage.state.outages == outages and outage.state.since is None
    assert browser.get("/contracts").status_code == 200


def test_a_form_stopped_for_taking_too_long_saved_nothing(bounded, make_user, db):
    officer = make_user("officer")
    browser = Browser(bounded.test_client())
    assert browser.login(officer).status_code == 302
    browser.get("/providers/new")
    with locked("providers"):
        response = browser.post("/providers/new", {
            "name": "慢速服务中心", "credit_code": make_credit_code("52", "421202", "00000001"),
            "kind": "private_nonprofit"})
    assert response.status_code == 503
    assert "nothing was saved" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Provider)) == 0


def test_the_api_answers_timeout_in_its_error_shape(bounded, make_user, make_contract):
    make_contract()
    officer = make_user("officer")
    client = bounded.test_client()
    token = client.post("/api/v1/tokens", json={"email": officer.email, "password": PASSWORD})
    api = ApiClient(client, token.get_json()["token"])
    with locked("contracts"):
        response = api.get("/api/v1/contracts")
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert error_of(response)["code"] == "timeout"
    assert api.get("/api/v1/contracts").status_code == 200


def test_only_the_configured_apps_statements_are_bounded(bounded, app):
    with bounded.app_context():
        assert _db.session.scalar(sa.text("SHOW statement_timeout")) == "300ms"
        _db.session.remove()
    assert _db.session.scalar(sa.text("SHOW statement_timeout")) == "0"
