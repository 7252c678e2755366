"""The dashboards of each role: scoped numbers, lists and server-side SVG charts."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app import clock
from app.users.models import Role
from contracts import services as contract_services
from contracts.submissions.models import Submission, SubmissionStatus
from evaluations.actions.models import ActionStatus, CorrectiveAction, Severity
from evaluations.inspections.models import Inspection, InspectionStatus
from evaluations.inspections.services import correct_inspection
from reports.dashboards import services as dashboards
from reports.performance.figures import PerformanceFigure
from tests.clients import PASSWORD, Browser
from tests.core.test_home_cards import cards

TODAY = date(2026, 11, 20)
ONLY_INSPECTIONS = {"inspection": 100, "timeliness": 0, "targets": 0}


@pytest.fixture(autouse=True)
def late_november(fixed_today):
    fixed_today(TODAY)


def finalize(db, inspection, total: str, grade: str):
    inspection.total, inspection.grade = Decimal(total), grade
    inspection.status = InspectionStatus.FINALIZED
    db.session.commit()
    return inspection


def cell(page: str, attribute: str, code: str) -> int:
    match = re.search(rf'{attribute}="{code}">(?:<a [^>]*>)?(\d+)<', page)
    assert match, f"no {attribute}={code} in the page"
    return int(match.group(1))


@pytest.fixture
def world_b(db, make_facility, make_user, make_operation_contract):
    """A home in B1 operated by another provider, with an inspector of B."""
    facility = make_facility("b1", name="乙一敬老院")
    contract = make_operation_contract(facility, region="b")
    return SimpleNamespace(facility=facility, contract=contract,
                           inspector=make_user("inspector", region="b"))


# ---- officer ---------------------------------------------------------------------------------

def test_a_county_officer_counts_only_their_county(db, as_user, make_contract):
    for _ in range(2):
        make_contract(region="a", status="active")
    make_contract(region="a")
    make_contract(region="b", status="active")
    browser, officer = as_user("officer", region="a")

    page = browser.get("/reports/dashboard").get_data(as_text=True)

    assert cell(page, "data-status", "active") == 2
    assert cell(page, "data-status", "draft") == 1
    assert cell(page, "data-service-type", "household_survey") == 3
    assert page.count("<svg") >= 2
    city, _ = as_user("officer", region="city")
    page = city.get("/reports/dashboard").get_data(as_text=True)
    assert cell(page, "data-status", "active") == 3


def test_overdue_reports_and_expiring_contracts_of_the_officers_scope(db, make_user,
                                                                      make_contract):
    contract = make_contract(region="a", status="active")          # monthly, 2026, ends 12-31
    make_contract(region="b", status="active")
    at = datetime(2026, 2, 5, tzinfo=UTC)
    db.session.add(Submission(contract_id=contract.id, period="2026-01",
                              status=SubmissionStatus.SUBMITTED, data={}, submitted_at=at,
                              first_submitted_at=at))
    db.session.add(Submission(contract_id=contract.id, period="2026-02",
                              status=SubmissionStatus.DRAFT, data={}))
    db.session.commit()
    officer = make_user("officer", region="a")

    overdue = dashboards.overdue_submissions(officer, TODAY)

    # Feb..Oct are past their deadline (Oct: 11-10); January was submitted, February is a draft
    assert [r.period.key for r in overdue][0] == "2026-02"
    assert sorted(r.period.key for r in overdue) == [f"2026-{m:02d}" for m in range(2, 11)]
    assert overdue[-1].days_overdue == (TODAY - date(2026, 11, 10)).days
    assert {r.contract.id for r in overdue} == {contract.id}
    assert [c.id for c in dashboards.expiring_contracts(officer, TODAY)] == [contract.id]


def test_overdue_reports_of_a_backdated_contract_count_from_its_activation(db, make_user,
                                                                         make_contract):
    """Activated on 11-15 for a term begun 01-01: the reports its draft refused are due from
    11-25 (activation + 10 days), none overdue on 11-20; October's, due 11-10, neither."""
    contract = make_contract(region="a")
    contract_services.transition_contract(contract, "active", actor=None)
    contract.activated_on = date(2026, 11, 15)
    db.session.commit()
    officer = make_user("officer", region="a")
    assert dashboards.overdue_submissions(officer, TODAY) == []
    assert [r.period.key for r in dashboards.overdue_submissions(officer, date(2026, 11, 26))
            ] == [f"2026-{m:02d}" for m in range(1, 11)]


