"""The daily jobs of evaluations: inspection and corrective-action reminders with escalation,
and the yearly campaigns. Each at its boundaries, once per event, through the runner."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.notifications import kinds
from app.notifications import services as notifications
from app.notifications.models import Notification
from app.scheduler import registry
from app.scheduler.models import JobRun, RunStatus
from app.scheduler.runner import run_job
from evaluations import reminders
from evaluations.actions.models import ActionStatus
from evaluations.actions.services import create_action
from evaluations.campaigns.models import Campaign
from evaluations.campaigns.services import create_campaign
from evaluations.inspections.models import InspectionStatus

INSPECTIONS = "evaluations.inspection_reminders"
ACTIONS = "evaluations.corrective_action_reminders"
CAMPAIGNS = "evaluations.yearly_campaigns"
VISIT = date(2026, 11, 10)  # the scheduled day of the world's inspection
DEADLINE = date(2026, 6, 15)  # the deadline of the world's corrective action


def on(day: date) -> None:
    """The app's clock at noon of ``day`` in Shanghai."""
    clock.set_clock(lambda: datetime(day.year, day.month, day.day, 4, tzinfo=UTC))


def shift(day: date, days: int) -> date:
    return day + timedelta(days=days)


@pytest.fixture
def world(inspection_world, make_user):
    """The inspection world (a home in A1, officer and inspector of A, a provider user) and
    officers of the city (English) and of county B."""
    w = inspection_world
    w.city = make_user("officer", region="city", locale="en")
    w.other = make_user("officer", region="b")
    return w


def notices(db, user=None, kind=None) -> list[Notification]:
    db.session.commit()  # see what the job committed
    stmt = sa.select(Notification).order_by(Notification.id)
    if user is not None:
        stmt = stmt.where(Notification.user_id == user.id)
    if kind is not None:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt))


def run(app, job_id: str) -> JobRun:
    result = run_job(app, job_id)
    assert result.status is RunStatus.OK, result.message
    return result


# ---- 2. inspections -------------------------------------------------------------------------

def test_inspection_reminders_at_each_boundary(app, db, world, schedule):
    inspection = schedule()
    done = schedule(scheduled_for=VISIT)
    done.status = InspectionStatus.SUBMITTED
    db.session.commit()
    on(shift(VISIT, -4))
    run(app, INSPECTIONS)
    assert notices(db) == []
    on(shift(VISIT, -3))
    run(app, INSPECTIONS)
    [due] = notices(db)
    assert (due.user_id, due.kind) == (world.inspector.id, kinds.INSPECTION_DUE)
    assert due.link == f"/evaluations/inspections/{inspection.id}"
    assert world.facility.name in due.title and "2026-11-10" in due.title
    on(VISIT)
    run(app, INSPECTIONS)
    assert len(notices(db)) == 1  # one "due" notice, however many days ahead
    on(shift(VISIT, 1))
    run(app, INSPECTIONS)
    assert [n.kind for n in notices(db, world.inspector)] == [kinds.INSPECTION_DUE,
                                                               kinds.INSPECTION_OVERDUE]
    on(shift(VISIT, 6))
    run(app, INSPECTIONS)
    assert notices(db, world.officer) == [] and notices(db, world.city) == []
    on(shift(VISIT, 7))
    run(app, INSPECTIONS)
    run(app, INSPECTIONS)
    [to_county], [to_city] = notices(db, world.officer), notices(db, world.city)
    assert to_county.kind == to_city.kind == kinds.INSPECTION_OVERDUE
    assert "A1 Street" in to_city.body and "甲一街道" in to_county.body  # their language
    assert notices(db, world.other) == [] and len(notices(db, world.inspector)) == 2
    assert len(notices(db)) == 4  # the submitted inspection was never reminded


def test_an_interrupted_inspection_run_notifies_each_once(app, db, world, schedule, smtp,
                                                          monkeypatch):
    schedule()
    real_notify, calls = notifications.notify, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("interrupted")
        return real_notify(*args, **kwargs)

    on(shift(VISIT, 7))  # the inspector (overdue) and two officers (escalated)
    monkeypatch.setattr(notifications, "notify", failing)
    assert run_job(app, INSPECTIONS).status is RunStatus.ERROR
    assert notices(db) == [] and smtp.inbox.messages == []
    monkeypatch.setattr(notifications, "notify", real_notify)
    assert run(app, INSPECTIONS).message == "3 notice(s) sent"
    assert run(app, INSPECTIONS).message == "0 notice(s) sent"
    assert sorted(r[0] for r, _ in smtp.inbox.messages) == sorted(
        u.email for u in (world.inspector, world.officer, world.city))


