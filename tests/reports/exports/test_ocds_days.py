"""The bureau's days in the OCDS release: a day that something lasts through (a report's
deadline, the bid deadline, the contract's last day, an installment's due date) is published as the end of that day in
Shanghai, so that a reader comparing instants judges as the app does."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app import clock
from contracts import services
from contracts.submissions import services as subs

HS_DATA = {"households_visited": 100, "needy": {"dibao": 5, "tekun": 1}, "problems": ""}


def _local(*args) -> datetime:
    return datetime(*args, tzinfo=clock.LOCAL_TZ)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _release(api, number: str) -> dict:
    package = api.get("/api/v1/ocds/releases.json").get_json()
    (found,) = [r for r in package["releases"] if r["contracts"][0]["id"] == number]
    return found


def test_a_report_submitted_on_its_deadline_day_is_published_as_met_in_time(
        db, api_as, make_contract, make_user):
    """January's report, due 2026-02-10, submitted at 15:00 that day: on time in the app, but
    published with ``dueDate`` 2026-02-10 00:00 (+08:00), before its ``dateMet``."""
    contract = make_contract(status="active", targets={})
    provider = make_user("provider", provider=contract.provider)
    at = _local(2026, 2, 10, 15, 0)
    clock.set_clock(lambda: at)
    report = subs.submit_report(contract, "2026-01", HS_DATA, actor=provider)
    assert not report.late
    subs.review_submission(report, "approved", actor=make_user("officer", region="a"))
    db.session.commit()

    api, _officer = api_as("officer", region="a")
    milestones = {m["id"]: m for m in _release(api, contract.number)["contracts"][0]
                  ["implementation"]["milestones"]}
    january = milestones["reporting-2026-01"]
    assert january["status"] == "met"
    assert _instant(january["dateMet"]) <= _instant(january["dueDate"])
    assert _instant(january["dueDate"]).astimezone(clock.LOCAL_TZ).date() == date(2026, 2, 10)


def test_the_tender_the_contract_and_a_payment_last_through_their_last_day(
        db, api_as, make_procurement, qualified_provider):
    """Bids are taken through the bid deadline day, a contract runs through its end date and
    an installment paid on its due date is paid in time; each was published as ending at the
    first instant of that day."""
    procurement = make_procurement(bid_deadline=date(2026, 1, 25))
    bid = services.submit_bid(procurement, provider=qualified_provider(), price="90000")
    contract = services.award_bid(bid, None, date(2026, 2, 1))
    services.transition_contract(contract, "active", actor=None)
    first = contract.installments[0]
    paid = _local(first.due_date.year, first.due_date.month, first.due_date.day, 15, 0)
    services.record_payment(first, first.amount, paid_at=paid)
    db.session.commit()

    api, _officer = api_as("officer", region="a")
    release = _release(api, contract.number)
    milestones = {m["id"]: m for m in release["contracts"][0]["implementation"]["milestones"]}
    payment = milestones["payment-1"]  # paid on its due day: in time
    assert _instant(payment["dateMet"]) <= _instant(payment["dueDate"])
    tender_end = _instant(release["tender"]["tenderPeriod"]["endDate"])
    assert tender_end > _local(2026, 1, 25, 12, 0)  # a bid at noon that day is taken
    assert tender_end.astimezone(clock.LOCAL_TZ).date() == date(2026, 1, 25)
    contract_end = _instant(release["contracts"][0]["period"]["endDate"])
    assert contract_end > _local(2027, 1, 31, 12, 0)
    assert contract_end.astimezone(clock.LOCAL_TZ).date() == date(2027, 1, 31)
    assert _instant(release["contracts"][0]["period"]["startDate"]) == _local(
        2026, 2, 1).astimezone(UTC)