def test_inspections_due_within_a_week(db, inspection_world, schedule):
    soon = schedule(scheduled_for=TODAY + timedelta(days=3))
    schedule(scheduled_for=TODAY + timedelta(days=10))
    late = schedule(scheduled_for=TODAY - timedelta(days=2))

    due = dashboards.inspections_due(inspection_world.officer, TODAY)

    assert [i.id for i in due] == [late.id, soon.id]


def test_a_correction_being_filled_in_is_neither_due_nor_late(db, inspection_world,
                                                               make_scored_inspection):
    """A correction is dated by the visit it corrects (March): no visit due, none late."""
    w = inspection_world
    result = finalize(db, make_scored_inspection(w, scheduled_for=date(2026, 3, 2)), "55",
                      "fail")
    correction = correct_inspection(result, actor=w.officer, reason="复核")
    db.session.commit()
    assert correction.inspector_id == w.inspector.id
    assert dashboards.inspections_due(w.officer, TODAY) == []
    mine = dashboards.inspector_dashboard(w.inspector, TODAY)
    assert mine["upcoming"] == [] and mine["late"] == 0


def test_grades_by_county_and_scope(db, inspection_world, world_b, make_scored_inspection,
                                    make_user):
    w = inspection_world
    finalize(db, make_scored_inspection(w, scheduled_for=date(2026, 3, 1)), "95", "excellent")
    finalize(db, make_scored_inspection(w, scheduled_for=date(2026, 4, 1)), "50", "fail")
    finalize(db, make_scored_inspection(w, scheduled_for=date(2025, 4, 1)), "80", "good")
    make_scored_inspection(w, scheduled_for=date(2026, 5, 1))       # submitted: not counted
    finalize(db, make_scored_inspection(w, facility=world_b.facility,
                                        inspector=world_b.inspector), "80", "good")

    city = dashboards.grade_distribution(make_user("admin"), 2026)
    county_a = dashboards.grade_distribution(w.officer, 2026)

    assert [(c.county, c.grades) for c in city] == [
        ("A District", {"excellent": 1, "good": 0, "pass": 0, "fail": 1}),
        ("B County", {"excellent": 0, "good": 1, "pass": 0, "fail": 0})]
    assert [c.county for c in county_a] == ["A District"]


def test_items_most_often_failed(db, inspection_world, make_scored_inspection):
    w = inspection_world
    finalize(db, make_scored_inspection(w, {"room_temperature": ("reading", "15.5"),
                                        "smoke_detectors": False}),
             "55", "fail")
    finalize(db, make_scored_inspection(w, {"room_temperature": ("reading", "17")}), "95",
             "excellent")
    finalize(db, make_scored_inspection(w, {"room_temperature": "na"}), "96", "excellent")
    make_scored_inspection(w, {"heating_working": False})          # not finalized: ignored

    items = dashboards.top_failed_items(w.officer, 2026)

    text = {i.key: i.text("en") for i in w.template.items}
    assert [(i.text, i.failed, i.applicable) for i in items] == [
        (text["room_temperature"], 2, 2), (text["smoke_detectors"], 1, 3)]
    assert items[0].share == 100 and items[1].critical
    assert round(items[1].share, 1) == Decimal("33.3")


