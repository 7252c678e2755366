"""The OCDS 1.1 release package validates against the official schema, offline."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from contracts import services

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "reports" / "exports" / "ocds_schema"
RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    package = json.loads((SCHEMA_DIR / "release-package-schema.json").read_text("utf-8"))
    release = json.loads((SCHEMA_DIR / "release-schema.json").read_text("utf-8"))
    registry = Registry().with_resource(RELEASE_SCHEMA_URL,
                                        Resource.from_contents(release, DRAFT4))
    return Draft4Validator(package, registry=registry)


def errors_of(validator, document) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(document)]


@pytest.fixture
def contracts_in_every_state(db, make_contract, make_procurement, qualified_provider):
    bidder, winner = qualified_provider(), qualified_provider()
    procurement = make_procurement()
    services.submit_bid(procurement, provider=bidder, price=Decimal("98000.00"))
    winning = services.submit_bid(procurement, provider=winner, price=Decimal("95000.00"),
                                  technical_score=Decimal("88"))
    awarded = services.award_bid(winning, actor=None, today=date(2026, 2, 1))
    services.transition_contract(awarded, "active", actor=None)
    services.record_payment(awarded.installments[0], awarded.installments[0].amount)
    services.amend_contract(awarded, reason="增加调查户数", actor=None,
                            targets={"households": 1500})
    db.session.commit()
    active = make_contract(status="active")
    suspended = make_contract(status="suspended")
    completed = make_contract(status="completed")
    draft = make_contract()
    return {"awarded": awarded, "active": active, "suspended": suspended,
            "completed": completed, "draft": draft}


def test_release_package_validates_with_zero_errors(api_as, validator,
                                                     contracts_in_every_state):
    api, _ = api_as("officer", region="a")
    response = api.get("/api/v1/ocds/releases.json")
    assert response.status_code == 200
    package = response.get_json()
    assert errors_of(validator, package) == []
    numbers = {r["contracts"][0]["id"] for r in package["releases"]}
    drafts = contracts_in_every_state["draft"].number
    assert drafts not in numbers and len(numbers) == 4  # every non-draft, no draft


def test_release_holds_parties_tender_award_and_implementation(api_as, validator,
                                                                contracts_in_every_state):
    api, _ = api_as("officer", region="a")
    package = api.get("/api/v1/ocds/releases.json").get_json()
    awarded = contracts_in_every_state["awarded"]
    release = next(r for r in package["releases"]
                   if r["contracts"][0]["id"] == awarded.number)
    roles = {p["name"]: p["roles"] for p in release["parties"]}
    assert roles[awarded.provider.name] == ["supplier", "tenderer"]
    assert len(release["tender"]["tenderers"]) == 2
    assert release["tender"]["procurementMethod"] == "open"
    assert release["awards"][0]["value"] == {"amount": 95000.0, "currency": "CNY"}
    implementation = release["contracts"][0]["implementation"]
    assert [t["value"]["amount"] for t in implementation["transactions"]] == [47500.0]
    assert {m["type"] for m in implementation["milestones"]} == {"payment", "reporting"}
    assert release["contracts"][0]["amendments"][0]["rationale"] == "增加调查户数"
    assert "contractAmendment" in release["tag"]


def test_each_release_validates_alone_against_the_release_schema(api_as,
                                                                 contracts_in_every_state):
    release_schema = json.loads((SCHEMA_DIR / "release-schema.json").read_text("utf-8"))
    api, _ = api_as("admin")
    for release in api.get("/api/v1/ocds/releases.json").get_json()["releases"]:
        assert list(Draft4Validator(release_schema).iter_errors(release)) == []


def test_county_officer_sees_only_the_county(api_as, make_contract):
    make_contract(region="a", status="active")
    theirs = make_contract(region="b", status="active")
    api, _ = api_as("officer", region="a")
    numbers = {r["contracts"][0]["id"] for r in
               api.get("/api/v1/ocds/releases.json").get_json()["releases"]}
    assert theirs.number not in numbers and len(numbers) == 1


@pytest.mark.parametrize("kind", ["releases", "records"])
def test_nothing_visible_is_404_not_an_invalid_package(api_as, make_contract, kind):
    make_contract(region="b", status="active")
    api, _ = api_as("officer", region="a")
    response = api.get(f"/api/v1/ocds/{kind}.json")
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["provider", "inspector"])
def test_only_officers_get_the_package(api_as, role, make_contract):
    make_contract(status="active")
    api, _ = api_as(role)
    assert api.get("/api/v1/ocds/releases.json").status_code == 403


def _walk(value, path=""):
    """(path, value) of every node of a JSON document."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}/{index}")


