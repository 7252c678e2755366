"""The stored performance figures (reports.performance.figures): equal to what
``contract_performance()`` computes, refreshed in the transaction that changes them (an
inspection finalized, a report reviewed, a decision recorded, a spot check's result, a home's
beds), forgotten on rollback, and recomputed nightly by the scheduler."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app import clock
from contracts import services as contract_services
from contracts.households import spot_checks
from contracts.households.models import SpotCheckItem
from contracts.households.services import import_households
from contracts.submissions.models import Submission, SubmissionStatus
from evaluations.inspections.models import Inspection, InspectionStatus
from evaluations.inspections.services import (
    correct_inspection,
    finalize_inspection,
    submit_inspection,
)
from reports.performance.figures import PerformanceFigure, kept_trend, refresh_all
from reports.performance.services import contract_performance, period_choices, quarterly_trend
from tests.factories import hh_csv, run_ok
from tests.reports.money import VETO, finalized, reports_on_time

PLACES = Decimal("0.000001")


def figures(db, contract) -> dict[str, PerformanceFigure]:
    db.session.expire_all()
    return {f.period: f for f in db.session.scalars(
        sa.select(PerformanceFigure).where(PerformanceFigure.contract_id == contract.id))}


def q(value):
    return None if value is None else Decimal(value).quantize(PLACES)


def assert_equal_to_computed(db, contract, today: date) -> None:
    stored = figures(db, contract)
    assert set(stored) == set(period_choices(contract))
    for key, row in stored.items():
        p = contract_performance(contract, key, today)
        assert (q(row.inspection), q(row.timeliness), q(row.targets), q(row.composite),
                row.grade, row.not_started) == (
            q(p.inspection), q(p.timeliness), q(p.targets), q(p.composite), p.grade,
            p.not_started), key


def add_inspection(db, contract, template, inspector, total: str, day: date) -> Inspection:
    inspection = Inspection(
        template_id=template.id, contract_id=contract.id, region_id=contract.region_id,
        provider_id=contract.provider_id, inspector_id=inspector.id, scheduled_for=day,
        status=InspectionStatus.FINALIZED, total=Decimal(total))
    db.session.add(inspection)
    db.session.commit()
    return inspection


@pytest.fixture
def october(fixed_today):
    fixed_today(date(2026, 10, 20))


def test_the_figures_equal_contract_performance(db, fixed_today, make_contract, make_template,
                                                make_user, inspection_world, schedule):
    # a home's operation contract with a failed veto item (the period fails)
    w = inspection_world
    finalized(db, w, schedule, failed=(VETO,), day=date(2026, 9, 15))  # sets the clock
    reports_on_time(db, w.contract, months=8)
    assert_equal_to_computed(db, w.contract, clock.today())
    assert figures(db, w.contract)["2026"].grade == "fail"
    # a household survey: inspections, reports (one late), households imported
    template = make_template("survey_service")
    inspector = make_user("inspector")
    fixed_today(date(2026, 10, 20))
    survey = make_contract(status="active", targets={"households": 1200},
                           weights={"inspection": 60, "timeliness": 20, "targets": 20})
    for day, total in ((date(2026, 2, 10), "71.5"), (date(2026, 5, 3), "88.5"),
                       (date(2026, 8, 9), "93")):
        add_inspection(db, survey, template, inspector, total, day)
    for month, late in ((1, False), (2, True), (3, False)):
        at = datetime(2026, month + 1, 20 if late else 3, tzinfo=UTC)
        db.session.add(Submission(contract_id=survey.id, period=f"2026-{month:02d}",
                                  status=SubmissionStatus.APPROVED, data={}, submitted_at=at,
                                  first_submitted_at=at, late=late))
    db.session.commit()
    import_households(survey, hh_csv([{} for _ in range(40)]), "h.csv", None)
    db.session.commit()
    assert_equal_to_computed(db, survey, clock.today())
    assert figures(db, survey)["2026-Q4"].not_started is False
    assert figures(db, survey)["2026-Q2"].inspection == Decimal("88.5")


def test_a_draft_contract_has_no_figures_until_it_runs(db, october, make_contract):
    contract = make_contract()
    assert figures(db, contract) == {}
    from contracts import services

    services.transition_contract(contract, "active", actor=None)
    db.session.commit()
    assert set(figures(db, contract)) == set(period_choices(contract))


def test_finalizing_refreshes_in_the_same_commit_and_a_rollback_changes_nothing(
        db, october, inspection_world, schedule):
    w = inspection_world
    assert figures(db, w.contract)["2026"].inspection is None
    inspection = schedule(scheduled_for=date(2026, 10, 1))
    inspection.total, inspection.grade = Decimal("77"), "pass"
    inspection.status = InspectionStatus.FINALIZED
    db.session.flush()
    db.session.rollback()
    assert figures(db, w.contract)["2026"].inspection is None

    finalized(db, w, schedule, day=date(2026, 10, 12))
    assert figures(db, w.contract)["2026"].inspection == Decimal(100)
    assert figures(db, w.contract)["2026-Q4"].inspection == Decimal(100)
    assert figures(db, w.contract)["2026-Q3"].inspection is None


def test_a_reviewed_report_refreshes_timeliness(db, october, inspection_world):
    w = inspection_world
    assert figures(db, w.contract)["2026"].timeliness is not None  # reports due, none sent
    before = figures(db, w.contract)["2026"].timeliness
    reports_on_time(db, w.contract, months=9)
    assert figures(db, w.contract)["2026"].timeliness > before


def test_the_nightly_job_recomputes_what_the_day_changed(app, db, inspection_world,
                                                          fixed_today):
    w = inspection_world
    fixed_today(date(2026, 2, 10))
    refresh_all()
    db.session.commit()
    assert figures(db, w.contract)["2026-Q3"].not_started is True
    fixed_today(date(2026, 8, 1))
    run_ok(app, "reports.refresh_performance")
    stored = figures(db, w.contract)
    assert stored["2026-Q3"].not_started is False
    assert stored["2026-Q3"].computed_on == date(2026, 8, 1)
    assert_equal_to_computed(db, w.contract, date(2026, 8, 1))


def test_the_cli_refreshes_everything(db, runner, october, inspection_world):
    w = inspection_world
    db.session.execute(sa.delete(PerformanceFigure))
    db.session.commit()
    result = runner.invoke(args=["reports", "refresh-performance"])
    assert result.exit_code == 0 and "performance figures" in result.output
    assert_equal_to_computed(db, w.contract, clock.today())


def test_a_second_writer_of_the_same_rows_overwrites_them(db, october, inspection_world):
    """Two transactions refreshing one contract both delete its rows, then insert: the one
    that inserts second must not fail on the primary key (it writes the same figures)."""
    from reports.performance.figures import _upsert

    w = inspection_world
    row = figures(db, w.contract)["2026"]
    values = {c.name: getattr(row, c.name) for c in PerformanceFigure.__table__.columns}
    db.session.execute(_upsert(), [values | {"grade": "good"}])
    db.session.commit()
    assert figures(db, w.contract)["2026"].grade == "good"


def test_the_trend_reads_the_figures_kept_today_and_computes_the_others(
        db, october, inspection_world, schedule, count_queries):
    """The performance page and card draw the quarterly trend from the kept figures (computing
    each quarter was two thirds of the page's statements); yesterday's are computed again."""
    w = inspection_world
    finalized(db, w, schedule, day=date(2026, 5, 10))
    today = date(2026, 10, 20)

    def shown(trend):
        return [(p.period, q(p.composite), p.grade, p.not_started, p.payable_amount)
                for p in trend]

    computed = shown(quarterly_trend(w.contract, today))
    with count_queries() as kept_log:
        kept = shown(kept_trend(w.contract, today))
    assert kept == computed and any(c is not None for _p, c, *_rest in kept)
    db.session.execute(sa.update(PerformanceFigure).values(computed_on=date(2026, 10, 19)))
    db.session.commit()
    with count_queries() as stale_log:
        assert shown(kept_trend(w.contract, today)) == computed
    assert len(kept_log) < len(stale_log)


def test_starting_a_correction_recomputes_no_figure_until_it_is_finalized(
        db, october, inspection_world, schedule, count_queries):
    """A result stands until its correction is finalized, so a correction being filled in
    changes no figure: starting one writes none; finalizing it rewrites them."""
    w = inspection_world
    original = finalized(db, w, schedule, failed=(VETO,), day=date(2026, 10, 12))
    before = figures(db, w.contract)["2026-Q4"]
    assert before.grade == "fail"
    with count_queries() as log:
        correction = correct_inspection(original, actor=w.officer, reason="wrong home")
        db.session.commit()
    assert not [s for s in log.statements if "performance_figures" in s], str(log)
    assert figures(db, w.contract)["2026-Q4"].grade == "fail"

    for answer in correction.answers:
        answer.yes = True if answer.yes is False else answer.yes
    submit_inspection(correction, actor=w.inspector)
    finalize_inspection(correction, actor=w.officer)
    db.session.commit()
    assert figures(db, w.contract)["2026-Q4"].grade != "fail"
    assert_equal_to_computed(db, w.contract, date(2026, 10, 20))


def test_the_result_that_finishes_a_spot_check_refreshes_the_figures(
        db, october, make_contract, make_user):
    """The agreement counts finished spot checks: a result recorded before changes no figure
    (the provider does not see a check under way), and the last one is in the figures at its
    commit, not at the nightly refresh."""
    survey = make_contract(status="active", targets={"households": 1200},
                           weights={"inspection": 100, "timeliness": 0, "targets": 0})
    import_households(survey, hh_csv([{} for _ in range(30)]), "h.csv", None)
    inspector = make_user("inspector", region="a")
    check = spot_checks.draw_spot_check(survey, period="2026-03", inspector=inspector,
                                        actor=None, seed=7)
    db.session.commit()
    first, *rest = db.session.scalars(sa.select(SpotCheckItem).where(
        SpotCheckItem.spot_check_id == check.id).order_by(SpotCheckItem.id)).all()
    assert figures(db, survey)["2026"].composite is None
    spot_checks.record_result(first, actor=inspector, result="discrepant", field="members",
                              finding="实际4人")
    db.session.commit()
    assert figures(db, survey)["2026"].composite is None
    for item in rest:
        spot_checks.record_result(item, actor=inspector, result="confirmed")
    db.session.commit()
    expected = (Decimal(100) * len(rest) / (len(rest) + 1)).quantize(Decimal("0.01"))
    assert figures(db, survey)["2026"].composite.quantize(Decimal("0.01")) == expected
    assert_equal_to_computed(db, survey, clock.today())


def test_a_homes_beds_changed_refreshes_its_contracts_occupancy(db, october, make_facility,
                                                                make_operation_contract):
    facility = make_facility("a1")  # 100 beds
    contract = make_operation_contract(facility, targets={"occupancy": 80}, weights={
        "inspection": 0, "timeliness": 0, "targets": 100})
    at = datetime(2026, 2, 5, tzinfo=UTC)
    db.session.add(Submission(contract_id=contract.id, period="2026-01",
                              status=SubmissionStatus.APPROVED, submitted_at=at,
                              first_submitted_at=at, late=False, data={"occupancy": {
                                  "self_care": 30, "semi_disabled": 20, "disabled": 10}}))
    db.session.commit()
    assert figures(db, contract)["2026"].composite == Decimal(75)  # 60 % of 80 %
    contract_services.update_facility(facility, beds=200)
    db.session.commit()
    assert figures(db, contract)["2026"].composite == Decimal("37.5")
    assert_equal_to_computed(db, contract, clock.today())
