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


def test_nothing_visible_is_404_not_an_invalid_package(api_as, make_contract):
    make_contract(region="b", status="active")
    api, _ = api_as("officer", region="a")
    response = api.get("/api/v1/ocds/releases.json")
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["provider", "inspector"])
def test_only_officers_get_the_package(api_as, role, make_contract):
    make_contract(status="active")
    api, _ = api_as(role)
    assert api.get("/api/v1/ocds/releases.json").status_code == 403
