"""Procurement red flags: each rule from a crafted history, none on a clean one, and the
officer's review (audited)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.audit.models import AuditLog
from app.errors import ValidationError
from contracts import services
from contracts.models import Contract
from contracts.red_flags.services import flag_list, flags_of, review_flag

TODAY = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _june(on_day):
    on_day(TODAY)


@pytest.fixture
def awarded(db, make_procurement, qualified_provider):
    """``awarded(winner, day, price=..., others=[(provider, price)], **procurement)`` → an
    awarded procurement with its bids (the winner's price 90,000 of a 100,000 budget)."""

    def make(winner=None, day=date(2026, 3, 1), price="90000", others=(), **overrides):
        overrides.setdefault("published_on", day - timedelta(days=40))
        overrides.setdefault("bid_deadline", day - timedelta(days=10))
        procurement = make_procurement(**overrides)
        winner = winner or qualified_provider()
        bid = services.submit_bid(procurement, provider=winner, price=price)
        for other, other_price in others:
            services.submit_bid(procurement, provider=other, price=other_price)
        services.award_bid(bid, None, day)
        db.session.commit()
        return procurement

    return make


def codes(procurement) -> list[str]:
    return [flag.code for flag in flags_of(procurement)]


def test_a_clean_procurement_raises_no_flag(awarded, qualified_provider):
    clean = awarded(others=[(qualified_provider(), "95000")])
    assert flags_of(clean) == []


def test_single_bid_in_a_competitive_procurement(awarded, make_procurement, qualified_provider,
                                                 db):
    alone = awarded(title="只有一家投标")
    [flag] = flags_of(alone)
    assert flag.code == "single_bid" and alone.bids[0].provider.name in flag.detail
    # still open and bidding not closed: not yet a flag; once the deadline passed, it is
    still_open = make_procurement(bid_deadline=TODAY + timedelta(days=5))
    services.submit_bid(still_open, provider=qualified_provider(), price="90000")
    db.session.commit()
    assert codes(still_open) == []
    assert [f.code for f in flags_of(still_open, TODAY + timedelta(days=6))] == ["single_bid"]
    # a single-source purchase has one supplier by its nature
    assert "single_bid" not in codes(awarded(method="single_source", justification="唯一"))


def test_award_price_within_two_percent_of_the_budget(awarded, qualified_provider):
    near = awarded(price="98500", others=[(qualified_provider(), "99900")])
    assert "price_near_budget" in codes(near)
    detail = next(f.detail for f in flags_of(near) if f.code == "price_near_budget")
    assert "98,500.00" in detail and "100,000.00" in detail and "98.5" in detail
    assert "price_near_budget" not in codes(awarded(price="97900",
                                                    others=[(qualified_provider(), "99000")]))


def test_bids_within_one_percent_of_each_other(awarded, qualified_provider):
    cover = qualified_provider(name="陪标机构")
    close = awarded(price="90000", others=[(cover, "90800"), (qualified_provider(), "96000")])
    [flag] = [f for f in flags_of(close) if f.code == "close_bids"]
    assert "陪标机构" in flag.detail and "0.89" in flag.detail
    apart = awarded(price="90000", others=[(qualified_provider(), "91000")])
    assert "close_bids" not in codes(apart)


def test_single_source_from_the_same_provider_twice_in_twelve_months(awarded,
                                                                       qualified_provider):
    provider = qualified_provider(name="常客机构")
    first = awarded(provider, date(2025, 9, 1), method="single_source", justification="唯一")
    second = awarded(provider, date(2026, 5, 1), method="single_source", justification="唯一")
    assert "repeated_single_source" in codes(first)
    [flag] = [f for f in flags_of(second) if f.code == "repeated_single_source"]
    assert "常客机构" in flag.detail and f"no. {first.id}" in flag.detail
    assert "2025-09-01" in flag.detail
    # another county, another provider, or more than 12 months apart: no flag
    alone = qualified_provider()
    awarded(alone, date(2026, 5, 1), method="single_source", justification="唯一", region="b")
    old = awarded(alone, date(2025, 4, 1), method="single_source", justification="唯一")
    later = awarded(alone, date(2026, 5, 2), method="single_source", justification="唯一")
    assert "repeated_single_source" not in codes(old)
    assert "repeated_single_source" not in codes(later)


def test_same_provider_wins_every_purchase_of_a_service_in_a_county_for_three_years(
        awarded, qualified_provider):
    incumbent = qualified_provider(name="老中标机构")
    rivals = [(qualified_provider(), "95000")]
    awarded(incumbent, date(2023, 12, 1), others=rivals)
    awarded(incumbent, date(2025, 1, 10), others=rivals)
    third = awarded(incumbent, date(2026, 2, 1), others=rivals)
    [flag] = [f for f in flags_of(third) if f.code == "same_winner"]
    assert "老中标机构" in flag.detail and "3" in flag.detail and "2023-12-01" in flag.detail
    # township procurements count for their county (a1 lies in a)
    fourth = awarded(incumbent, date(2026, 4, 1), others=rivals, region="a1")
    assert "same_winner" in codes(fourth)
    # another winner in the window breaks the run
    awarded(qualified_provider(), date(2026, 4, 15), others=rivals)
    fifth = awarded(incumbent, date(2026, 5, 1), others=rivals)
    assert "same_winner" not in codes(fifth)


def test_same_winner_needs_an_award_in_each_of_the_three_years(awarded, qualified_provider):
    incumbent = qualified_provider()
    rivals = [(qualified_provider(), "95000")]
    awarded(incumbent, date(2025, 3, 1), others=rivals)
    two_years = awarded(incumbent, date(2026, 2, 1), others=rivals)
    assert "same_winner" not in codes(two_years)


def test_contract_amended_upward_by_more_than_ten_percent(db, awarded, qualified_provider):
    procurement = awarded(others=[(qualified_provider(), "95000")])
    contract = db.session.scalar(sa.select(Contract).filter_by(procurement_id=procurement.id))
    services.transition_contract(contract, "active", actor=None)
    services.amend_contract(contract, reason="增加服务户数", actor=None, amount="99000")
    db.session.commit()
    assert codes(procurement) == []  # 10 % exactly is not more than 10 %
    services.amend_contract(contract, reason="再次增加", actor=None, amount="99000.01")
    db.session.commit()
    [flag] = flags_of(procurement)
    assert flag.code == "amended_upward" and contract.number in flag.detail
    assert "90,000.00" in flag.detail and "99,000.01" in flag.detail


def test_review_with_a_comment_is_audited_and_filters_the_list(db, awarded, make_user):
    officer = make_user("officer", region="a")
    procurement = awarded()
    with pytest.raises(ValidationError) as caught:
        review_flag(procurement, "single_bid", "  ", officer)
    assert "comment" in caught.value.fields
    with pytest.raises(ValidationError) as caught:
        review_flag(procurement, "close_bids", "没有这个标记", officer)
    assert "code" in caught.value.fields
    review_flag(procurement, "single_bid", "已核实：仅一家机构具备资质", officer)
    db.session.commit()
    [flag] = flags_of(procurement)
    assert flag.reviewed and flag.review.reviewed_by == officer
    row = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.object_type == "red_flag_reviews")).one()
    assert row.action == "create"
    assert row.changes["comment"][1] == "已核实：仅一家机构具备资质"
    review_flag(procurement, "single_bid", "复核后补充说明", officer)
    db.session.commit()
    rows = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.object_type == "red_flag_reviews").order_by(AuditLog.id)).all()
    assert rows[-1].changes["comment"] == ["已核实：仅一家机构具备资质", "复核后补充说明"]
    assert [f.code for f in flag_list(officer, reviewed=False)] == []
    assert [f.code for f in flag_list(officer, reviewed=True)] == ["single_bid"]
    assert flag_list(officer, code="close_bids") == []


def test_the_list_runs_the_same_few_statements_for_any_number_of_procurements(
        db, awarded, qualified_provider, make_user):
    officer = make_user("officer", region="a")

    def list_statements() -> tuple[int, int]:
        db.session.expire_all()
        statements = []

        def count(*_args):
            statements.append(1)

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            flags = flag_list(officer)
            [flag.detail for flag in flags]
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        return len(flags), len(statements)

    for n in range(3):
        awarded(price="99000", others=[(qualified_provider(), "99500")], day=date(2026, 1 + n, 1))
    few = list_statements()
    for n in range(3, 9):
        awarded(price="99000", others=[(qualified_provider(), "99500")], day=date(2026, 1, 1 + n))
    many = list_statements()
    # price near the budget and close bids, on each procurement
    assert (few[0], many[0]) == (6, 18)
    assert few[1] == many[1] <= 9
