"""Procurement pages: list with filters, detail with bids, award, withdraw, cancel."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from contracts import services
from contracts.models import Bid, Contract, Procurement, ProcurementStatus


@pytest.fixture(autouse=True)
def _february(on_day):
    on_day(date(2026, 2, 1))


def _bid(db, procurement, provider, price="90000.00"):
    bid = services.submit_bid(procurement, provider=provider, price=Decimal(price))
    db.session.commit()
    return bid


def test_list_filters_by_method_and_status_within_the_region(as_user, make_procurement, db):
    make_procurement("a", title="甲区入户调查")
    make_procurement("a", title="甲区单一来源", method="single_source", justification="唯一")
    make_procurement("b", title="乙县入户调查")
    browser, _ = as_user("officer", region="a")
    page = browser.get("/procurements").get_data(as_text=True)
    assert "甲区入户调查" in page and "甲区单一来源" in page and "乙县入户调查" not in page
    page = browser.get("/procurements?method=single_source").get_data(as_text=True)
    assert "甲区单一来源" in page and "甲区入户调查" not in page
    assert "甲区入户调查" not in browser.get("/procurements?status=awarded").get_data(
        as_text=True)
    assert "format=xlsx" in page


def test_other_county_gets_404_and_provider_403(as_user, make_procurement):
    procurement = make_procurement("a")
    browser, _ = as_user("officer", region="b")
    assert browser.get(f"/procurements/{procurement.id}").status_code == 404
    provider, _ = as_user("provider")
    assert provider.get(f"/procurements/{procurement.id}").status_code == 403


def test_inspector_sees_no_procurement_and_cannot_write(as_user, make_procurement):
    procurement = make_procurement("a")
    browser, _ = as_user("inspector", region="a")
    # a purchase is never what an inspection is about (DESIGN.md §1)
    assert browser.get(f"/procurements/{procurement.id}").status_code == 404
    assert procurement.title not in browser.get("/procurements").get_data(as_text=True)
    assert browser.get("/procurements/new").status_code == 403
    assert browser.post(f"/procurements/{procurement.id}/cancel",
                        {"reason": "x"}).status_code == 403


def test_single_source_without_justification_is_422(as_user, regions, db):
    browser, _ = as_user("officer", region="a")
    browser.get("/procurements/new")
    data = {"title": "特殊服务", "service_type": "other", "method": "single_source",
            "region_code": "100100", "budget": "50000"}
    response = browser.post("/procurements/new", data)
    assert response.status_code == 422
    assert "single-source purchase must say why" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Procurement.id))) == 0
    response = browser.post("/procurements/new", data | {"justification": "唯一具备资质"})
    assert response.status_code == 302


def test_add_bid_and_duplicate_bid_is_refused(as_user, make_procurement, qualified_provider,
                                              db):
    procurement = make_procurement("a")
    provider = qualified_provider()
    browser, _ = as_user("officer", region="a")
    browser.get(f"/procurements/{procurement.id}")
    data = {"provider_id": str(provider.id), "price": "88000.00", "technical_score": "85"}
    assert browser.post(f"/procurements/{procurement.id}/bids", data).status_code == 302
    response = browser.post(f"/procurements/{procurement.id}/bids", data)
    assert response.status_code == 409
    assert "already bid" in response.get_data(as_text=True)
    page = browser.get(f"/procurements/{procurement.id}").get_data(as_text=True)
    assert "¥88,000.00" in page
    assert db.session.scalar(sa.select(sa.func.count(Bid.id))) == 1


def test_award_refusal_is_shown_and_creates_no_contract(as_user, make_procurement,
                                                        make_provider, db):
    procurement = make_procurement("a")
    bid = _bid(db, procurement, make_provider("无资质机构"))  # no qualification
    browser, _ = as_user("officer", region="a")
    page = browser.get(f"/procurements/{procurement.id}").get_data(as_text=True)
    assert "holds no qualification valid on 2026-02-01" in page and "disabled" in page
    response = browser.post(f"/procurements/{procurement.id}/bids/{bid.id}/award")
    assert response.status_code == 422
    assert "holds no qualification" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Contract.id))) == 0
    db.session.expire_all()
    assert db.session.get(Procurement, procurement.id).status is ProcurementStatus.OPEN


def test_award_over_budget_is_refused(as_user, make_procurement, qualified_provider, db):
    procurement = make_procurement("a")
    bid = _bid(db, procurement, qualified_provider(), price="150000.00")
    browser, _ = as_user("officer", region="a")
    browser.get(f"/procurements/{procurement.id}")
    response = browser.post(f"/procurements/{procurement.id}/bids/{bid.id}/award")
    assert response.status_code == 422
    assert "exceeds the budget" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Contract.id))) == 0


def test_award_redirects_to_the_draft_contract(as_user, make_procurement, qualified_provider,
                                               db):
    procurement = make_procurement("a")
    bid = _bid(db, procurement, qualified_provider())
    browser, _ = as_user("officer", region="a")
    browser.get(f"/procurements/{procurement.id}")
    response = browser.post(f"/procurements/{procurement.id}/bids/{bid.id}/award")
    assert response.status_code == 302
    contract = db.session.scalars(sa.select(Contract)).one()
    assert response.location.endswith(f"/contracts/{contract.id}")
    page = browser.get(response.location).get_data(as_text=True)
    assert contract.number in page and "Draft" in page and "¥90,000.00" in page


def test_withdraw_bid_and_cancel_procurement(as_user, make_procurement, qualified_provider,
                                             db):
    procurement = make_procurement("a")
    bid = _bid(db, procurement, qualified_provider())
    browser, _ = as_user("officer", region="a")
    browser.get(f"/procurements/{procurement.id}")
    assert browser.post(
        f"/procurements/{procurement.id}/bids/{bid.id}/withdraw").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Bid.id))) == 0
    response = browser.post(f"/procurements/{procurement.id}/cancel", {"reason": ""})
    assert response.status_code == 422
    response = browser.post(f"/procurements/{procurement.id}/cancel", {"reason": "预算调整"})
    assert response.status_code == 302
    db.session.expire_all()
    cancelled = db.session.get(Procurement, procurement.id)
    assert cancelled.status is ProcurementStatus.CANCELLED and cancelled.cancel_reason == "预算调整"
    response = browser.post(f"/procurements/{procurement.id}/cancel", {"reason": "again"})
    assert response.status_code == 409


def test_an_edit_sent_after_a_colleagues_edit_is_refused(as_user, make_procurement, db):
    """Procurements have no revision: the page sent back every field as it showed them and
    put back the budget another officer had just lowered."""
    procurement = make_procurement()
    url = f"/procurements/{procurement.id}/edit"
    browser, _ = as_user("officer", region="a")
    seen = _SEEN.search(browser.get(url).get_data(as_text=True))[1]
    services.update_procurement(procurement, budget="90000.00")
    db.session.commit()
    form = {"title": "入户调查服务采购（第二批）", "service_type": "household_survey",
            "method": "open_tender", "region_code": "100100", "budget": "100000.00",
            "published_on": "2026-01-05", "bid_deadline": "2026-01-25", "seen": seen}

    refused = browser.post(url, form)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Someone else changed this record" in text
    db.session.expire_all()
    stored = db.session.get(Procurement, procurement.id)
    assert (stored.title, stored.budget) == ("入户调查服务采购", Decimal("90000.00"))
    saved = browser.post(url, form | {"budget": "90000.00", "seen": _SEEN.search(text)[1]})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Procurement, procurement.id).title == "入户调查服务采购（第二批）"


_SEEN = re.compile(r'name="seen" type="hidden" value="([^"]*)"')