@pytest.fixture(scope="module")
def record_validator() -> Draft4Validator:
    package = json.loads((SCHEMA_DIR / "record-package-schema.json").read_text("utf-8"))
    release = json.loads((SCHEMA_DIR / "release-schema.json").read_text("utf-8"))
    registry = Registry().with_resource(RELEASE_SCHEMA_URL,
                                        Resource.from_contents(release, DRAFT4))
    return Draft4Validator(package, registry=registry)


def test_no_milestone_carries_a_value_and_amounts_stay_published(api_as,
                                                                 contracts_in_every_state):
    api, _ = api_as("admin")
    package = api.get("/api/v1/ocds/releases.json").get_json()
    milestones = [m for r in package["releases"] for c in r["contracts"]
                  for m in c.get("implementation", {}).get("milestones", [])]
    payments = [m for m in milestones if m["type"] == "payment"]
    assert payments and all("value" not in m for m in milestones)
    awarded = contracts_in_every_state["awarded"]
    first = next(m for r in package["releases"] if r["ocid"].endswith(awarded.number)
                 for m in r["contracts"][0]["implementation"]["milestones"]
                 if m["id"] == "payment-1")
    assert "47,500.00" in first["description"]


def test_no_null_nor_empty_array_or_object_anywhere(api_as, contracts_in_every_state):
    api, _ = api_as("admin")
    for url in ("/api/v1/ocds/releases.json", "/api/v1/ocds/records.json"):
        document = api.get(url).get_json()
        empty = [path for path, value in _walk(document) if value is None or value in ([], {})]
        assert empty == [], url
    # the contracts without amendments say nothing of amendments (they used to say [])
    releases = api.get("/api/v1/ocds/releases.json").get_json()["releases"]
    assert sum("amendments" in r["contracts"][0] for r in releases) == 1


def test_the_buyer_is_named_by_its_credit_code(app, api_as, contracts_in_every_state):
    api, _ = api_as("admin")
    code = app.config["BUYER_CREDIT_CODE"]
    release = api.get("/api/v1/ocds/releases.json").get_json()["releases"][0]
    buyer_id = f"CN-USCC-{code}"
    assert release["buyer"]["id"] == buyer_id
    assert release["tender"]["procuringEntity"]["id"] == buyer_id
    party = next(p for p in release["parties"] if p["id"] == buyer_id)
    assert party["identifier"] == {"scheme": "CN-USCC", "id": code,
                                   "legalName": app.config["BUREAU_NAME"]}
    assert "buyer" in party["roles"]
    ids = [v for path, v in _walk(release) if path.endswith("/id")]
    assert "buyer" not in ids


def test_an_invalid_buyer_credit_code_refuses_to_start(monkeypatch):
    from app.factory import create_app
    from config import ConfigError, TestingConfig

    class Broken(TestingConfig):
        BUYER_CREDIT_CODE = "114212000075500055"  # check character off by one

    with pytest.raises(ConfigError, match="BUYER_CREDIT_CODE"):
        create_app(Broken)


def test_records_merge_and_validate(api_as, record_validator, validator,
                                    contracts_in_every_state):
    api, _ = api_as("officer", region="a")
    response = api.get("/api/v1/ocds/records.json")
    assert response.status_code == 200
    package = response.get_json()
    assert errors_of(record_validator, package) == []
    releases = api.get("/api/v1/ocds/releases.json").get_json()["releases"]
    assert {r["ocid"] for r in package["records"]} == {r["ocid"] for r in releases}
    awarded = contracts_in_every_state["awarded"]
    record = next(r for r in package["records"] if r["ocid"].endswith(awarded.number))
    compiled = record["compiledRelease"]
    assert compiled["tag"] == ["compiled"]
    assert compiled["contracts"][0]["amendments"][0]["rationale"] == "增加调查户数"
    assert compiled["awards"][0]["value"]["amount"] == 95000.0
    assert package["packages"][0].endswith("/api/v1/ocds/releases.json?page=1&per_page=50")
    release_schema = json.loads((SCHEMA_DIR / "release-schema.json").read_text("utf-8"))
    assert list(Draft4Validator(release_schema).iter_errors(compiled)) == []


