"""公示: /public and /public/ocds.json publish contracts, awards and grades, nothing personal."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from sqlalchemy import event

from app import clock
from app.extensions import db
from contracts import services
from contracts.households.services import import_households
from contracts.submissions import services as subs
from evaluations.inspections.models import InspectionStatus
from evaluations.inspections.services import correct_inspection
from tests.factories import hh_csv, hh_id

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "reports" / "exports" / "ocds_schema"
RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"

HEAD_NAME = "欧阳秘户"
NOTE = "院长私下说电线老化未报"
CONTACT = "联系人甲乙"
PHONE = "13912345678"
REPORT_NOTE = "低保户李某家中漏雨"


@pytest.fixture
def public_on(app, monkeypatch):
    """The public page switched on, with a fresh rate limit and cache."""
    monkeypatch.setitem(app.config, "PUBLIC_PAGE", True)
    app.extensions.pop("public_guard", None)
    yield app
    app.extensions.pop("public_guard", None)


@pytest.fixture
def published(db, make_contract, make_procurement, qualified_provider, inspection_world,
              make_scored_inspection, make_user):
    """An awarded and an active contract, a draft, a finalized grade of the world's home;
    planted: a household with its head's name and ID number, an inspection note, a contact."""
    winner = qualified_provider(contact_name=CONTACT, contact_phone=PHONE)
    procurement = make_procurement(title="2026年甲区入户调查采购")
    bid = services.submit_bid(procurement, provider=winner, price=Decimal("95000.00"))
    awarded = services.award_bid(bid, actor=None, today=date(2026, 2, 1))
    services.transition_contract(awarded, "active", actor=None)
    db.session.commit()
    import_households(awarded, hh_csv([{"head_name": HEAD_NAME}]), "h.csv", None)
    active = make_contract(status="active", title="2026年乙类 <b>特困</b> 供养服务")
    clock.set_clock(lambda: datetime(2026, 11, 5, 4, 0, tzinfo=UTC))  # 2026-10 is due
    subs.submit_report(active, "2026-10", {"households_visited": 10, "problems": REPORT_NOTE},
                       actor=make_user("provider", provider=active.provider))
    draft = make_contract(title="未公开的草稿合同")
    inspection = make_scored_inspection(inspection_world)
    inspection.status = InspectionStatus.FINALIZED
    inspection.grade, inspection.total = "good", Decimal("86.5")
    inspection.finalized_at = datetime(2026, 6, 20, 3, 0, tzinfo=UTC)
    inspection.summary = NOTE
    db.session.commit()
    return {"awarded": awarded, "active": active, "draft": draft, "inspection": inspection,
            "world": inspection_world}


def test_off_by_default_is_404_and_no_link_on_the_login_page(client, published):
    assert client.get("/public").status_code == 404
    assert client.get("/public/ocds.json").status_code == 404
    assert "/public" not in client.get("/login").get_data(as_text=True)


def test_the_login_page_links_to_it_when_on(client, public_on):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/public"' in page


