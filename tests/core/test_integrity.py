"""What the database refuses becomes a domain error in one place (``app.integrity``): a 409 or
422 naming the field through both doors, with nothing half-written and a usable session."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Blueprint

from app.errors import Conflict, ValidationError
from app.extensions import db as _db
from app.regions.models import Level, Region
from contracts import providers as provider_services
from contracts.credit_code import make_credit_code
from contracts.models import Contract, Provider, ProviderKind
from tests.clients import error_of
from tests.locks import a_statement_waits_for_a_lock

CODE = make_credit_code("52", "100100", "66000001")


def providers_with(db, code: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Provider)
                             .where(Provider.credit_code == code))


@pytest.fixture
def taken_code(db):
    db.session.add(Provider(name="甲", credit_code=CODE, kind=ProviderKind.SOCIAL_ORG))
    db.session.commit()
    return CODE


@pytest.fixture
def check_passed_meanwhile(monkeypatch):
    """The service's own look-up ran before the other request committed: only the database's
    unique key is left to refuse."""
    monkeypatch.setattr(provider_services, "_refuse_taken_credit_code", lambda *args: None)


def test_a_unique_clash_at_flush_is_a_conflict_naming_the_field(db, taken_code):
    db.session.add(Provider(name="乙", credit_code=taken_code, kind=ProviderKind.COMPANY))
    with pytest.raises(Conflict) as refused:
        db.session.flush()
    assert refused.value.fields == {
        "credit_code": ["Another provider already has this credit code."]}
    # rolled back already: the session reads on, and the second provider is gone
    assert providers_with(db, taken_code) == 1


def test_the_api_answers_a_clash_met_at_flush_with_409(api_as, db, taken_code,
                                                       check_passed_meanwhile):
    api, _ = api_as("officer", region="a")
    response = api.post("/api/v1/providers", json={"name": "乙", "credit_code": taken_code,
                                                   "kind": "company"})
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"
    assert list(error_of(response)["fields"]) == ["credit_code"]
    assert providers_with(db, taken_code) == 1


def test_the_form_shows_a_clash_met_at_flush(as_user, db, taken_code, check_passed_meanwhile):
    browser, _ = as_user("officer", region="a")
    browser.get("/providers/new")
    response = browser.post("/providers/new", {"name": "乙", "credit_code": taken_code,
                                               "kind": "company"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Another provider already has this credit code." in page
    assert 'name="credit_code"' in page  # the form again, not an error page
    assert providers_with(db, taken_code) == 1


def test_a_check_violation_is_a_422_naming_its_columns(db, make_contract):
    contract = make_contract()
    contract.end_date = contract.start_date - timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        db.session.flush()
    assert set(refused.value.fields) == {"start_date", "end_date"}


def test_a_missing_reference_is_a_conflict_naming_it(db, make_contract):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite here does not enforce foreign keys; PostgreSQL does")
    contract = make_contract()
    contract.provider_id = 2**31 - 1
    with pytest.raises(Conflict) as refused:
        db.session.flush()
    assert list(refused.value.fields) == ["provider_id"]


def test_a_stale_revision_is_a_409_and_writes_nothing(api_as, make_contract, db):
    contract = make_contract()
    api, _ = api_as("officer", region="a")
    url = f"/api/v1/contracts/{contract.id}"
    first = api.patch(url, json={"title": "第一次", "revision": 1})
    assert first.status_code == 200 and first.get_json()["revision"] == 2
    stale = api.patch(url, json={"title": "第二次", "revision": 1})
    assert stale.status_code == 409 and error_of(stale)["code"] == "conflict"
    db.session.expire_all()
    stored = db.session.get(Contract, contract.id)
    assert (stored.title, stored.revision) == ("第一次", 2)
    fresh = api.patch(url, json={"title": "第三次", "revision": 2})
    assert fresh.status_code == 200 and fresh.get_json()["revision"] == 3


def test_every_write_moves_the_revision_so_a_stale_transition_is_refused(api_as, make_contract):
    contract = make_contract(status="active")
    api, _ = api_as("officer", region="a")
    url = f"/api/v1/contracts/{contract.id}/transitions"
    revision = api.get(f"/api/v1/contracts/{contract.id}").get_json()["revision"]
    assert api.post(url, json={"to": "suspended", "reason": "整改",
                               "revision": revision}).status_code == 201
    stale = api.post(url, json={"to": "active", "revision": revision})
    assert stale.status_code == 409


def test_control_characters_never_reach_a_text_column(db):
    db.session.add(Region(code="300000", name="响铃\x07市", level=Level.CITY, path="/"))
    with pytest.raises(ValidationError) as refused:
        db.session.flush()
    assert list(refused.value.fields) == ["name"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Region)) == 0


# ---- a refusal met only at the commit ---------------------------------------------------------

probe = Blueprint("integrity_probe", __name__)


@probe.route("/api/v1/_probe/unflushed-clash", methods=["POST"])
@probe.route("/_probe/unflushed-clash", methods=["POST"])
def unflushed_clash():
    _db.session.add(Provider(name="乙", credit_code=CODE, kind=ProviderKind.COMPANY))
    return "stored", 200


@probe.route("/api/v1/_probe/refused-query")
def refused_query():
    # as psycopg raises for a parameter its column cannot hold, outside any flush
    raise sa.exc.DataError("SELECT ...", {}, ValueError("integer out of range"))


@pytest.fixture(scope="module")
def probe_app(test_config):
    from app import create_app
    from tests.clients import IsolatedClient

    app = create_app(test_config)
    app.register_blueprint(probe)
    app.test_client_class = IsolatedClient
    app.config["WTF_CSRF_ENABLED"] = False
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.mark.parametrize("path", ["/api/v1/_probe/unflushed-clash", "/_probe/unflushed-clash"])
def test_a_clash_met_at_commit_answers_409_instead_of_the_view(probe_app, db, taken_code, path):
    response = probe_app.test_client().post(path)
    assert response.status_code == 409
    if path.startswith("/api/"):
        assert error_of(response)["code"] == "conflict"
    else:
        assert "Another provider already has this credit code." in response.get_data(
            as_text=True)
    assert providers_with(db, taken_code) == 1


def test_a_refusal_outside_a_flush_is_a_422_in_the_api_shape(probe_app):
    response = probe_app.test_client().get("/api/v1/_probe/refused-query")
    assert response.status_code == 422 and error_of(response)["code"] == "validation_error"


# ---- pages carry the revision they show -------------------------------------------------------

def test_a_stale_page_cannot_amend_over_a_newer_change(as_user, api_as, make_contract, db):
    contract = make_contract(status="active")
    browser, _ = as_user("officer", region="a")
    page = browser.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert 'name="revision" type="hidden" value="2"' in page  # drafted, then activated
    api, _ = api_as("officer", region="a")
    other = api.post(f"/api/v1/contracts/{contract.id}/amendments",
                     json={"amount": "130000.00", "reason": "追加"})
    assert other.status_code == 201
    response = browser.post(f"/contracts/{contract.id}/amend",
                            {"amount": "140000.00", "reason": "再追加", "revision": "2"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else changed this record since you loaded it" in page
    assert 'name="revision" type="hidden" value="3"' in page  # a retry amends what is shown
    db.session.expire_all()
    stored = db.session.get(Contract, contract.id)
    assert (str(stored.amount), stored.version) == ("130000.00", 2)


def test_a_stale_review_page_is_refused(as_user, api_as, make_contract, make_user, db):
    contract = make_contract(status="active", targets={})
    provider, _ = api_as("provider", provider=contract.provider)
    submitted = provider.post(f"/api/v1/contracts/{contract.id}/submissions", json={
        "period": "2026-01", "data": {"households_visited": 10}}).get_json()
    browser, _ = as_user("officer", region="a")
    browser.get(f"/submissions/{submitted['id']}")
    api, _ = api_as("officer", region="a")
    assert api.post(f"/api/v1/submissions/{submitted['id']}/review", json={
        "decision": "returned", "comment": "补充", "revision": submitted["revision"]}
    ).status_code == 200
    response = browser.post(f"/submissions/{submitted['id']}/review", {
        "decision": "approved", "revision": str(submitted["revision"])})
    assert response.status_code == 409
    events = api.get(f"/api/v1/submissions/{submitted['id']}").get_json()["events"]
    assert [e["kind"] for e in events] == ["submitted", "returned"]


def test_a_deadlock_is_a_conflict_saying_to_try_again(app, db):
    """Two transactions locking the same two rows in opposite orders: PostgreSQL rolls one back
    (40P01). That one is a refusal like a stale revision (409, nothing saved, the session
    usable), not a server error."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: no deadlock")
    from tests.threads import WAIT, until

    first, second = (Region(code=code, name=code, level=Level.CITY) for code in ("100900",
                                                                                 "100901"))
    db.session.add_all([first, second])
    db.session.commit()
    lock = "UPDATE regions SET id = id WHERE id = :id"
    other = db.engine.connect()
    try:
        other_tx = other.begin()
        # the other transaction waits long before it looks for a deadlock: this one finds it
        other.execute(sa.text("SET LOCAL deadlock_timeout = '20s'"))
        other.execute(sa.text(lock), {"id": second.id})
        db.session.execute(sa.text("SET LOCAL deadlock_timeout = '50ms'"))
        db.session.execute(sa.text(lock), {"id": first.id})
        waiting = threading.Thread(target=lambda: other.execute(sa.text(lock),
                                                                {"id": first.id}))
        waiting.start()
        assert until(lambda: a_statement_waits_for_a_lock(app)), "the other did not wait"
        with pytest.raises(Conflict, match="at the same moment"):
            db.session.execute(sa.text(lock), {"id": second.id})
        waiting.join(WAIT)
        other_tx.commit()
    finally:
        other.close()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Region)) == 2