def test_records_are_scoped_like_releases(api_as, make_contract):
    make_contract(region="a", status="active")
    theirs = make_contract(region="b", status="active")
    api, _ = api_as("officer", region="a")
    ocids = [r["ocid"] for r in api.get("/api/v1/ocds/records.json").get_json()["records"]]
    assert len(ocids) == 1 and not ocids[0].endswith(theirs.number)
    provider, _ = api_as("provider")
    assert provider.get("/api/v1/ocds/records.json").status_code == 403


def test_packages_come_in_pages_linked_to_each_other(api_as, validator, record_validator,
                                                     make_contract):
    made = sorted(make_contract(region="a", status="active").number for _ in range(5))
    make_contract(region="a")  # a draft: never published, never counted
    api, _ = api_as("officer", region="a")
    pages, url = [], "/api/v1/ocds/releases.json?per_page=2"
    while url:
        package = api.get(url).get_json()
        assert errors_of(validator, package) == []
        pages.append([r["contracts"][0]["id"] for r in package["releases"]])
        url = package.get("links", {}).get("next", "").removeprefix("http://localhost")
    assert pages == [made[0:2], made[2:4], made[4:]]  # by number, each once

    second = api.get("/api/v1/ocds/releases.json?per_page=2&page=2").get_json()
    assert second["links"] == {
        "prev": "http://localhost/api/v1/ocds/releases.json?page=1&per_page=2",
        "next": "http://localhost/api/v1/ocds/releases.json?page=3&per_page=2"}
    assert second["uri"] == "http://localhost/api/v1/ocds/releases.json?page=2&per_page=2"
    assert "links" not in api.get("/api/v1/ocds/releases.json").get_json()  # one page of 50

    records = api.get("/api/v1/ocds/records.json?per_page=2&page=3").get_json()
    assert errors_of(record_validator, records) == []
    assert [r["ocid"][-len(made[4]):] for r in records["records"]] == [made[4]]
    assert records["links"] == {
        "prev": "http://localhost/api/v1/ocds/records.json?page=2&per_page=2"}
    assert records["packages"] == [
        "http://localhost/api/v1/ocds/releases.json?page=3&per_page=2"]


@pytest.mark.parametrize("query, status", [
    ("page=4&per_page=2", 404), ("page=0", 422), ("per_page=201", 422), ("per_page=x", 422),
    (f"page={2**63}", 422)])
def test_a_page_beyond_the_last_or_out_of_range_is_refused(api_as, make_contract, query,
                                                            status):
    for _ in range(5):
        make_contract(region="a", status="active")
    api, _ = api_as("officer", region="a")
    for kind in ("releases", "records"):
        response = api.get(f"/api/v1/ocds/{kind}.json?{query}")
        assert response.status_code == status, (kind, query)


def test_each_compiled_release_is_the_merge_librarys(api_as, contracts_in_every_state):
    from reports.exports.ocds_records import _merger

    api, _ = api_as("admin")
    records = api.get("/api/v1/ocds/records.json").get_json()["records"]
    assert len(records) >= 4
    for record in records:
        assert record["compiledRelease"] == _merger().create_compiled_release(record["releases"])


def test_a_release_naming_one_party_twice_is_merged_by_the_library():
    from ocdsmerge.exceptions import DuplicateIdValueWarning

    from reports.exports.ocds_records import compiled_release

    release = {"ocid": "ocds-x-1", "id": "ocds-x-1-v1", "date": "2026-01-01T00:00:00Z",
               "tag": ["tender"], "parties": [{"id": "A", "name": "甲", "roles": ["supplier"]},
                                              {"id": "A", "name": "甲", "roles": ["tenderer"]}]}
    with pytest.warns(DuplicateIdValueWarning):
        compiled = compiled_release([release])
    assert compiled["parties"] == [{"id": "A", "name": "甲", "roles": ["tenderer"]}]
    assert compiled["id"] == "ocds-x-1-2026-01-01T00:00:00Z" and compiled["tag"] == ["compiled"]
    assert release["tag"] == ["tender"]  # the release itself is left as it was
