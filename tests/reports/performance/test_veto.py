"""A failed veto item reaches the money: the period's grade, the share paid, the page, the API
and the PDF (issue 13, point 1), and the page and PDF tell the truth (point 5)."""

from datetime import date
from decimal import Decimal

import pytest

from contracts.models import Installment
from evaluations.inspections.models import Inspection
from evaluations.inspections.services import (
    correct_inspection,
    finalize_inspection,
    save_answers,
    submit_inspection,
)
from reports.performance.decisions import record_payment_decision
from reports.performance.services import (
    contract_performance,
    linked_installment,
    quarterly_trend,
)
from tests.factories import item_of, on
from tests.reports.money import VETO, finalized, pdf_text, reports_on_time

LATE_2026 = date(2026, 12, 20)


@pytest.fixture
def vetoed(db, inspection_world, schedule):
    """The case of the issue: a finalized inspection at 95.0 with a failed veto item, the
    reports all on time, no target: the composite is 96.25."""
    w = inspection_world
    inspection = finalized(db, w, schedule, failed=(VETO,))
    reports_on_time(db, w.contract)
    on(LATE_2026)
    return w, inspection


def test_the_issues_case_95_with_a_failed_veto_fails_the_period_and_pays_nothing(vetoed):
    w, inspection = vetoed
    assert inspection.total == Decimal("95.0") and inspection.grade == "fail"
    veto_item = item_of(w.template, VETO)
    assert inspection.failed_critical == [veto_item.id]
    p = contract_performance(w.contract, "2026")
    assert p.inspection == Decimal(95) and p.timeliness == Decimal(100) and p.targets is None
    assert p.composite == Decimal("96.25")
    assert p.composite_grade == "excellent"  # what the composite alone would have given
    assert (p.grade, p.payment_share, p.payable_amount) == ("fail", 0, Decimal("0.00"))
    assert [(f.inspection_id, f.item_id) for f in p.failed_critical] == [
        (inspection.id, veto_item.id)]


def test_the_grade_share_follows_the_config(vetoed, app, monkeypatch):
    w, _ = vetoed
    monkeypatch.setitem(app.config, "PAYMENT_SHARES",
                        {"excellent": 100, "good": 95, "pass": 85, "fail": 10})
    p = contract_performance(w.contract, "2026")
    assert p.payment_share == 10 and p.payable_amount == p.linked_amount / 10


def test_a_veto_outside_the_period_or_superseded_does_not_count(db, inspection_world,
                                                               schedule):
    w = inspection_world
    finalized(db, w, schedule, failed=(VETO,), day=date(2026, 3, 10))
    on(LATE_2026)
    assert contract_performance(w.contract, "2026-Q3").failed_critical == []
    assert contract_performance(w.contract, "2026-Q1").grade == "fail"


def test_the_api_names_the_failed_items_and_the_grade(vetoed, api_login):
    w, inspection = vetoed
    body = api_login(w.officer).get(
        f"/api/v1/contracts/{w.contract.id}/performance?period=2026").get_json()
    assert body["composite"] == 96.3  # 96.25 rounded half up
    assert body["grade"] == "fail" and body["payment_share"] == 0.0
    assert body["composite_grade"] == "excellent"
    assert body["payable_amount"] == "0.00"
    (failed,) = body["failed_critical"]
    assert failed["inspection_id"] == inspection.id
    assert failed["item_id"] == item_of(w.template, VETO).id
    assert body["details"]["inspections"] == [
        {"id": inspection.id, "date": "2026-11-10", "template": w.template.name_zh,
         "total": 95.0}]


def test_the_page_says_so_first_and_proposes_to_withhold(vetoed, as_user):
    w, inspection = vetoed
    browser, _ = as_user("officer", region="a")
    page = browser.get(f"/reports/contracts/{w.contract.id}/performance?period=2026"
                       ).get_data(as_text=True)
    veto = page.index('id="veto"')
    assert veto < page.index("<table")  # before the components
    assert "A critical (veto) item failed in the period" in page
    assert f"Inspection #{inspection.id} of 2026-11-10" in page
    assert 'data-grade="fail"' in page
    assert '<option selected value="withhold">' in page


def test_the_pdf_says_so_first_in_chinese(vetoed, api_as):
    w, inspection = vetoed
    api, _ = api_as("officer", region="a", locale="zh_CN")
    response = api.get(f"/api/v1/contracts/{w.contract.id}/scorecard.pdf?period=2026",
                       headers={"Accept-Language": "zh-CN"})
    text = pdf_text(response.data)
    assert "一票否决项未通过" in text
    assert text.index("一票否决项未通过") < text.index(w.contract.number)
    assert "不合格" in text and f"检查 #{inspection.id}" in text


