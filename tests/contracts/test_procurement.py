"""Procurement: single-source justification, bids, and every refusal of an award."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.errors import Conflict, ValidationError
from app.extensions import db as _db
from app.users.models import User
from contracts import services
from contracts.models import (
    Bid,
    Contract,
    ContractStatus,
    Procurement,
    ProcurementStatus,
    Provider,
    ServiceType,
)
from tests.locks import first_held_while_the_second_waits
from tests.threads import read_then_act_at_once, the_one_that_won

AWARD_DAY = date(2026, 2, 1)


def test_single_source_needs_a_justification(make_procurement):
    with pytest.raises(ValidationError) as caught:
        make_procurement(method="single_source", justification="  ")
    assert "justification" in caught.value.fields
    procurement = make_procurement(method="single_source", justification="唯一具备资质的机构")
    assert procurement.status is ProcurementStatus.OPEN


def test_facility_operation_procurement_needs_a_facility_in_its_region(
        make_procurement, make_facility):
    with pytest.raises(ValidationError) as caught:
        make_procurement(service_type="facility_operation")
    assert "facility_id" in caught.value.fields
    facility_in_b = make_facility(region="b1")
    with pytest.raises(ValidationError) as caught:
        make_procurement(service_type="facility_operation", facility=facility_in_b)
    assert "outside" in caught.value.fields["facility_id"][0]


def test_one_bid_per_provider(make_procurement, qualified_provider):
    procurement, provider = make_procurement(), qualified_provider()
    services.submit_bid(procurement, provider=provider, price="90000", technical_score=88)
    with pytest.raises(Conflict) as caught:
        services.submit_bid(procurement, provider=provider.id, price="80000")
    assert "provider_id" in caught.value.fields
    with pytest.raises(ValidationError) as caught:
        services.submit_bid(procurement, provider=qualified_provider(), price="-1",
                            technical_score=101)
    assert set(caught.value.fields) == {"price", "technical_score"}


def test_award_creates_a_prefilled_draft(db, make_procurement, make_facility,
                                         qualified_provider, make_user):
    officer = make_user("officer", region="a")
    facility = make_facility()
    procurement = make_procurement(service_type="facility_operation", facility=facility,
                                   title="甲一福利院公建民营")
    loser = services.submit_bid(procurement, provider=qualified_provider(), price="95000")
    bid = services.submit_bid(procurement, provider=qualified_provider(), price="98000.50",
                              technical_score="91.5")
    contract = services.award_bid(bid, officer, AWARD_DAY)
    db.session.commit()
    assert contract.status is ContractStatus.DRAFT
    assert (contract.provider, contract.facility, contract.region) == (
        bid.provider, facility, procurement.region)
    assert contract.service_type is ServiceType.FACILITY_OPERATION
    assert contract.amount == Decimal("98000.50") and contract.title == "甲一福利院公建民营"
    assert (contract.start_date, contract.end_date) == (AWARD_DAY, date(2027, 1, 31))
    assert contract.procurement_id == procurement.id
    assert procurement.status is ProcurementStatus.AWARDED
    assert procurement.awarded_bid is bid and not loser.awarded


def test_a_procurement_is_awarded_once(make_procurement, qualified_provider):
    procurement = make_procurement()
    first = services.submit_bid(procurement, provider=qualified_provider(), price="90000")
    services.award_bid(first, None, AWARD_DAY)
    with pytest.raises(Conflict, match="already been awarded"):
        services.award_bid(first, None, AWARD_DAY)
    with pytest.raises(Conflict):
        services.submit_bid(procurement, provider=qualified_provider(), price="1000")


def test_two_bids_awarded_at_once_make_one_contract(app, db, make_procurement,
                                                    qualified_provider, make_user):
    """Two officers on the open procurement's page, each awarding a bid: one contract."""
    procurement = make_procurement()
    bids = [services.submit_bid(procurement, provider=qualified_provider(), price=price).id
            for price in ("90000", "95000")]
    officer_id = make_user("officer", region="a").id
    db.session.commit()
    procurement_id = procurement.id  # read here: the threads load nothing through this session

    def award(bid_id):
        return lambda _procurement: services.award_bid(
            _db.session.get(Bid, bid_id), _db.session.get(User, officer_id), AWARD_DAY)

    outcomes = read_then_act_at_once(app, lambda: _db.session.get(Procurement, procurement_id),
                                     *map(award, bids))
    winner = bids[the_one_that_won(outcomes, "already been awarded")]
    db.session.expire_all()
    [contract] = db.session.scalars(sa.select(Contract).where(
        Contract.procurement_id == procurement_id)).all()
    assert [b.id for b in db.session.scalars(sa.select(Bid).where(Bid.awarded))] == [winner]
    assert contract.amount == db.session.get(Bid, winner).price