# ---- 3. corrective actions ------------------------------------------------------------------

@pytest.fixture
def action(world, db):
    on(date(2026, 6, 1))
    made = create_action(description="灭火器过期，须更换", severity="orange",
                         deadline=DEADLINE, facility=world.facility)
    db.session.commit()
    return made


def test_corrective_action_reminders_at_each_boundary(app, db, world, action):
    on(shift(DEADLINE, -4))
    run(app, ACTIONS)
    assert notices(db) == []
    on(shift(DEADLINE, -3))
    run(app, ACTIONS)
    on(DEADLINE)
    run(app, ACTIONS)
    [due] = notices(db)
    assert (due.user_id, due.kind) == (world.provider_user.id, kinds.CORRECTIVE_ACTION_DUE)
    assert due.link == f"/evaluations/actions/{action.id}" and "灭火器过期" in due.body
    on(shift(DEADLINE, 1))  # overdue: the provider, and the officers the same day
    run(app, ACTIONS)
    run(app, ACTIONS)
    overdue = notices(db, kind=kinds.CORRECTIVE_ACTION_OVERDUE)
    assert sorted(n.user_id for n in overdue) == sorted(
        u.id for u in (world.provider_user, world.officer, world.city))
    assert world.provider.name in notices(db, world.city)[0].body
    on(shift(DEADLINE, 7))
    run(app, ACTIONS)
    assert len(notices(db)) == 4


@pytest.mark.parametrize(("status", "told"), [
    (ActionStatus.ANSWERED, {"officer", "city"}), (ActionStatus.CLOSED, set())])
def test_an_answered_action_escalates_to_officers_only_and_a_closed_one_is_quiet(
        app, db, world, action, status, told):
    action.status = status
    db.session.commit()
    on(shift(DEADLINE, -3))
    run(app, ACTIONS)
    on(shift(DEADLINE, 1))
    run(app, ACTIONS)
    names = {world.officer.id: "officer", world.city.id: "city",
             world.provider_user.id: "provider"}
    assert {names[n.user_id] for n in notices(db)} == told


def test_mail_follows_the_preferences_with_an_absolute_link(app, db, world, action, smtp):
    notifications.set_preferences(world.provider_user,
                                  {kinds.CORRECTIVE_ACTION_OVERDUE: (True, False)})
    db.session.commit()
    on(shift(DEADLINE, 1))
    run(app, ACTIONS)
    assert len(notices(db, world.provider_user)) == 1
    assert smtp.inbox.to(world.provider_user.email) == []
    [message] = smtp.inbox.to(world.officer.email)
    assert message["To"] == world.officer.email
    assert f"https://care.example.cn/evaluations/actions/{action.id}" in message.get_content()


# ---- 6. yearly campaigns --------------------------------------------------------------------

def _yearly(world, name: str, start: date, end: date, inspectors=None):
    on(shift(start, -10))
    campaign = create_campaign(name=name, template=world.template, region=world.regions["a"],
                               facility_kinds=["elderly_home"], window_start=start,
                               window_end=end, inspectors=inspectors or [world.inspector],
                               recurrence="yearly")
    return campaign


def _successors(db, campaign) -> list[Campaign]:
    db.session.commit()
    return list(db.session.scalars(sa.select(Campaign).where(Campaign.previous_id == campaign.id)))


def test_a_yearly_campaign_is_created_once_on_its_day(app, db, world):
    warm = _yearly(world, "2025年冬暖工程", date(2025, 11, 1), date(2025, 11, 30))
    db.session.commit()
    on(date(2026, 10, 31))
    assert run(app, CAMPAIGNS).message == "0 campaign(s) created"
    on(date(2026, 11, 1))
    assert run(app, CAMPAIGNS).message == "1 campaign(s) created"
    assert run(app, CAMPAIGNS).message == "0 campaign(s) created"
    on(date(2026, 11, 2))
    run(app, CAMPAIGNS)
    [copy] = _successors(db, warm)
    assert copy.name == "2026年冬暖工程" and copy.window_start == date(2026, 11, 1)
    [notice] = notices(db)
    assert (notice.user_id, notice.kind) == (world.inspector.id, kinds.CAMPAIGN_CREATED)
    assert notice.link == f"/evaluations/campaigns/{copy.id}" and copy.name in notice.title
    on(date(2027, 11, 1))  # next year, the 2026 copy is repeated in turn
    run(app, CAMPAIGNS)
    [again] = _successors(db, copy)
    assert again.window_start == date(2027, 11, 1) and len(notices(db)) == 2


