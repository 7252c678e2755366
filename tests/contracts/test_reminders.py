"""The daily reminder jobs of contracts: service reports, contracts ending, qualifications
expiring, the three-week survey windows. Each at its boundaries, once per event, through the
runner and a real SMTP server on loopback."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app import clock
from app.notifications import kinds
from app.notifications import services as notifications
from app.notifications.models import Notification
from app.scheduler import registry
from app.scheduler.models import JobRun, RunStatus
from app.scheduler.runner import run_job
from contracts import reminders, services
from contracts.submissions.models import Submission, SubmissionStatus

DEADLINE = date(2026, 2, 10)  # the report of January 2026 (period end + 10 days)
JOB = "contracts.submission_reminders"
DAY = re.compile(r"\d{4}-\d\d-\d\d")


def on(day: date) -> None:
    """The app's clock at noon of ``day`` in Shanghai."""
    clock.set_clock(lambda: datetime(day.year, day.month, day.day, 4, tzinfo=UTC))


def day_of(days: int) -> date:
    return date.fromordinal(DEADLINE.toordinal() + days)


@pytest.fixture
def world(db, make_contract, make_user):
    """An active 2026 contract in county A (monthly reports, due 10 days after each month), two
    users of its provider, and officers around it."""
    contract = make_contract(status="active")
    return SimpleNamespace(
        contract=contract,
        staff=make_user("provider", provider=contract.provider),
        staff_en=make_user("provider", provider=contract.provider, locale="en"),
        city=make_user("officer", region="city", locale="en"),
        county=make_user("officer", region="a"),
        other_county=make_user("officer", region="b"),
        township=make_user("officer", region="a1"),
        disabled=_disabled(make_user("officer", region="a"), db))


def _disabled(user, db):
    user.is_enabled = False
    db.session.commit()
    return user


def notices(db, user=None, kind=None) -> list[Notification]:
    db.session.commit()  # see what the job committed
    stmt = sa.select(Notification).order_by(Notification.id)
    if user is not None:
        stmt = stmt.where(Notification.user_id == user.id)
    if kind is not None:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt))


def run(app, job_id: str = JOB) -> JobRun:
    result = run_job(app, job_id)
    assert result.status is RunStatus.OK, result.message
    return result


# ---- 1. service reports ---------------------------------------------------------------------

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


# ---- 4. contracts ending --------------------------------------------------------------------

def test_contracts_ending_within_90_and_30_days(app, db, world, make_contract):
    w = world  # the contract ends 2026-12-31
    ended = make_contract(status="completed")  # not announced
    job = "contracts.contract_expiry_reminders"
    on(date(2026, 10, 1))  # 91 days before
    run(app, job)
    assert notices(db) == []
    on(date(2026, 10, 2))  # 90 days
    run(app, job)
    on(date(2026, 10, 3))
    run(app, job)
    got = notices(db, kind=kinds.CONTRACT_EXPIRING)
    assert sorted(n.user_id for n in got) == sorted(
        u.id for u in (w.staff, w.staff_en, w.city, w.county))
    assert all(n.link == f"/contracts/{w.contract.id}" for n in got)
    assert "90 days" in notices(db, w.city)[0].body
    assert not any(n.object_id == str(ended.id) for n in got)
    on(date(2026, 12, 1))  # 30 days
    run(app, job)
    run(app, job)
    assert len(notices(db, w.county)) == 2 and "30 days" in notices(db, w.city)[1].body
    on(date(2026, 12, 2))
    run(app, job)
    assert len(notices(db)) == 8


def test_a_suspended_contract_first_seen_within_30_days_gets_one_notice(app, db, world):
    services.transition_contract(world.contract, "suspended", actor=None, reason="整顿")
    db.session.commit()
    on(date(2026, 12, 15))
    assert reminders.contract_expiry_reminders() == 4
    db.session.commit()
    assert reminders.contract_expiry_reminders() == 0


# ---- 5. qualifications ----------------------------------------------------------------------

def test_qualifications_expiring_within_60_days(app, db, world):
    w = world
    services.add_qualification(w.contract.provider, cert_type="养老机构备案", number="BA-1",
                               valid_until=date(2026, 6, 30))
    db.session.commit()
    job = "contracts.qualification_expiry_reminders"
    on(date(2026, 4, 30))  # 61 days before
    run(app, job)
    assert notices(db) == []
    on(date(2026, 5, 1))
    run(app, job)
    run(app, job)
    got = notices(db, kind=kinds.QUALIFICATION_EXPIRING)
    assert sorted(n.user_id for n in got) == sorted(u.id for u in (w.city, w.staff, w.staff_en))
    assert all(n.link == f"/providers/{w.contract.provider.id}" for n in got)
    assert "BA-1" in got[0].body and "2026-06-30" in got[0].title
    on(date(2026, 7, 1))  # expired: no longer "expiring"
    run(app, job)
    assert len(notices(db)) == 3


# ---- 7. the three-week survey windows -------------------------------------------------------

def test_survey_window_reminders_on_the_window_days_only(app, db, world):
    w = world
    job = "contracts.survey_window_reminders"
    on(date(2025, 12, 31))
    run(app, job)
    assert notices(db) == []
    on(date(2026, 1, 1))
    run(app, job)
    on(date(2026, 1, 2))
    run(app, job)
    [notice] = notices(db)
    assert notice.user_id == w.township.id and notice.kind == kinds.SURVEY_WINDOW
    assert "2026-01-01" in notice.title and "2026-01-21" in notice.title
    on(date(2026, 1, 22))  # three weeks later
    run(app, job)
    on(date(2026, 3, 15))
    run(app, job)
    assert len(notices(db)) == 1
    on(date(2026, 6, 1))
    run(app, job)
    on(date(2026, 11, 1))
    run(app, job)
    on(date(2027, 1, 1))  # the next year's window is another event
    run(app, job)
    assert [DAY.findall(n.title) for n in notices(db)] == [
        ["2026-01-01", "2026-01-21"], ["2026-06-01", "2026-06-21"], ["2026-11-01", "2026-11-21"],
        ["2027-01-01", "2027-01-21"]]


def test_survey_window_missed_day_caught_up_within_the_window(app, db, world):
    on(date(2026, 6, 5))
    assert reminders.survey_window_reminders() == 1


def test_survey_windows_go_to_county_officers_without_township_ones(app, db, world,
                                                                    monkeypatch):
    world.township.is_enabled = False
    db.session.commit()
    monkeypatch.setitem(app.config, "SURVEY_WINDOWS", [(3, 15)])
    on(date(2026, 1, 1))  # no longer a window
    assert reminders.survey_window_reminders() == 0
    on(date(2026, 3, 15))
    assert reminders.survey_window_reminders() == 2
    db.session.commit()
    assert sorted(n.user_id for n in notices(db)) == sorted([world.county.id,
                                                             world.other_county.id])


# ---- registration ---------------------------------------------------------------------------

def test_the_jobs_are_registered_daily_in_shanghai_time():
    for job_id in ("contracts.submission_reminders", "contracts.contract_expiry_reminders",
                   "contracts.qualification_expiry_reminders",
                   "contracts.survey_window_reminders"):
        spec = registry.get_job(job_id)
        assert spec is not None and spec.trigger["trigger"] == "cron"
        assert spec.trigger["timezone"] == "Asia/Shanghai" and spec.trigger["hour"] == 7
        assert callable(registry.resolve(spec.func_path))
