"""The risk score and the next due date from hand-built histories (pure functions)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from reports.planning.risk import Finalized, History, assess
from reports.planning.weights import WeightsError, make_weights

TODAY = date(2026, 6, 1)
W = make_weights()


def clean(last=date(2026, 3, 1), **kw) -> History:
    return History(last_onsite=last,
                   finalized=[Finalized(last, Decimal("95.0"), "excellent")], **kw)


def test_a_clean_home_is_due_a_year_after_its_last_visit_with_no_risk():
    a = assess(clean(), W, TODAY)
    assert a.next_due == date(2027, 3, 1)
    assert a.risk == 0 and a.history_points == 0
    assert [r.code for r in a.reasons] == ["interval"]


def test_a_recent_veto_failure_brings_the_date_forward_and_raises_the_risk():
    vetoed = History(last_onsite=date(2026, 3, 1), finalized=[
        Finalized(date(2026, 3, 1), Decimal("82.0"), "fail", failed_vetoes=1)])
    a, b = assess(vetoed, W, TODAY), assess(clean(), W, TODAY)
    assert a.next_due < b.next_due
    assert a.risk > b.risk
    # 30 (grade fail) + 40 (one veto) = 70 points; 365 - 70 x 3 = 155 days
    assert a.history_points == 70 and a.next_due == date(2026, 3, 1) + timedelta(days=155)
    assert {"veto_failure", "grade"} <= {r.code for r in a.reasons}


def test_an_old_veto_failure_outside_the_look_back_no_longer_counts():
    old = History(last_onsite=date(2025, 3, 1), finalized=[
        Finalized(date(2025, 3, 1), Decimal("82.0"), "excellent", failed_vetoes=1)])
    assert "veto_failure" not in {r.code for r in assess(old, W, TODAY).reasons}


def test_overdue_corrective_actions_weigh_more_than_actions_in_time():
    in_time = assess(clean(open_actions=[("red", date(2026, 6, 30))]), W, TODAY)
    overdue = assess(clean(open_actions=[("red", date(2026, 5, 1))]), W, TODAY)
    assert in_time.history_points == 15 and overdue.history_points == 30
    assert overdue.next_due < in_time.next_due < assess(clean(), W, TODAY).next_due
    blue = assess(clean(open_actions=[("blue", date(2026, 6, 30))]), W, TODAY)
    assert blue.history_points < in_time.history_points


def test_incidents_reports_appeals_and_a_falling_trend_add_their_points():
    history = History(
        last_onsite=date(2026, 3, 1),
        finalized=[Finalized(date(2026, 3, 1), Decimal("80.0"), "good"),
                   Finalized(date(2025, 3, 1), Decimal("90.0"), "excellent")],
        incidents=[(date(2026, 4, 5), "major", 1), (date(2026, 4, 5), "minor", 3),
                   (date(2024, 1, 5), "major", 5)],  # the last is outside the look-back
        reports=[(date(2026, 2, 10), True, False), (date(2026, 3, 10), False, True)],
        appeals=[date(2026, 3, 20)])
    a = assess(history, W, TODAY)
    points = {r.code: r.points for r in a.reasons}
    assert points == {"interval": 0, "grade": 4, "trend": 10, "incident_major": 15,
                      "incident_minor": 3, "late_report": 3, "returned_report": 3, "appeal": 4}
    assert a.risk == a.history_points == 42


def test_never_inspected_is_due_now_and_ranks_high():
    a = assess(History(), W, TODAY)
    assert a.next_due == TODAY and a.risk == 50
    assert [r.code for r in a.reasons] == ["never_inspected"]


def test_time_past_the_due_date_ranks_higher_without_moving_the_date():
    history = clean(last=date(2025, 1, 1))
    later = assess(history, W, date(2026, 4, 1))
    assert later.next_due == date(2026, 1, 1)
    assert later.days_overdue(date(2026, 4, 1)) == 90 and later.risk == 15  # 3 x 30 days


def test_the_interval_never_falls_below_the_minimum():
    history = clean(open_actions=[("red", date(2026, 1, 1))] * 10)
    a = assess(history, W, TODAY)
    assert a.interval_days == 30 and a.next_due == date(2026, 3, 31)


def test_configured_weights_change_the_result():
    vetoed = History(last_onsite=date(2026, 3, 1), finalized=[
        Finalized(date(2026, 3, 1), Decimal("95.0"), "excellent", failed_vetoes=1)])
    heavier = make_weights({"veto_failure": 100})
    assert assess(vetoed, heavier, TODAY).next_due < assess(vetoed, W, TODAY).next_due
    lenient = make_weights('{"veto_failure": 0, "base_interval_days": 730}')
    a = assess(vetoed, lenient, TODAY)
    assert a.risk == 0 and a.next_due == date(2028, 2, 29)


@pytest.mark.parametrize("bad", [{"veto": 1}, {"veto_failure": -1}, {"veto_failure": "x"},
                                 {"veto_failure": True}, "not json", "[1]",
                                 {"base_interval_days": 10}])
def test_bad_weights_are_refused_not_ignored(bad):
    with pytest.raises(WeightsError):
        make_weights(bad)


def test_the_app_refuses_to_start_with_bad_weights(test_config):
    from app.factory import create_app

    class BadWeights(test_config):
        INSPECTION_RISK_WEIGHTS = '{"veto_falure": 50}'

    with pytest.raises(WeightsError, match="veto_falure"):
        create_app(BadWeights)


def test_a_trend_compares_results_of_the_same_template_only():
    history = History(last_onsite=date(2026, 3, 1), finalized=[
        Finalized(date(2026, 3, 1), Decimal("80.0"), "good", template="safety"),
        Finalized(date(2026, 2, 1), Decimal("95.0"), "excellent", template="warm_winter"),
        Finalized(date(2025, 3, 1), Decimal("85.0"), "good", template="safety")])
    (trend,) = [r for r in assess(history, W, TODAY).reasons if r.code == "trend"]
    assert trend.points == 5 and trend.values == {"before": Decimal("85.0"),
                                                  "after": Decimal("80.0")}


def test_the_assessment_does_not_depend_on_the_order_of_the_history():
    """The plan reads a city's inspections in no order; two of one day are told apart by id."""
    day = date(2026, 3, 1)
    rows = [Finalized(date(2025, 9, 1), Decimal("90.0"), "excellent", 0, 1, "safety"),
            Finalized(day, Decimal("70.0"), "pass", 1, 2, "safety"),
            Finalized(day, Decimal("60.0"), "fail", 0, 3, "safety")]

    def reasons(finalized):
        a = assess(History(last_onsite=day, finalized=finalized), W, TODAY)
        return [(r.code, r.points, r.values) for r in a.reasons], a.next_due

    first = reasons(rows)
    assert first == reasons(rows[::-1]) == reasons([rows[2], rows[0], rows[1]])
    grade = next(values for code, _points, values in first[0] if code == "grade")
    assert grade["inspection_id"] == 2  # of one day's, the lower id is taken as the last