def _bid(make_procurement, provider, price="90000"):
    return services.submit_bid(make_procurement(), provider=provider, price=price)


@pytest.mark.parametrize("status,word", [("suspended", "suspended"), ("debarred", "debarred")])
def test_award_refused_to_suspended_or_debarred_provider(db, make_procurement,
                                                         qualified_provider, status, word):
    provider = qualified_provider()
    bid = _bid(make_procurement, provider)
    services.set_provider_status(provider, status, "投诉查实")
    with pytest.raises(ValidationError) as caught:
        services.award_bid(bid, None, AWARD_DAY)
    assert word in caught.value.message and word in caught.value.fields["provider_id"][0]
    assert bid.procurement.status is ProcurementStatus.OPEN


def test_a_bid_awarded_as_its_provider_is_suspended_leaves_the_procurement_open(
        app, db, make_procurement, qualified_provider):
    """Awarded at the instant of the suspension, the bid would make a draft its provider could
    never activate, and the procurement, awarded, could not be awarded again."""
    provider = qualified_provider()
    bid = _bid(make_procurement, provider)
    db.session.commit()
    bid_id, provider_id, procurement_id = bid.id, provider.id, bid.procurement_id
    outcomes = first_held_while_the_second_waits(
        app, lambda: services.set_provider_status(_db.session.get(Provider, provider_id),
                                                  "suspended", "投诉查实"),
        lambda: services.award_bid(_db.session.get(Bid, bid_id), None, AWARD_DAY))
    assert outcomes[0] is None and "is suspended" in outcomes[1], outcomes
    db.session.expire_all()
    assert db.session.get(Procurement, procurement_id).status is ProcurementStatus.OPEN
    assert not db.session.scalars(sa.select(Contract).where(
        Contract.procurement_id == procurement_id)).all()


def test_award_refused_without_any_qualification(make_procurement, make_provider):
    bid = _bid(make_procurement, make_provider())
    with pytest.raises(ValidationError, match="no qualification valid on 2026-02-01"):
        services.award_bid(bid, None, AWARD_DAY)


def test_award_refused_when_the_qualification_expired(make_procurement, make_provider):
    provider = make_provider()
    services.add_qualification(provider, cert_type="登记证书", number="X",
                               valid_until=date(2026, 1, 31))
    bid = _bid(make_procurement, provider)
    with pytest.raises(ValidationError) as caught:
        services.award_bid(bid, None, AWARD_DAY)
    assert "provider_id" in caught.value.fields
    # the day before, it was still valid
    assert services.award_bid(bid, None, date(2026, 1, 31)).status is ContractStatus.DRAFT


def test_award_refused_when_price_exceeds_budget(make_procurement, qualified_provider):
    bid = _bid(make_procurement, qualified_provider(), price="100000.01")
    with pytest.raises(ValidationError) as caught:
        services.award_bid(bid, None, AWARD_DAY)
    assert "exceeds the budget 100000.00" in caught.value.fields["price"][0]


def test_cancelled_procurement_cannot_be_awarded(make_procurement, qualified_provider):
    bid = _bid(make_procurement, qualified_provider())
    with pytest.raises(ValidationError):
        services.cancel_procurement(bid.procurement, "")
    services.cancel_procurement(bid.procurement, "预算调整")
    with pytest.raises(Conflict):
        services.award_bid(bid, None, AWARD_DAY)


def test_an_award_waits_for_the_bid_deadline(make_procurement, qualified_provider):
    procurement = make_procurement(published_on=date(2026, 1, 5),
                                   bid_deadline=date(2026, 1, 25))
    bid = services.submit_bid(procurement, provider=qualified_provider(), price="90000")
    for day in (date(2026, 1, 15), date(2026, 1, 25)):  # bidding is open through its deadline
        with pytest.raises(ValidationError) as refused:
            services.award_bid(bid, None, day)
        assert "bid_deadline" in refused.value.fields
    assert procurement.status is ProcurementStatus.OPEN
    assert services.award_bid(bid, None, date(2026, 1, 26)).provider == bid.provider
