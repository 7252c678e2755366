"""The reporting schedule, lateness at the deadline's edges, the review cycle's rules, the
provider's home lists, the review queue and the OCDS milestones (services)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.errors import Conflict, Forbidden, ValidationError
from app.extensions import db as _db
from app.users.models import User
from contracts import services as contract_services
from contracts.submissions import attachments
from contracts.submissions import services as subs
from contracts.submissions.data import clean_data
from contracts.submissions.models import (
    Submission,
    SubmissionAttachment,
    SubmissionEvent,
)
from contracts.submissions.schedule import Period, due_periods
from tests.threads import read_then_act_after, stored_as

HS_DATA = {"households_visited": 100, "needy": {"dibao": 5, "tekun": 1}, "problems": ""}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def schedule(start, end, reporting="monthly", due_days=10):
    return SimpleNamespace(start_date=start, end_date=end, reporting=reporting,
                           report_due_days=due_days)


# ---- the schedule ----------------------------------------------------------------------------

def test_monthly_periods_are_clipped_to_the_contract_at_both_edges():
    periods = due_periods(schedule(date(2026, 1, 15), date(2026, 12, 20)), until=None)
    assert [p.key for p in periods] == [f"2026-{m:02d}" for m in range(1, 13)]
    assert periods[0] == Period("2026-01", date(2026, 1, 15), date(2026, 1, 31),
                                date(2026, 2, 10))
    assert periods[1] == Period("2026-02", date(2026, 2, 1), date(2026, 2, 28),
                                date(2026, 3, 10))
    assert periods[-1] == Period("2026-12", date(2026, 12, 1), date(2026, 12, 20),
                                 date(2026, 12, 30))


def test_quarterly_periods_cross_the_year_and_use_the_contracts_due_days():
    periods = due_periods(schedule(date(2026, 2, 1), date(2027, 1, 31), "quarterly", 15),
                          until=None)
    assert [p.key for p in periods] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]
    assert (periods[0].start, periods[0].end) == (date(2026, 2, 1), date(2026, 3, 31))
    assert periods[3].deadline == date(2027, 1, 15)
    assert (periods[-1].start, periods[-1].end, periods[-1].deadline) == (
        date(2027, 1, 1), date(2027, 1, 31), date(2027, 2, 15))


def test_a_period_is_due_from_its_last_day():
    contract = schedule(date(2026, 1, 1), date(2026, 12, 31))
    assert [p.key for p in due_periods(contract, until=date(2026, 3, 31))][-1] == "2026-03"
    assert [p.key for p in due_periods(contract, until=date(2026, 3, 30))][-1] == "2026-02"
    assert due_periods(contract, until=date(2025, 12, 31)) == []


# ---- lateness ------------------------------------------------------------------------------

def test_submitted_on_the_deadline_day_late_in_the_evening_is_on_time(report_contract,
                                                                     at_local, db):
    contract, user = report_contract()
    at_local(2026, 11, 10, 23, 59)  # 2026-10 is due 2026-11-10 (local day)
    submission = subs.submit_report(contract, "2026-10", HS_DATA, actor=user)
    db.session.commit()
    assert submission.late is False
    assert submission.deadline == date(2026, 11, 10)


def test_submitted_a_minute_into_the_next_day_is_late(report_contract, at_local, db):
    contract, user = report_contract()
    at_local(2026, 11, 11, 0, 1)  # still 2026-11-10 in UTC: the local day decides
    submission = subs.submit_report(contract, "2026-10", HS_DATA, actor=user)
    db.session.commit()
    assert submission.late is True


def test_a_resubmission_after_the_deadline_keeps_the_first_submissions_timeliness(
        report_contract, at_local, make_user, db):
    contract, user = report_contract(start_date=date(2026, 10, 1))
    officer = make_user("officer", region="a")
    at_local(2026, 11, 5, 9, 0)
    submission = subs.submit_report(contract, "2026-10", HS_DATA, actor=user)
    subs.review_submission(submission, "returned", "名单不全", actor=officer)
    at_local(2026, 11, 20, 9, 0)
    subs.submit_report(contract, "2026-10", HS_DATA | {"households_visited": 120}, actor=user)
    db.session.commit()
    assert (submission.late, submission.version, submission.status.value) == (False, 2,
                                                                            "submitted")
    assert [e.kind.value for e in submission.events] == ["submitted", "returned",
                                                         "resubmitted"]
    assert submission.events[1].comment == "名单不全"
    assert subs.timeliness(contract, date(2026, 11, 30)) == 100
    assert subs.timeliness(contract, date(2026, 12, 11)) == 50  # 2026-11 overdue


# ---- the cycle's rules ---------------------------------------------------------------------

def test_returning_without_a_comment_is_refused_and_changes_nothing(report_contract, at_local,
                                                                    make_user, db):
    contract, user = report_contract()
    officer = make_user("officer", region="a")
    at_local(2026, 11, 5, 9, 0)
    submission = subs.submit_report(contract, "2026-10", HS_DATA, actor=user)
    db.session.commit()
    with pytest.raises(ValidationError) as refused:
        subs.review_submission(submission, "returned", "  ", actor=officer)
    assert "comment" in refused.value.fields
    db.session.rollback()
    assert db.session.get(Submission, submission.id).status.value == "submitted"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SubmissionEvent)) == 1


def test_only_the_contracts_provider_writes_and_only_a_regions_officer_reviews(
        report_contract, at_local, make_user, make_provider, db):
    contract, user = report_contract()
    at_local(2026, 11, 5, 9, 0)
    stranger = make_user("provider", provider=make_provider())
    with pytest.raises(Forbidden):
        subs.submit_report(contract, "2026-10", HS_DATA, actor=stranger)
    with pytest.raises(Forbidden):
        subs.submit_report(contract, "2026-10", HS_DATA, actor=make_user("officer", region="a"))
    submission = subs.submit_report(contract, "2026-10", HS_DATA, actor=user)
    with pytest.raises(Forbidden):
        subs.review_submission(submission, "approved", actor=make_user("officer", region="b"))
    with pytest.raises(Forbidden):
        subs.review_submission(submission, "approved", actor=user)
    subs.review_submission(submission, "approved", actor=make_user("officer", region="city"))
    with pytest.raises(Conflict):
        subs.review_submission(submission, "returned", "again", actor=make_user("admin"))
    with pytest.raises(Conflict):
        subs.submit_report(contract, "2026-10", HS_DATA, actor=user)


@pytest.mark.parametrize("key, message", [
    ("2026-13", "YYYY-MM"), ("October", "YYYY-MM"), ("2027-01", "not a reporting period"),
    ("2026-Q4", "not a reporting period"), ("2026-12", "has not begun")])
def test_a_period_the_contract_does_not_have_is_refused_on_period(report_contract, at_local,
                                                                  key, message):
    contract, user = report_contract()
    at_local(2026, 11, 5, 9, 0)
    with pytest.raises(ValidationError) as refused:
        subs.submit_report(contract, key, HS_DATA, actor=user)
    assert list(refused.value.fields) == ["period"]
    assert message in refused.value.fields["period"][0]


def test_a_terminated_contract_takes_no_report_for_a_period_begun_after_its_termination(
        report_contract, at_local, db):
    contract, user = report_contract()
    at_local(2026, 6, 15, 10, 0)
    contract_services.transition_contract(contract, "terminated", actor=None, reason="违约终止")
    db.session.commit()
    at_local(2026, 9, 5, 10, 0)
    with pytest.raises(ValidationError) as refused:
        subs.submit_report(contract, "2026-08", HS_DATA, actor=user)
    assert list(refused.value.fields) == ["period"]
    assert "2026-06-15" in refused.value.fields["period"][0]
    # what was owed by the termination is still filed, June's half month included
    assert subs.submit_report(contract, "2026-06", HS_DATA, actor=user).late is True
    assert [p.key for p in due_periods(contract, None)][-1] == "2026-06"


def test_a_report_the_draft_refused_is_due_from_the_activation_of_a_backdated_contract(
        make_contract, make_user, at_local, db):
    contract = make_contract()  # 2026-01-01 → 12-31, still a draft
    user = make_user("provider", provider=contract.provider)
    at_local(2026, 2, 5, 9, 0)  # January's report, due 02-10: the draft refuses it
    with pytest.raises(Conflict):
        subs.submit_report(contract, "2026-01", HS_DATA, actor=user)
    db.session.rollback()
    at_local(2026, 3, 20, 9, 0)
    contract_services.transition_contract(contract, "active", actor=None)
    db.session.commit()
    at_local(2026, 3, 21, 9, 0)
    assert not subs.contract_schedule(contract)[-1].period.is_overdue(date(2026, 3, 21))
    submission = subs.submit_report(contract, "2026-01", HS_DATA, actor=user)
    assert (submission.late, submission.deadline) == (False, date(2026, 3, 30))
    at_local(2026, 4, 2, 9, 0)  # past the activation's deadline: late like any other
    assert subs.submit_report(contract, "2026-02", HS_DATA, actor=user).late is True


def test_a_draft_is_kept_incomplete_and_hidden_from_the_officer(report_contract, at_local,
                                                                make_user, db):
    contract, user = report_contract()
    at_local(2026, 11, 5, 9, 0)
    draft = subs.save_draft(contract, "2026-10", {"households_visited": 40}, actor=user)
    db.session.commit()
    assert draft.status.value == "draft" and draft.submitted_at is None
    officer = make_user("officer", region="a")
    assert db.session.scalars(subs.visible_submissions(officer)).all() == []
    assert db.session.scalars(subs.visible_submissions(user)).all() == [draft]


def _submitted_while_a_file_is_sent(app, report_contract, at_local, db, *, attached: bool,
                                    send) -> tuple[list[str | None], int]:
    """The draft's page was opened, the report submitted, then ``send(submission, user)``
    from the page opened before: the outcomes, and the files the report holds."""
    contract, user = report_contract()
    at_local(2026, 11, 5, 9, 0)
    draft = subs.save_draft(contract, "2026-10", {}, actor=user)
    if attached:
        attachments.add_attachment(draft, filename="a.pdf", data=PDF, uploader=user)
    db.session.commit()
    submission_id, user_id = draft.id, user.id

    outcomes = read_then_act_after(
        app, lambda: _db.session.get(Submission, submission_id),
        lambda s: subs.submit_report(s.contract, "2026-10", HS_DATA,
                                     actor=_db.session.get(User, user_id)),
        lambda s: send(s, _db.session.get(User, user_id)),
        stored_as(Submission, submission_id, "submitted"))
    db.session.expire_all()
    return outcomes, db.session.scalar(sa.select(sa.func.count()).select_from(
        SubmissionAttachment).where(SubmissionAttachment.submission_id == submission_id))


def test_a_file_sent_after_the_report_was_submitted_is_refused(app, report_contract, at_local,
                                                               db):
    """Checked against the draft its request read, the file landed on the report under
    review."""
    outcomes, files = _submitted_while_a_file_is_sent(
        app, report_contract, at_local, db, attached=False,
        send=lambda s, user: attachments.add_attachment(s, filename="b.pdf", data=PDF, uploader=user))
    assert outcomes[0] is None and "can be attached only while" in outcomes[1], outcomes
    assert files == 0


def test_a_file_removed_after_the_report_was_submitted_stays(app, report_contract, at_local,
                                                             db):
    outcomes, files = _submitted_while_a_file_is_sent(
        app, report_contract, at_local, db, attached=True,
        send=lambda s, user: attachments.delete_attachment(s.attachments[0], actor=user))
    assert outcomes[0] is None and "can be removed only while" in outcomes[1], outcomes
    assert files == 1


# ---- the content's rules -------------------------------------------------------------------

def test_cross_field_rules_name_their_field(report_contract, make_facility):
    hs, _ = report_contract()
    with pytest.raises(ValidationError) as refused:
        clean_data(hs, {"households_visited": 5, "needy": {"dibao": 4, "near_poor": 3}})
    assert "cannot exceed households visited" in refused.value.fields["data.needy"][0]

    fo, _ = report_contract("facility_operation")  # wards 40 / 30 / 30
    with pytest.raises(ValidationError) as refused:
        clean_data(fo, {"occupancy": {"self_care": 41, "semi_disabled": 30, "disabled": 0},
                        "admissions": 1, "departures": 0, "staff": {}, "fire_drills": 1,
                        "complaints_received": 2, "complaints_resolved": 3,
                        "incidents": [{"risk": "falls", "severity": "minor"},
                                      {"risk": "fire", "severity": "grave"}]})
    fields = refused.value.fields
    assert set(fields) == {"data.occupancy.self_care", "data.complaints_resolved",
                           "data.incidents.1.risk", "data.incidents.1.severity"}
    assert "41 residents exceed the ward's 40 beds" in fields["data.occupancy.self_care"][0]


FO_DATA = {"admissions": 1, "departures": 0, "staff": {}, "fire_drills": 1,
           "complaints_received": 0, "complaints_resolved": 0, "incidents": []}


def test_wards_of_unknown_beds_are_checked_against_the_homes_total(report_contract,
                                                                   make_facility):
    # as the API creates it from the contract's shape: ward names, 0 beds each, 120 in all
    home = make_facility(wards=["self_care", "semi_disabled", "disabled"], beds=120)
    contract, _ = report_contract("facility_operation", facility=home)
    data = clean_data(contract, FO_DATA | {"occupancy": {"self_care": 30, "disabled": 60}})
    assert data["occupancy"] == {"self_care": 30, "disabled": 60}
    with pytest.raises(ValidationError) as refused:
        clean_data(contract, FO_DATA | {"occupancy": {"self_care": 70, "disabled": 51}})
    assert refused.value.fields == {
        "data.occupancy": ["121 residents exceed the home's 120 beds."]}


def test_numbers_must_be_whole_and_not_negative_and_present_on_submission(report_contract):
    contract, _ = report_contract("entrusted_care")
    with pytest.raises(ValidationError) as refused:
        clean_data(contract, {"children_in_care": -1, "health_checks": 2.5, "extra": 1})
    assert set(refused.value.fields) == {"data.children_in_care", "data.health_checks",
                                         "data.children_in_school", "data.extra"}
    assert clean_data(contract, {"children_in_care": 3}, complete=False) == {
        "children_in_care": 3, "school_stages": {}}


# ---- home lists, queue, milestones -------------------------------------------------------------

def test_the_providers_home_lists_due_overdue_and_returned(report_contract, at_local,
                                                          make_user, db):
    contract, user = report_contract()
    officer = make_user("officer", region="a")
    at_local(2026, 3, 5, 9, 0)
    january = subs.submit_report(contract, "2026-01", HS_DATA, actor=user)
    subs.review_submission(january, "returned", "补充附件", actor=officer)
    db.session.commit()
    overview = subs.provider_overview(user, today=date(2026, 3, 11))
    assert [r.period.key for r in overview["overdue"]] == ["2026-02"]  # due 03-10
    assert [r.period.key for r in overview["due"]] == []
    assert [r.submission.id for r in overview["returned"]] == [january.id]
    overview = subs.provider_overview(user, today=date(2026, 3, 31))
    assert [r.period.key for r in overview["due"]] == ["2026-03"]
    assert subs.provider_overview(officer)["due"] == []


def test_the_review_queue_holds_the_regions_waiting_reports_oldest_first(
        report_contract, at_local, make_user, db):
    a_contract, a_user = report_contract()
    b_contract, b_user = report_contract(region="b")
    at_local(2026, 11, 3, 9, 0)
    newer_a = subs.submit_report(a_contract, "2026-10", HS_DATA, actor=a_user)
    at_local(2026, 11, 2, 9, 0)
    older_a = subs.submit_report(a_contract, "2026-09", HS_DATA, actor=a_user)
    b = subs.submit_report(b_contract, "2026-10", HS_DATA, actor=b_user)
    db.session.commit()
    queue = db.session.scalars(subs.review_queue_stmt(make_user("officer", region="a"))).all()
    assert queue == [older_a, newer_a]
    city = db.session.scalars(subs.review_queue_stmt(make_user("officer", region="city"))).all()
    assert set(city) == {older_a, newer_a, b}