def add_inspection(db, contract, template, inspector, total: str, day: date):
    db.session.add(Inspection(
        template_id=template.id, contract_id=contract.id, region_id=contract.region_id,
        provider_id=contract.provider_id, inspector_id=inspector.id, scheduled_for=day,
        status=InspectionStatus.FINALIZED, total=Decimal(total)))
    db.session.commit()


def test_the_ranking_orders_providers_by_composite(db, as_user, make_contract, make_template,
                                                   make_user):
    template = make_template("survey_service")
    inspector = make_user("inspector")
    weak = make_contract(region="a", status="active", weights=ONLY_INSPECTIONS)
    strong = make_contract(region="a", status="active", weights=ONLY_INSPECTIONS)
    elsewhere = make_contract(region="b", status="active", weights=ONLY_INSPECTIONS)
    add_inspection(db, weak, template, inspector, "70", date(2026, 2, 10))
    add_inspection(db, strong, template, inspector, "80", date(2026, 2, 10))
    add_inspection(db, strong, template, inspector, "96", date(2026, 8, 10))
    add_inspection(db, elsewhere, template, inspector, "99", date(2026, 5, 10))
    browser, officer = as_user("officer", region="a")

    ranking = dashboards.provider_ranking(officer, 2026)

    assert [r.provider_id for r in ranking] == [strong.provider_id, weak.provider_id]
    assert ranking[0].composite == 88 and ranking[1].composite == 70
    assert ranking[0].trend == [Decimal(80), None, Decimal(96), None]
    page = browser.get("/reports/dashboard").get_data(as_text=True)
    page = page[page.index('id="provider-ranking"'):]
    assert page.index(strong.provider.name) < page.index(weak.provider.name)
    assert elsewhere.provider.name not in page
    assert page.count('data-provider="') == 2
    assert "All 2 providers" not in page


def test_the_dashboard_ranks_the_best_providers_and_all_on_asking(
        db, as_user, make_contract, make_template, make_user, monkeypatch):
    from reports.dashboards import views

    template, inspector = make_template("survey_service"), make_user("inspector")
    for total in ("70", "90", "80"):
        contract = make_contract(region="a", status="active", weights=ONLY_INSPECTIONS)
        add_inspection(db, contract, template, inspector, total, date(2026, 2, 10))
    monkeypatch.setattr(views, "RANKING_SHOWN", 2)
    browser, _officer = as_user("officer", region="a")

    def ranked(url) -> tuple[int, str]:
        page = browser.get(url).get_data(as_text=True)
        page = page[page.index('id="provider-ranking"'):]
        return page.count('data-provider="'), page

    shown, page = ranked("/reports/dashboard")
    assert shown == 2 and "All 3 providers" in page
    assert 'href="/reports/dashboard?ranking=all#provider-ranking"' in page
    shown, page = ranked("/reports/dashboard?ranking=all")
    assert shown == 3 and "All 3 providers" not in page


def test_the_ranking_reads_the_stored_figures_kept_current_at_commit(
        app, db, make_contract, make_template, make_user, count_queries):
    template = make_template("survey_service")
    contract = make_contract(region="a", status="active", weights=ONLY_INSPECTIONS)
    inspector = make_user("inspector")
    add_inspection(db, contract, template, inspector, "70", date(2026, 2, 10))
    officer = make_user("officer", region="a")
    with app.test_request_context(), count_queries() as log:
        assert dashboards.provider_ranking(officer, 2026)[0].composite == 70
    # one query over the figures (and the officer's region, expired by the last commit)
    assert len(log) <= 2 and sum("performance_figures" in q for q in log.statements) == 1
    # a second inspection is in the figures as soon as it is committed: no cache to expire
    add_inspection(db, contract, template, inspector, "90", date(2026, 3, 10))
    with app.test_request_context():
        ranking = dashboards.provider_ranking(officer, 2026)
    assert ranking[0].composite == 80 and ranking[0].trend[0] == 80
    # the figures are what is read: without them, nothing is known (not recomputed)
    db.session.execute(sa.delete(PerformanceFigure))
    db.session.commit()
    with app.test_request_context():
        ranking = dashboards.provider_ranking(officer, 2026)
    assert ranking[0].composite is None and ranking[0].contracts == 1