def test_shows_contracts_awards_and_grades_without_login(client, public_on, published):
    response = client.get("/public?lang=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for contract in (published["awarded"], published["active"]):
        assert contract.number in page
    assert published["draft"].number not in page and "未公开的草稿合同" not in page
    assert "&lt;b&gt;特困&lt;/b&gt;" in page  # markup in a title is shown, never obeyed
    assert "95,000.00" in page and "2026年甲区入户调查采购" in page  # the award
    assert published["world"].facility.name in page and "86.5" in page
    assert "Good" in page  # the grade in the reader's language


def test_a_grade_being_corrected_stays_published_until_the_correction_is_final(
        app, client, public_on, published, db):
    inspection, w = published["inspection"], published["world"]
    correction = correct_inspection(inspection, actor=w.officer, reason="复核")
    db.session.commit()
    assert "86.5" in client.get("/public?lang=en").get_data(as_text=True)
    correction.status = InspectionStatus.FINALIZED  # finalized as the fixture's
    correction.grade, correction.total = "pass", Decimal("71.0")
    correction.finalized_at = datetime(2026, 6, 25, 3, 0, tzinfo=UTC)
    db.session.commit()
    app.extensions.pop("public_guard", None)  # a fresh cache
    page = client.get("/public?lang=en").get_data(as_text=True)
    assert "71.0" in page and "86.5" not in page


def _finalized(inspection, total: str, grade: str, at: datetime):
    inspection.status = InspectionStatus.FINALIZED  # as the fixture's
    inspection.grade, inspection.total = grade, Decimal(total)
    inspection.finalized_at = at
    db.session.commit()
    return inspection


def test_the_grade_of_a_home_is_its_newest_visits_not_an_older_one_corrected_later(
        client, public_on, inspection_world, make_scored_inspection):
    """March's visit failed, June's was good; March's result, appealed, is corrected to a pass
    on 25 June: the home's grade is still June's."""
    w = inspection_world
    march = _finalized(make_scored_inspection(w, scheduled_for=date(2026, 3, 2)), "55.0",
                       "fail", datetime(2026, 3, 5, 3, tzinfo=UTC))
    _finalized(make_scored_inspection(w, scheduled_for=date(2026, 6, 2)), "86.5", "good",
               datetime(2026, 6, 5, 3, tzinfo=UTC))
    correction = correct_inspection(march, actor=w.officer, reason="复核")
    db.session.commit()
    _finalized(correction, "61.0", "pass", datetime(2026, 6, 25, 3, tzinfo=UTC))
    page = client.get("/public?lang=en").get_data(as_text=True)
    assert "86.5" in page and "61.0" not in page


def _assessments(package: dict, contract) -> list[dict]:
    (release,) = [r for r in package["releases"] if r["contracts"][0]["id"] == contract.number]
    return [m for m in release["contracts"][0]["implementation"]["milestones"]
            if m["type"] == "assessment"]


def test_the_ocds_package_tells_no_inspection_not_yet_finalized(
        client, public_on, inspection_world, make_scored_inspection, schedule):
    """A provider sees its finalized inspections only: the package tells nobody the day of
    the next visit to a home."""
    w = inspection_world
    done = _finalized(make_scored_inspection(w, scheduled_for=date(2026, 3, 2)), "90.0",
                      "excellent", datetime(2026, 3, 5, 3, tzinfo=UTC))
    schedule(scheduled_for=date(2026, 12, 3))
    assessments = _assessments(client.get("/public/ocds.json").get_json(), w.contract)
    assert [(m["id"], m["status"]) for m in assessments] == [(f"assessment-{done.id}", "met")]


def test_the_ocds_package_tells_a_corrected_result_by_its_correction_alone(
        client, public_on, inspection_world, make_scored_inspection):
    w = inspection_world
    first = _finalized(make_scored_inspection(w, scheduled_for=date(2026, 3, 2)), "55.0",
                       "fail", datetime(2026, 3, 5, 3, tzinfo=UTC))
    correction = correct_inspection(first, actor=w.officer, reason="复核")
    db.session.commit()
    _finalized(correction, "78.0", "good", datetime(2026, 3, 20, 3, tzinfo=UTC))
    assessments = _assessments(client.get("/public/ocds.json").get_json(), w.contract)
    assert [(m["id"], m["description"]) for m in assessments] == [
        (f"assessment-{correction.id}", "总分 78.0")]


def test_the_ocds_package_is_in_the_language_it_declares_whoever_asked_first(
        client, public_on, make_contract):
    """The package says "zh", and its one URL answers every reader from the cache: an English
    browser asking first does not make the reporting milestones English for all."""
    make_contract(status="active")
    package = client.get("/public/ocds.json", headers={"Accept-Language": "en"}).get_json()
    (release,) = package["releases"]
    assert release["language"] == "zh"
    titles = [m["title"] for m in release["contracts"][0]["implementation"]["milestones"]
              if m["type"] == "reporting"]
    assert titles and all(t.startswith("服务报告 ") for t in titles), titles[:2]


def test_publishes_nothing_personal(client, public_on, published):
    id_number = hh_id(0)
    page = client.get("/public").get_data(as_text=True)
    package = client.get("/public/ocds.json").get_data(as_text=True)
    for text in (page, package):
        for secret in (HEAD_NAME, id_number, id_number[:6] + "********" + id_number[-4:],
                       NOTE, REPORT_NOTE, CONTACT, PHONE, "/photos", ".jpg"):
            assert secret not in text


def test_both_languages(client, public_on, published):
    chinese = client.get("/public", headers={"Accept-Language": "zh-CN"})
    english = client.get("/public", headers={"Accept-Language": "en"})
    assert "合同" in chinese.get_data(as_text=True)
    assert "Contracts" in english.get_data(as_text=True)
    assert "良好" in chinese.get_data(as_text=True)
    switched = client.get("/public?lang=zh_CN", headers={"Accept-Language": "en"})
    assert "良好" in switched.get_data(as_text=True)


def test_cached_for_a_while_and_said_so(client, public_on, published, db):
    first = client.get("/public?lang=en")
    assert first.cache_control.public and first.cache_control.max_age > 0
    assert "Accept-Language" in first.headers["Vary"]
    assert "Set-Cookie" not in first.headers
    published["active"].title = "A title changed after the page was kept"
    db.session.commit()
    again = client.get("/public?lang=en").get_data(as_text=True)
    assert "A title changed" not in again  # served from the cache
    public_on.extensions.pop("public_guard")
    assert "A title changed" in client.get("/public?lang=en").get_data(as_text=True)


def test_rate_limited_with_a_clear_429(client, public_on, published, monkeypatch):
    monkeypatch.setitem(public_on.config, "PUBLIC_RATE_PER_MINUTE", 3)
    assert [client.get("/public").status_code for _ in range(3)] == [200] * 3
    refused = client.get("/public")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    as_json = client.get("/public/ocds.json")
    assert as_json.status_code == 429
    assert as_json.get_json()["error"]["code"] == "too_many_requests"
    other = public_on.test_client()
    assert other.get("/public", environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code == 200


def test_ocds_package_of_published_contracts_validates(client, public_on, published):
    package_schema = json.loads((SCHEMA_DIR / "release-package-schema.json").read_text("utf-8"))
    release_schema = json.loads((SCHEMA_DIR / "release-schema.json").read_text("utf-8"))
    registry = Registry().with_resource(RELEASE_SCHEMA_URL,
                                        Resource.from_contents(release_schema, DRAFT4))
    response = client.get("/public/ocds.json")
    assert response.status_code == 200
    package = response.get_json()
    assert list(Draft4Validator(package_schema, registry=registry).iter_errors(package)) == []
    numbers = {r["contracts"][0]["id"] for r in package["releases"]}
    assert numbers == {published["awarded"].number, published["active"].number,
                       published["world"].contract.number}


def test_the_ocds_package_comes_in_linked_pages(client, public_on, published, monkeypatch):
    monkeypatch.setattr("reports.public.views.OCDS_PER_PAGE", 2)
    first = client.get("/public/ocds.json").get_json()
    assert first["uri"] == "http://localhost/public/ocds.json?page=1"
    assert first["links"] == {"next": "http://localhost/public/ocds.json?page=2"}
    second = client.get("/public/ocds.json?page=2").get_json()
    assert second["links"] == {"prev": "http://localhost/public/ocds.json?page=1"}
    numbers = [r["contracts"][0]["id"] for r in first["releases"] + second["releases"]]
    assert sorted(numbers) == numbers and set(numbers) == {
        published["awarded"].number, published["active"].number,
        published["world"].contract.number}
    for beyond in ("3", "0", "x", str(2**63)):
        assert client.get(f"/public/ocds.json?page={beyond}").status_code == 404, beyond


def test_nothing_published_is_404_not_an_invalid_package(client, public_on):
    assert client.get("/public/ocds.json").status_code == 404
    assert client.get("/public").status_code == 200


def _statements(app, client, url: str) -> int:
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    app.extensions.pop("public_guard", None)  # nothing kept: the page is built again
    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_statements_do_not_grow_with_the_rows(app, client, public_on, published,
                                              make_procurement, qualified_provider,
                                              make_contract, make_facility,
                                              make_scored_inspection, db):
    few = _statements(app, client, "/public")
    few_releases = _statements(app, client, "/public/ocds.json")
    for _ in range(3):
        procurement = make_procurement()
        bid = services.submit_bid(procurement, provider=qualified_provider(),
                                  price=Decimal("1000.00"))
        services.award_bid(bid, actor=None, today=date(2026, 2, 1))
        make_contract(status="active")
        inspection = make_scored_inspection(published["world"], facility=make_facility("a1"))
        inspection.status = InspectionStatus.FINALIZED
        inspection.grade, inspection.finalized_at = "pass", datetime(2026, 7, 1, tzinfo=UTC)
    db.session.commit()
    assert _statements(app, client, "/public") == few
    assert _statements(app, client, "/public/ocds.json") == few_releases


def test_made_up_host_names_do_not_grow_the_kept_answers_without_bound(
        client, public_on, make_contract, monkeypatch):
    """The package names its own URL, so it is kept per Host header, which any visitor
    chooses: a flood of made-up hosts (from many addresses, each under the rate limit) kept
    one package each, for ever, until the worker ran out of memory."""
    monkeypatch.setitem(public_on.config, "PUBLIC_RATE_PER_MINUTE", 10_000)
    make_contract(status="active")
    for n in range(300):
        response = client.get("/public/ocds.json", headers={"Host": f"h{n}.example"})
        assert response.status_code == 200
        assert response.get_json()["uri"] == f"http://h{n}.example/public/ocds.json?page=1"
    assert len(public_on.extensions["public_guard"].cache) <= 256