def test_the_form_proposes_what_the_grade_gives(db, inspection_world, schedule, as_user):
    w = inspection_world
    # 82.75 for the inspection; no report yet: a composite that pays part of the installment
    finalized(db, w, schedule, failed=("extinguishers", "hydrants", "escape_windows_exits",
                                       "drills_training", "duty_24h"))
    on(LATE_2026)
    p = contract_performance(w.contract, "2026")
    assert p.grade in ("good", "pass") and 0 < p.payment_share < 100
    browser, _ = as_user("officer", region="a")
    page = browser.get(f"/reports/contracts/{w.contract.id}/performance?period=2026"
                       ).get_data(as_text=True)
    assert '<option selected value="pay">' in page
    assert f'value="{p.payable_amount}"' in page  # the amount the grade allows, pre-filled
    assert "Pay what the grade allows" in page


def test_quarters_not_begun_have_no_figures_and_no_point(db, inspection_world, schedule,
                                                        as_user):
    w = inspection_world
    finalized(db, w, schedule, day=date(2026, 5, 10))
    on(date(2026, 6, 15))
    trend = quarterly_trend(w.contract)
    assert [q.not_started for q in trend] == [False, False, True, True]
    assert [q.composite is None for q in trend[2:]] == [True, True]
    assert contract_performance(w.contract, "2026-Q4").grade is None
    browser, _ = as_user("officer", region="a")
    page = browser.get(f"/reports/contracts/{w.contract.id}/performance?period=2026-Q4"
                       ).get_data(as_text=True)
    assert "This period has not begun" in page
    chart = page[page.index('<div class="chart">'):]
    assert chart.count("<circle") == 2  # Q1 and Q2 only: nothing drawn for Q3, Q4


def test_pro_rated_targets_are_whole_units_with_the_rule(db, make_contract, as_user, on_day):
    on_day(date(2026, 12, 20))
    contract = make_contract(status="active", targets={"households": 1200})
    p = contract_performance(contract, "2026-Q1")
    targets = p.details["targets"]
    # 1200 × 90 / 365 = 295.89 → 296 households
    assert targets["target"] == 296 and targets["days"] == 90
    assert targets["contract_days"] == 365 and targets["prorated"] is True
    browser, _ = as_user("officer", region="a")
    page = browser.get(f"/reports/contracts/{contract.id}/performance?period=2026-Q1"
                       ).get_data(as_text=True)
    assert "Achieved 0 of a target of 296" in page
    assert "pro-rated to the 90 of its 365 days" in page
    assert "295.9" not in page and "295.89" not in page


def test_money_in_the_pdf_is_formatted(db, vetoed, api_as):
    w, _ = vetoed
    record_payment_decision(w.contract, "2026", decision="withhold", renew=False,
                            comment="一票否决，暂缓支付", actor=w.officer)
    db.session.commit()
    api, _ = api_as("officer", region="a")
    text = pdf_text(api.get(f"/api/v1/contracts/{w.contract.id}/scorecard.pdf?period=2026").data)
    linked = contract_performance(w.contract, "2026").linked_amount
    assert f"¥{linked:,.2f}" in text and "¥300,000.00" in text and "¥0.00" in text
    assert f"{linked:.2f}" not in text.replace(f"¥{linked:,.2f}", "")


def test_a_correction_that_clears_the_veto_clears_the_period(vetoed, db):
    w, inspection = vetoed
    new = correct_inspection(inspection, actor=w.officer, reason="复核后烟感正常")
    # while the correction is being filled in, the finalized result still counts
    assert contract_performance(w.contract, "2026").grade == "fail"
    veto_item = item_of(w.template, VETO)
    save_answers(new, version=new.version, answers=[{"item_id": veto_item.id, "yes": True}],
                 actor=w.inspector)
    submit_inspection(new, actor=w.inspector)
    finalize_inspection(new, actor=w.officer)
    db.session.commit()
    p = contract_performance(w.contract, "2026")
    assert p.failed_critical == [] and p.inspection == Decimal(100)
    assert p.grade == "excellent" and p.payment_share == 100
    assert db.session.get(Inspection, inspection.id).is_current is False


def test_after_a_withhold_the_linked_installment_is_not_paid(vetoed, db, as_user):
    """The period failed its veto and the officer withheld: the contract page offers no
    payment on the installment and refuses one, of the whole amount or of 0.00 (recorded,
    it closed the installment and the withholding could never be revised)."""
    w, _ = vetoed
    record_payment_decision(w.contract, "2026", decision="withhold", renew=False,
                            comment="一票否决", actor=w.officer)
    db.session.commit()
    linked = linked_installment(w.contract)
    browser, _ = as_user("officer", region="a")
    page = browser.get(f"/contracts/{w.contract.id}").get_data(as_text=True)
    url = f"/contracts/{w.contract.id}/installments/{linked.id}/pay"
    assert url not in page and "Withheld by its payment decision" in page
    for amount in (f"{linked.amount:.2f}", "0.00"):
        refused = browser.post(url, {"paid_amount": amount})
        assert refused.status_code == 409
        assert "Withheld by its payment decision" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Installment, linked.id).paid_amount is None