def ranking_of(page: str) -> str:
    return page[page.index('id="provider-ranking"'):]


def test_providers_showing_the_same_composite_share_their_rank(db, as_user, make_contract,
                                                               make_template, make_user):
    template, inspector = make_template("survey_service"), make_user("inspector")
    for total in ("80", "80", "70", None):
        contract = make_contract(region="a", status="active", weights=ONLY_INSPECTIONS)
        if total:
            add_inspection(db, contract, template, inspector, total, date(2026, 2, 10))
    browser, _officer = as_user("officer", region="a")
    page = ranking_of(browser.get("/reports/dashboard").get_data(as_text=True))
    # 1, 1, 3 (not 1, 2 by their names); no rank without a composite
    assert re.findall(r'<tr data-provider="\d+"><td>([^<]*)</td>', page) == ["1", "1", "3", "—"]


def test_a_composite_is_shown_half_up_as_on_the_card_and_in_the_api(
        db, as_user, make_contract, make_template, make_user):
    """'%.1f' of the float 84.25 is "84.2"; the card, the API and the grade say 84.3."""
    template, inspector = make_template("survey_service"), make_user("inspector")
    contract = make_contract(region="a", status="active", weights=ONLY_INSPECTIONS)
    add_inspection(db, contract, template, inspector, "84", date(2026, 2, 10))
    add_inspection(db, contract, template, inspector, "84.5", date(2026, 2, 11))
    browser, _officer = as_user("officer", region="a")
    page = ranking_of(browser.get("/reports/dashboard").get_data(as_text=True))
    assert "84.3" in page and "84.2" not in page
    page = browser.get(f"/reports/contracts/{contract.id}/performance?period=2026"
                       ).get_data(as_text=True)
    assert "84.3" in page and "84.2" not in page


# ---- inspector -------------------------------------------------------------------------------

def test_an_inspector_sees_only_their_inspections(db, inspection_world, schedule, make_user):
    w = inspection_world
    mine = schedule(scheduled_for=TODAY + timedelta(days=2))
    other = make_user("inspector", region="a")
    theirs = schedule(scheduled_for=TODAY + timedelta(days=1), inspector=other)
    data = dashboards.inspector_dashboard(w.inspector, TODAY)
    assert dict(data["by_status"])["scheduled"] == 1
    assert [i.id for i in data["upcoming"]] == [mine.id]
    assert theirs.id not in [i.id for i in data["upcoming"]]


def test_the_inspector_page(db, app, inspection_world, schedule):
    w = inspection_world
    mine = schedule(scheduled_for=TODAY + timedelta(days=2))
    browser = Browser(app.test_client())
    assert browser.login(w.inspector, PASSWORD).status_code == 302
    page = browser.get("/reports/dashboard").get_data(as_text=True)
    assert cell(page, "data-status", "scheduled") == 1
    assert f"/evaluations/inspections/{mine.id}" in page
    assert "<svg" in page
    assert "/reports/exports/performance.xlsx" not in page


# ---- provider --------------------------------------------------------------------------------

def add_action(db, contract, *, deadline: date, status=ActionStatus.OPEN, text="消防通道堵塞"):
    action = CorrectiveAction(
        contract_id=contract.id, facility_id=contract.facility_id,
        provider_id=contract.provider_id, region_id=contract.region_id, description=text,
        severity=Severity.ORANGE, deadline=deadline, status=status)
    db.session.add(action)
    db.session.commit()
    return action


