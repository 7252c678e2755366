"""The officers are reminded to answer an appeal by its day: three days before, on the day,
once overdue — once each, and not once it is answered; the list marks it overdue."""

from datetime import date

from reports.appeals import services as appeals
from reports.appeals.reminders import appeal_reminders
from tests.factories import notices, on, run_ok


def test_the_officers_are_reminded_before_on_and_after_the_day_once_each(world, appeal, db,
                                                                         app):
    assert appeal.due_by == date(2026, 11, 27)  # lodged 11-12, answered within 15 days
    on(date(2026, 11, 23))
    assert appeal_reminders() == 0  # four days before: not yet
    for day in (24, 25, 27, 28, 30):
        on(date(2026, 11, day))
        run_ok(app, "reports.appeal_reminders")
    due = notices(db, world.officer, kind="appeal_due")
    overdue = notices(db, world.officer, kind="appeal_overdue")
    assert [n.created_at.date() for n in due] == [date(2026, 11, 24), date(2026, 11, 27)]
    assert len(overdue) == 1 and "2026-11-27" in overdue[0].title
    assert overdue[0].link == f"/reports/appeals/{appeal.id}"
    assert notices(db, world.provider_user, kind="appeal_overdue") == []


def test_an_answered_appeal_is_not_reminded(world, appeal, db):
    on(date(2026, 11, 20))
    appeals.resolve_appeal(appeal, outcome="upheld", reason="停电记录不实", actor=world.officer)
    db.session.commit()
    on(date(2026, 11, 27))
    assert appeal_reminders() == 0


def test_the_list_marks_an_open_appeal_past_its_day(world, appeal, as_user, db):
    browser, _ = as_user("officer", region="a")
    on(date(2026, 11, 27))
    assert "data-overdue" not in browser.get("/reports/appeals").get_data(as_text=True)
    on(date(2026, 11, 28))
    assert "data-overdue" in browser.get("/reports/appeals").get_data(as_text=True)