def test_spring_and_autumn_campaigns_each_on_their_month(app, db, world):
    spring = _yearly(world, "2025年春季安全检查", date(2025, 3, 1), date(2025, 3, 31))
    autumn = _yearly(world, "2025年秋季安全检查", date(2025, 9, 1), date(2025, 9, 30))
    db.session.commit()
    on(date(2026, 3, 1))
    assert reminders.campaigns_to_repeat() == [spring.id]
    run(app, CAMPAIGNS)
    assert len(_successors(db, spring)) == 1 and _successors(db, autumn) == []
    on(date(2026, 9, 1))
    assert reminders.campaigns_to_repeat() == [autumn.id]


def test_a_campaign_that_cannot_be_repeated_does_not_stop_the_others(app, db, world,
                                                                     make_user):
    gone = make_user("inspector", region="a")
    broken = _yearly(world, "2025年冬暖工程", date(2025, 11, 1), date(2025, 11, 30), [gone])
    fine = _yearly(world, "2025年冬季安全检查", date(2025, 11, 1), date(2025, 11, 30))
    gone.is_enabled = False  # no active inspector left for the broken one
    db.session.commit()
    on(date(2026, 11, 1))
    result = run(app, CAMPAIGNS)
    assert result.message == f"1 campaign(s) created; not repeated: [{broken.id}]"
    assert _successors(db, broken) == [] and len(_successors(db, fine)) == 1


# ---- registration ---------------------------------------------------------------------------

def test_the_jobs_are_registered_daily_in_shanghai_time():
    for job_id in (INSPECTIONS, ACTIONS, CAMPAIGNS):
        spec = registry.get_job(job_id)
        assert spec is not None and spec.trigger["trigger"] == "cron"
        assert spec.trigger["timezone"] == "Asia/Shanghai"
        assert callable(registry.resolve(spec.func_path))


def test_an_answered_action_is_escalated_as_waiting_for_review(app, db, world, action):
    """Answered before its deadline and not yet closed, the action was escalated to the
    officers as one the provider "has not put right", while its rectification report waited
    in their own hands. They are told it waits for their review."""
    action.status = ActionStatus.ANSWERED
    db.session.commit()
    on(shift(DEADLINE, 1))
    run(app, ACTIONS)
    [to_city], [to_county] = notices(db, world.city), notices(db, world.officer)
    assert "has not put right" not in to_city.body
    assert "waits for review" in to_city.title and "answered" in to_city.body
    assert "灭火器过期" in to_county.body


def test_an_open_action_is_still_escalated_as_not_put_right(app, db, world, action):
    on(shift(DEADLINE, 1))
    run(app, ACTIONS)
    [to_city] = notices(db, world.city)
    assert "has not put right" in to_city.body


@pytest.mark.parametrize("change", ["officer_elsewhere", "disabled"])
def test_an_assignee_no_longer_an_active_inspector_is_not_told(app, db, world, schedule,
                                                               change):
    """Made an officer of county B (or disabled) with a visit of county A still assigned, the
    former inspector was told "You are to inspect" a home of county A, in their new post's
    bell, through a link to an inspection they may no longer open (404). The visit is the
    officers' to reassign: they are told once it is late, as before."""
    from app.users.services import update_user, user_stamp

    schedule()
    moved = world.inspector
    if change == "disabled":
        moved.is_enabled = False
    else:
        on(shift(VISIT, -20))
        update_user(moved, name=moved.name, role="officer", region=world.regions["b"],
                    provider_id=None, seen=user_stamp(moved))
    db.session.commit()
    for days in (-3, 1):
        on(shift(VISIT, days))
        run(app, INSPECTIONS)
    assert notices(db, moved) == []
    on(shift(VISIT, 7))
    run(app, INSPECTIONS)
    assert len(notices(db, world.officer)) == 1  # county A's officers still hear of it
