"""The daily reminders of service reports due: each at its boundaries, once per event,
through the runner and a real SMTP server on loopback."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.notifications import kinds
from app.notifications import services as notifications
from app.notifications.models import Notification
from app.scheduler.models import JobRun, RunStatus
from app.scheduler.runner import run_job
from contracts import services
from contracts.submissions import reminders
from contracts.submissions.models import Submission, SubmissionStatus
from contracts.submissions.services import provider_overview, timeliness
from tests.factories import notices, on, run_ok

DEADLINE = date(2026, 2, 10)  # the report of January 2026 (period end + 10 days)
JOB = "contracts.submission_reminders"


def day_of(days: int) -> date:
    return date.fromordinal(DEADLINE.toordinal() + days)


def run(app, job_id: str = JOB) -> JobRun:
    return run_ok(app, job_id)


@pytest.fixture
def world(reminder_world):
    return reminder_world


def test_submission_reminders_at_each_boundary(app, db, world):
    w = world
    on(day_of(-4))
    assert run(app).message == "0 notice(s) sent"
    assert notices(db) == []

    on(day_of(-3))
    run(app)
    [first] = notices(db, w.staff)
    assert first.kind == kinds.SUBMISSION_DUE
    assert first.link == f"/contracts/{w.contract.id}/reports/2026-01"
    assert w.contract.number in first.title and "2026-02-10" in first.title
    assert (first.object_type, first.object_id) == ("contracts", str(w.contract.id))
    assert len(notices(db, w.staff_en)) == 1

    on(day_of(-2))
    run(app)
    on(day_of(-1))
    run(app)
    assert len(notices(db)) == 2  # nothing new between the stages

    on(DEADLINE)
    run(app)
    assert [n.kind for n in notices(db, w.staff)] == [kinds.SUBMISSION_DUE] * 2

    on(day_of(1))
    run(app)
    staff = notices(db, w.staff)
    assert [n.kind for n in staff] == [kinds.SUBMISSION_DUE] * 2 + [kinds.SUBMISSION_OVERDUE]
    assert "overdue" in notices(db, w.staff_en)[-1].title  # English for the English user

    on(day_of(6))
    run(app)
    officers = [w.city, w.county, w.other_county, w.township, w.disabled]
    assert all(notices(db, o) == [] for o in officers)

    on(day_of(7))
    run(app)
    assert len(notices(db, w.staff)) == 3  # the provider is not told again
    [to_city], [to_county] = notices(db, w.city), notices(db, w.county)
    assert to_city.kind == to_county.kind == kinds.SUBMISSION_OVERDUE
    assert "A District" in to_city.body and "甲区" in to_county.body  # their own language
    assert w.contract.provider.name in to_county.body
    for outsider in (w.other_county, w.township, w.disabled):
        assert notices(db, outsider) == []

    on(day_of(8))
    run(app)
    assert len(notices(db)) == 8  # 2 users x 3 stages + 2 officers


def test_a_missed_day_is_caught_up_but_not_an_old_backlog(app, db, world):
    on(day_of(-2))  # the job did not run on D-3
    reminders.submission_reminders()
    db.session.commit()
    assert len(notices(db, world.staff)) == 1
    db.session.execute(sa.delete(Notification))
    on(day_of(14))  # two weeks late, past the catch-up: nothing (the dashboards show it)
    assert reminders.submission_reminders() == 0


@pytest.mark.parametrize(("status", "reminded"), [
    (SubmissionStatus.DRAFT, True), (SubmissionStatus.RETURNED, True),
    (SubmissionStatus.SUBMITTED, False), (SubmissionStatus.APPROVED, False)])
def test_only_reports_not_submitted_are_reminded(app, db, world, status, reminded):
    done = status is not SubmissionStatus.DRAFT
    db.session.add(Submission(
        contract_id=world.contract.id, period="2026-01", status=status, data={},
        resubmissions=0, late=False,
        submitted_at=datetime(2026, 2, 1, tzinfo=UTC) if done else None,
        review_comment="补充照片" if status is SubmissionStatus.RETURNED else ""))
    db.session.commit()
    on(day_of(1))
    run(app)
    assert bool(notices(db, world.staff)) is reminded


def test_only_active_contracts_are_reminded(app, db, world, make_contract):
    services.transition_contract(world.contract, "suspended", actor=None, reason="整顿")
    make_contract()  # a draft
    db.session.commit()
    on(DEADLINE)
    run(app)
    assert notices(db) == []


def test_the_last_report_of_a_completed_contract_is_reminded(app, db, world):
    """The officer completed the 2026 contract on 2 January: December's report, due on
    10 January, was never reminded, yet it counted against the contract's timeliness as
    overdue from the 11th."""
    on(date(2027, 1, 2))
    services.transition_contract(world.contract, "completed", actor=None)
    db.session.commit()
    on(date(2027, 1, 7))
    run(app)
    [notice] = notices(db, world.staff)
    assert "2026-12" in notice.title and "2027-01-10" in notice.title
    # the provider's list of reports to send, which the reminder points to, shows it too
    assert [r.period.key for r in provider_overview(world.staff)["due"]] == ["2026-12"]
    on(date(2027, 1, 11))
    assert timeliness(world.contract) == 0  # counted: a report owed, not sent
    assert "2026-12" in [r.period.key for r in provider_overview(world.staff)["overdue"]]


def test_a_double_run_sends_one_notice_and_one_mail(app, db, world, smtp):
    on(DEADLINE)
    first, second = run(app), run(app)
    assert (first.message, second.message) == ("2 notice(s) sent", "0 notice(s) sent")
    assert len(notices(db)) == 2
    [message] = smtp.inbox.to(world.staff.email)
    assert message["To"] == world.staff.email
    link = f"https://care.example.cn/contracts/{world.contract.id}/reports/2026-01"
    assert link in message.get_content()
    assert len(smtp.inbox.messages) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JobRun)) == 2


def test_an_interrupted_run_then_a_rerun_notify_each_user_once(app, db, world, smtp,
                                                               monkeypatch):
    real_notify, calls = notifications.notify, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("interrupted")
        return real_notify(*args, **kwargs)

    on(day_of(7))  # provider users (overdue) and officers (escalated): 4 notices
    monkeypatch.setattr(notifications, "notify", failing)
    broken = run_job(app, JOB)
    assert broken.status is RunStatus.ERROR and "interrupted" in broken.message
    assert notices(db) == [] and smtp.inbox.messages == []  # rolled back, nothing mailed
    monkeypatch.setattr(notifications, "notify", real_notify)
    run(app)
    run(app)
    assert len(notices(db)) == 4
    recipients = sorted(r[0] for r, _ in smtp.inbox.messages)
    assert recipients == sorted(u.email for u in (world.staff, world.staff_en, world.city,
                                                   world.county))


def test_a_user_who_turned_the_mail_off_gets_the_notice_only(app, db, world, smtp):
    notifications.set_preferences(world.staff, {kinds.SUBMISSION_DUE: (True, False)})
    db.session.commit()
    on(day_of(-3))
    run(app)
    assert len(notices(db, world.staff)) == 1
    assert smtp.inbox.to(world.staff.email) == []
    assert len(smtp.inbox.to(world.staff_en.email)) == 1
    on(day_of(1))  # another kind: mail again
    run(app)
    assert len(smtp.inbox.to(world.staff.email)) == 1


def test_a_report_falling_due_while_suspended_is_not_chased_once_resumed(app, db, world):
    """Suspended on 5 February and resumed on the 12th: January's report, due on the 10th,
    was not asked for. Resumed, the provider was told it was overdue and, a week on, its
    officers that it was late, though its timeliness does not count it; and the officers'
    list of overdue reports showed it."""
    from reports.dashboards.services import overdue_submissions

    w = world
    on(date(2026, 2, 5))
    services.transition_contract(w.contract, "suspended", actor=None, reason="整改期间暂停")
    on(date(2026, 2, 12))
    services.transition_contract(w.contract, "active", actor=None)
    db.session.commit()
    for day in (12, 17, 19):
        on(date(2026, 2, day))
        run(app)
    assert [n for n in notices(db) if "2026-01" in n.title] == []
    assert [r.period.key for r in overdue_submissions(w.county, date(2026, 2, 19))] == []
    overview = provider_overview(w.staff)  # they may still send it, but it is not owed
    assert not overview["due"] and not overview["overdue"]
    on(date(2026, 3, 12))  # February's report, due on 10 March, is chased as usual
    run(app)
    assert any("2026-02" in n.title for n in notices(db, w.staff))
    assert [r.period.key for r in overdue_submissions(w.county, date(2026, 3, 12))] == [
        "2026-02"]


def test_a_returned_report_is_escalated_as_returned_not_as_never_sent(app, db, world):
    """Sent on time and returned for correction, it was escalated to the officers as a report
    the provider "has not submitted", which their own review queue contradicted."""
    db.session.add(Submission(
        contract_id=world.contract.id, period="2026-01", status=SubmissionStatus.RETURNED,
        data={}, resubmissions=0, late=False, submitted_at=datetime(2026, 2, 1, tzinfo=UTC),
        review_comment="补充照片"))
    db.session.commit()
    on(day_of(7))
    run(app)
    [to_city], [to_county] = notices(db, world.city), notices(db, world.county)
    assert "returned for correction" in to_city.title
    assert "has not resubmitted" in to_city.body and "has not submitted" not in to_city.body
    assert "退回" in to_county.body


def _follow(app, user, notice) -> int:
    from tests.clients import Browser

    browser = Browser(app.test_client())
    assert browser.login(user).status_code == 302
    response = browser.get(f"/notifications/{notice.id}/open")
    assert response.status_code == 302
    return browser.get(response.headers["Location"]).status_code


def test_the_officers_escalation_leads_to_a_page_they_may_open(app, db, world):
    """Escalated, the notice linked the officers to the provider's page for writing the
    report: a 403 for every officer who followed it. It leads to the contract (or, for a
    report returned for correction, to that report), which they may read."""
    on(day_of(7))
    run(app)
    [to_county] = notices(db, world.county)
    assert _follow(app, world.county, to_county) == 200
    assert to_county.link == f"/contracts/{world.contract.id}"
    [to_staff] = [n for n in notices(db, world.staff)]
    assert to_staff.link == f"/contracts/{world.contract.id}/reports/2026-01"


def test_the_escalation_of_a_returned_report_leads_to_that_report(app, db, world):
    returned = Submission(
        contract_id=world.contract.id, period="2026-01", status=SubmissionStatus.RETURNED,
        data={}, resubmissions=0, late=False, submitted_at=datetime(2026, 2, 1, tzinfo=UTC),
        review_comment="补充照片")
    db.session.add(returned)
    db.session.commit()
    on(day_of(7))
    run(app)
    [to_city] = notices(db, world.city)
    assert _follow(app, world.city, to_city) == 200
    assert to_city.link == f"/submissions/{returned.id}"
