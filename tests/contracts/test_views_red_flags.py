"""Red flags through both doors: the procurement page, the officers' list, the review form,
``GET /api/v1/procurements/{id}``; who may see and do what; and the OCDS export without
flags."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from contracts import services
from contracts.models import Contract
from contracts.red_flags.models import RedFlagReview
from contracts.red_flags.services import review_flag
from tests.clients import error_of

DAY = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def _june(on_day):
    on_day(date(2026, 6, 1))


@pytest.fixture
def single_bid(db, make_procurement, qualified_provider):
    """``single_bid(region)`` → an awarded procurement that drew one bid."""

    def make(region: str = "a", title: str = "只有一家投标<b>x</b>"):
        procurement = make_procurement(region, title=title)
        bid = services.submit_bid(procurement, provider=qualified_provider(), price="90000")
        services.award_bid(bid, None, DAY)
        db.session.commit()
        return procurement

    return make


def test_procurement_page_shows_the_flag_and_says_it_is_no_verdict(as_user, single_bid):
    procurement = single_bid()
    browser, _ = as_user("officer", region="a")
    page = browser.get(f"/procurements/{procurement.id}").get_data(as_text=True)
    assert 'data-code="single_bid"' in page and "never a verdict" in page
    assert "Not reviewed" in page


def test_review_from_the_page_shows_comment_escaped(db, as_user, single_bid):
    procurement = single_bid()
    browser, officer = as_user("officer", region="a")
    browser.get(f"/procurements/{procurement.id}")
    url = f"/procurements/{procurement.id}/red-flags/single_bid/review"
    response = browser.post(url, {"comment": ""})
    assert response.status_code == 422
    assert db.session.query(RedFlagReview).count() == 0
    response = browser.post(url, {"comment": "<script>alert(1)</script>只有一家有资质"})
    assert response.status_code == 302 and response.location.endswith("#red-flags")
    page = browser.get(f"/procurements/{procurement.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;只有一家有资质" in page
    assert "<script>alert(1)" not in page
    review = db.session.query(RedFlagReview).one()
    assert review.reviewed_by_id == officer.id
    # a flag the procurement does not raise is refused, naming the code
    response = browser.post(f"/procurements/{procurement.id}/red-flags/close_bids/review",
                            {"comment": "x"})
    assert response.status_code == 422


def test_list_filters_by_rule_region_and_review(db, as_user, single_bid, make_user):
    in_a, in_b = single_bid("a", "甲区单一投标"), single_bid("b", "乙县单一投标")
    review_flag(in_b, "single_bid", "已看过", make_user("officer"))
    db.session.commit()
    city, _ = as_user("officer")
    page = city.get("/procurements/red-flags").get_data(as_text=True)
    assert "甲区单一投标" in page and "乙县单一投标" in page and "never a verdict" in page
    page = city.get("/procurements/red-flags?reviewed=no").get_data(as_text=True)
    assert "甲区单一投标" in page and "乙县单一投标" not in page
    page = city.get("/procurements/red-flags?region=100200").get_data(as_text=True)
    assert "甲区单一投标" not in page and "乙县单一投标" in page
    page = city.get("/procurements/red-flags?code=close_bids").get_data(as_text=True)
    assert "甲区单一投标" not in page and "No red flag matches." in page
    assert city.get("/procurements/red-flags?page=99999999999999999999").status_code == 404
    assert in_a.title in city.get("/procurements/red-flags?code=nonsense").get_data(as_text=True)


def test_county_officer_sees_only_the_county_and_provider_is_refused(as_user, single_bid):
    in_a, in_b = single_bid("a", "甲区单一投标"), single_bid("b", "乙县单一投标")
    county_b, _ = as_user("officer", region="b")
    page = county_b.get("/procurements/red-flags").get_data(as_text=True)
    assert "乙县单一投标" in page and "甲区单一投标" not in page
    page = county_b.get("/procurements/red-flags?region=100100").get_data(as_text=True)
    assert "甲区单一投标" not in page
    county_b.get("/procurements/red-flags")
    assert county_b.post(f"/procurements/{in_a.id}/red-flags/single_bid/review",
                         {"comment": "x"}).status_code == 404
    assert county_b.post(f"/procurements/{2**31}/red-flags/single_bid/review",
                         {"comment": "x"}).status_code == 404
    provider, _ = as_user("provider")
    assert provider.get("/procurements/red-flags").status_code == 403
    provider.get("/")
    assert provider.post(f"/procurements/{in_b.id}/red-flags/single_bid/review",
                         {"comment": "x"}).status_code == 403
    inspector, _ = as_user("inspector", region="b")
    assert inspector.get("/procurements/red-flags").status_code == 403


def test_api_procurement_carries_its_red_flags(api_as, single_bid, qualified_provider, db):
    procurement = single_bid()
    api, _ = api_as("officer", region="a")
    body = api.get(f"/api/v1/procurements/{procurement.id}").get_json()
    [flag] = body["red_flags"]
    assert flag["code"] == "single_bid" and "one bid" in flag["detail"]
    assert flag["reviewed"] is False and flag["comment"] is None
    # the list stays as it was (no flags computed per row)
    listed = api.get("/api/v1/procurements").get_json()["items"]
    assert "red_flags" not in listed[0]
    other, _ = api_as("officer", region="b")
    assert other.get(f"/api/v1/procurements/{procurement.id}").status_code == 404
    provider, _ = api_as("provider")
    assert provider.get(f"/api/v1/procurements/{procurement.id}").status_code == 404


def test_ocds_export_carries_no_flags(db, api_as, single_bid):
    procurement = single_bid()
    contract = db.session.scalar(sa.select(Contract).filter_by(procurement_id=procurement.id))
    services.transition_contract(contract, "active", actor=None)
    services.amend_contract(contract, reason="扩大范围", actor=None, amount="120000")
    db.session.commit()
    api, _ = api_as("officer", region="a")
    flagged = api.get(f"/api/v1/procurements/{procurement.id}").get_json()["red_flags"]
    assert [flag["code"] for flag in flagged] == ["single_bid", "amended_upward"]
    response = api.get("/api/v1/ocds/releases.json")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert procurement.title.split("<")[0] in text or contract.number in text
    assert "red_flag" not in text and "single_bid" not in text and "amended_upward" not in text


def test_api_list_and_review_of_red_flags(api_as, single_bid):
    in_a, in_b = single_bid("a", "甲区单一投标"), single_bid("b", "乙县单一投标")
    county_b, _ = api_as("officer", region="b")
    body = county_b.get("/api/v1/red-flags").get_json()
    assert [(f["procurement_id"], f["code"], f["region_code"]) for f in body["items"]] == [
        (in_b.id, "single_bid", "100200")] and body["total"] == 1
    assert county_b.get("/api/v1/red-flags?code=close_bids").get_json()["total"] == 0
    assert county_b.get("/api/v1/red-flags?code=nonsense").status_code == 422
    url = f"/api/v1/procurements/{in_b.id}/red-flags/single_bid/review"
    response = county_b.post(url, json={})
    assert response.status_code == 422 and "comment" in error_of(response)["fields"]
    response = county_b.post(f"/api/v1/procurements/{in_b.id}/red-flags/close_bids/review",
                             json={"comment": "x"})
    assert response.status_code == 422 and "code" in error_of(response)["fields"]
    response = county_b.post(url, json={"comment": "已核实"})
    assert response.status_code == 200
    assert response.get_json() | {"detail": ""} == {
        "code": "single_bid", "rule": "Single bid", "detail": "", "reviewed": True,
        "comment": "已核实"}
    assert county_b.get("/api/v1/red-flags?reviewed=false").get_json()["total"] == 0
    assert county_b.post(f"/api/v1/procurements/{in_a.id}/red-flags/single_bid/review",
                         json={"comment": "x"}).status_code == 404
    city, _ = api_as("officer")
    assert city.get("/api/v1/red-flags?region_code=100100").get_json()["total"] == 1
    for role in ("provider", "inspector"):
        other, _ = api_as(role)
        assert other.get("/api/v1/red-flags").status_code == 403
        assert other.post(url, json={"comment": "x"}).status_code == 403
