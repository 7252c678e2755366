"""The reporting milestones OCDS publishes: a period's report met, not met or scheduled."""

from __future__ import annotations

from datetime import date

from contracts.submissions import services as subs
from contracts.submissions.milestones import report_states, reporting_milestones

HS_DATA = {"households_visited": 100, "needy": {"dibao": 5, "tekun": 1}, "problems": ""}


def test_reporting_milestones_are_met_not_met_or_scheduled(report_contract, at_local,
                                                           make_user, db):
    contract, user = report_contract()
    at_local(2026, 2, 5, 9, 0)
    january = subs.submit_report(contract, "2026-01", HS_DATA, actor=user)
    subs.review_submission(january, "approved", actor=make_user("officer", region="a"))
    db.session.commit()
    milestones = reporting_milestones(contract, today=date(2026, 3, 20))
    assert len(milestones) == 12
    assert milestones[0]["id"] == "reporting-2026-01"
    assert milestones[0]["type"] == "reporting"
    assert (milestones[0]["status"], milestones[0]["dateMet"]) == ("met", january.submitted_at)
    assert (milestones[1]["status"], milestones[1]["dueDate"]) == ("notMet", date(2026, 3, 10))
    assert milestones[2]["status"] == "scheduled" and milestones[2]["dateMet"] is None


def test_a_returned_report_is_delivered_and_the_batch_reads_each_contracts_own(
        report_contract, at_local, make_user, db):
    first, user = report_contract()
    second, other = report_contract()
    officer = make_user("officer", region="a")
    at_local(2026, 2, 5, 9, 0)
    returned = subs.submit_report(first, "2026-01", HS_DATA, actor=user)
    subs.review_submission(returned, "returned", "名单不全", actor=officer)
    approved = subs.submit_report(second, "2026-02", HS_DATA, actor=other)
    db.session.flush()
    at_local(2026, 3, 2, 9, 0)
    subs.review_submission(approved, "approved", actor=officer)
    db.session.commit()
    today = date(2026, 4, 20)
    batch = report_states([first.id, second.id])
    assert set(batch) == {(first.id, "2026-01"), (second.id, "2026-02")}
    for contract in (first, second):
        assert (reporting_milestones(contract, today, found=batch)
                == reporting_milestones(contract, today))
    statuses = [[m["status"] for m in reporting_milestones(c, today, found=batch)][:3]
                for c in (first, second)]
    # delivered but sent back: in review, not missed, though its deadline has passed
    assert statuses == [["scheduled", "notMet", "notMet"], ["notMet", "met", "notMet"]]
    assert report_states([]) == {}