def test_a_provider_sees_only_its_own_contracts_scores_and_actions(
        db, app, inspection_world, world_b, make_scored_inspection):
    w = inspection_world
    finalize(db, make_scored_inspection(w, scheduled_for=date(2026, 3, 1)), "81", "good")
    finalize(db, make_scored_inspection(w, scheduled_for=date(2026, 9, 1)), "92", "excellent")
    late = add_action(db, w.contract, deadline=TODAY - timedelta(days=3))
    add_action(db, w.contract, deadline=TODAY, status=ActionStatus.CLOSED, text="已整改")
    other = add_action(db, world_b.contract, deadline=TODAY, text="乙方的整改")

    browser = Browser(app.test_client())
    assert browser.login(w.provider_user, PASSWORD).status_code == 302
    page = browser.get("/reports/dashboard").get_data(as_text=True)

    assert w.contract.number in page and world_b.contract.number not in page
    assert f'data-action="{late.id}"' in page and "table-danger" in page
    assert "已整改" not in page and f'data-action="{other.id}"' not in page
    assert page.count("<svg") >= 2        # the scores over time and a composite sparkline
    data = dashboards.provider_dashboard(w.provider_user, TODAY)
    assert [total for _, total in data["scores"]] == [Decimal(81), Decimal(92)]
    assert [a.id for a in data["actions"]] == [late.id]


def test_the_home_page_shows_the_reports_panel(db, as_user, make_contract):
    make_contract(region="a", status="active")
    for role, kwargs in (("officer", {"region": "a"}), ("inspector", {"region": "a"}),
                         ("provider", {})):
        browser, user = as_user(role, **kwargs)
        page = browser.get("/").get_data(as_text=True)
        assert 'id="reports-panel"' in page, user.role
        assert "/reports/dashboard" in page and "/reports/exports" in page
        if user.role is Role.OFFICER:
            assert "Contracts expiring within 90 days: <strong>1</strong>" in page


def test_a_suspended_contract_ending_soon_is_expiring_on_every_page_that_counts(
        db, as_user, make_contract):
    """The reminders and the contract list count a suspended contract ending soon (it ends all
    the same: a new one must be bought in time); the dashboard and the home card left it out,
    so the card said 1 and the list it links to showed 2."""
    clock.set_clock(lambda: datetime(2026, 11, 20, 4, tzinfo=UTC))
    running = make_contract(region="a", status="active")
    suspended = make_contract(region="a", status="suspended")
    browser, officer = as_user("officer", region="a")
    assert {c.id for c in dashboards.expiring_contracts(officer, TODAY)} == {
        running.id, suspended.id}
    home = browser.get("/").get_data(as_text=True)
    card = re.search(r'href="(/contracts\?[^"]*expiring=90[^"]*)"', home).group(1)
    listed = browser.get(card.replace("&amp;", "&")).get_data(as_text=True)
    assert running.number in listed and suspended.number in listed
    assert cards(home)["Contracts expiring within 90 days"] == "2"


def test_the_last_report_of_a_contract_completed_lately_is_overdue_on_the_dashboard(
        db, make_user, make_contract):
    """December's report of a contract completed on 2 January falls due on 10 January: the
    provider is reminded of it, and it counts against the contract; the officers' list of
    overdue reports left it out with the contract no longer active."""
    contract = make_contract(region="a", status="active")  # monthly, 2026
    for month in range(1, 12):
        at = datetime(2026, month + 1, 5, tzinfo=UTC)
        db.session.add(Submission(contract_id=contract.id, period=f"2026-{month:02d}",
                                  status=SubmissionStatus.APPROVED, data={}, submitted_at=at,
                                  first_submitted_at=at))
    clock.set_clock(lambda: datetime(2027, 1, 2, 4, tzinfo=UTC))
    contract_services.transition_contract(contract, "completed", actor=None)
    db.session.commit()
    officer = make_user("officer", region="a")
    overdue = dashboards.overdue_submissions(officer, date(2027, 1, 15))
    assert [(r.contract.id, r.period.key) for r in overdue] == [(contract.id, "2026-12")]
