"""Contract performance (DESIGN.md §4): components, composite, grade and payment."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app import clock
from app.audit.models import AuditLog
from app.errors import ValidationError
from app.users.models import User
from contracts import services
from contracts.households.models import HouseholdImport, HouseholdRecord
from contracts.submissions import services as subs
from contracts.submissions.models import Submission, SubmissionStatus
from evaluations.inspections.models import Inspection, InspectionStatus
from reports.performance.decisions import record_payment_decision
from reports.performance.models import PaymentDecision
from reports.performance.services import contract_performance, parse_period
from tests.factories import on
from tests.reports.money import finalized

HS_DATA = {"households_visited": 100, "needy": {"dibao": 5}, "problems": ""}


@pytest.fixture(autouse=True)
def late_2026():
    clock.set_clock(lambda: datetime(2026, 12, 20, 4, 0, tzinfo=UTC))


def add_reports(db, contract, on_time: int, late: int, missing: int = 0):
    """Monthly reports for 2026-01.. on time, then late; ``missing`` months unreported."""
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    for i, key in enumerate(months[: on_time + late]):
        at = datetime(2026, i + 2 if i < 11 else 12, 5, tzinfo=UTC)
        db.session.add(Submission(contract_id=contract.id, period=key,
                                  status=SubmissionStatus.APPROVED, data={}, submitted_at=at,
                                  first_submitted_at=at, late=i >= on_time))
    db.session.commit()


def add_finalized(db, contract, totals, template, supersedes=None):
    rows = []
    for n, total in enumerate(totals):
        rows.append(Inspection(
            template_id=template.id, contract_id=contract.id, region_id=contract.region_id,
            provider_id=contract.provider_id, inspector_id=contract_inspector(db, contract).id,
            scheduled_for=date(2026, 3 + n, 1), status=InspectionStatus.FINALIZED,
            total=Decimal(total), supersedes_id=supersedes,
            verification_code=f"C{contract.id}{n:03d}{total[:2]}{supersedes or 0}"))
    db.session.add_all(rows)
    db.session.commit()
    return rows


def contract_inspector(db, contract):
    return db.session.scalars(sa.select(User).where(User.role == "inspector")).first()


@pytest.fixture
def survey_contract(db, make_contract, make_user, make_template):
    make_user("inspector", region="a")
    contract = make_contract(status="active", targets={"households": 1200},
                             weights={"inspection": 60, "timeliness": 20, "targets": 20})
    return contract, make_template("survey_service")


def test_composite_is_the_weighted_mean_of_the_components(db, survey_contract):
    contract, template = survey_contract
    add_finalized(db, contract, ["80.0", "90.0"], template)       # inspection 85
    add_reports(db, contract, on_time=9, late=3)                  # timeliness 75
    batch = HouseholdImport(contract_id=contract.id, filename="x.xlsx", sha256="0" * 64,
                            rows=600)
    db.session.add(batch)
    db.session.flush()
    for n in range(600):                                          # 600 / 1200 → 50
        db.session.add(HouseholdRecord(
            import_id=batch.id, contract_id=contract.id, period="2026-05",
            id_number=f"42120219800101{n:04d}",
            head_name="张三", region_id=contract.region_id, members=3,
            monthly_income=Decimal("900"), assets=Decimal("0"),
            survey_date=date(2026, 5, 10), surveyor="李四", recommendation="dibao"))
    db.session.commit()
    p = contract_performance(contract, "2026")
    assert (p.inspection, p.timeliness, p.targets) == (Decimal(85), Decimal(75), Decimal(50))
    assert p.composite == (60 * Decimal(85) + 20 * Decimal(75) + 20 * Decimal(50)) / 100
    assert p.rounded("composite") == Decimal("76.0") and p.grade == "good"
    assert p.payment_share == 95
    linked = contract.installments[-1].amount
    assert p.payable_amount == (linked * Decimal("0.95")).quantize(Decimal("0.01"))


def test_missing_components_drop_out(db, survey_contract):
    contract, template = survey_contract
    add_finalized(db, contract, ["92.0"], template)
    p = contract_performance(contract, "2026")
    # no report was ever submitted: the overdue months count as not on time
    assert p.timeliness == 0
    assert p.targets == 0  # nothing surveyed against a target of 1200
    assert p.composite == Decimal(92) * 60 / 100


@pytest.mark.parametrize("grade_total, grade, share", [
    ("95.0", "excellent", 100), ("80.0", "good", 95), ("65.0", "pass", 85), ("40.0", "fail", 0)])
def test_payment_share_by_grade(db, make_contract, make_user, make_template,
                                grade_total, grade, share):
    make_user("inspector", region="a")
    contract = make_contract(status="active", targets={},
                             weights={"inspection": 100, "timeliness": 0, "targets": 0})
    add_finalized(db, contract, [grade_total], make_template("survey_service"))
    p = contract_performance(contract, "2026")
    assert (p.grade, p.payment_share) == (grade, share)


def test_the_payable_share_rounds_half_up_to_the_fen(db, inspection_world, schedule,
                                                    api_login):
    """85 % of a linked installment of ¥50,000.10 is ¥42,500.085: half up (四舍五入) gives
    42,500.09 (Decimal's default half even gave 42,500.08)."""
    w = inspection_world
    on(date(2026, 10, 1))
    services.amend_contract(w.contract, reason="预算调整", actor=w.officer, amount="100000.20")
    db.session.commit()
    # an inspection total of 82.75 and no report: grade "pass", 85 %
    finalized(db, w, schedule, failed=("extinguishers", "hydrants", "escape_windows_exits",
                                       "drills_training", "duty_24h"))
    on(date(2026, 12, 20))
    body = api_login(w.officer).get(
        f"/api/v1/contracts/{w.contract.id}/performance?period=2026").get_json()
    assert (body["grade"], body["payment_share"], body["linked_amount"]) == (
        "pass", 85.0, "50000.10")
    assert body["payable_amount"] == "42500.09"


def test_timeliness_counts_no_report_before_a_backdated_activation_nor_after_a_termination(
        db, make_contract, make_user):
    """The schedule's deadlines: activated 03-20, January's report is due 03-30 (not 02-10);
    terminated 06-15, the months from July owe none."""
    contract = make_contract()  # 2026-01-01 → 12-31
    user = make_user("provider", provider=contract.provider)
    clock.set_clock(lambda: datetime(2026, 3, 20, 2, 0, tzinfo=UTC))
    services.transition_contract(contract, "active", actor=None)
    db.session.commit()
    assert contract_performance(contract, "2026").timeliness is None  # nothing missed yet
    clock.set_clock(lambda: datetime(2026, 3, 21, 2, 0, tzinfo=UTC))
    for key in ("2026-01", "2026-02"):
        subs.submit_report(contract, key, HS_DATA, actor=user)
    clock.set_clock(lambda: datetime(2026, 6, 15, 2, 0, tzinfo=UTC))
    services.transition_contract(contract, "terminated", actor=None, reason="违约终止")
    db.session.commit()
    clock.set_clock(lambda: datetime(2026, 12, 20, 4, 0, tzinfo=UTC))
    p = contract_performance(contract, "2026")
    # January and February on time; March to June missed; nothing from July
    assert (p.details["reports_due"], p.details["reports_on_time"]) == (6, 2)
    assert p.timeliness == subs.timeliness(contract) == Decimal(100 * 2) / Decimal(6)


def test_superseded_inspections_do_not_count(db, survey_contract):
    contract, template = survey_contract
    (old,) = add_finalized(db, contract, ["50.0"], template)
    add_finalized(db, contract, ["90.0"], template, supersedes=old.id)
    assert contract_performance(contract, "2026").inspection == Decimal(90)


def test_periods_parse_and_clip(survey_contract):
    contract, _ = survey_contract
    assert parse_period("2026-Q3", contract).start == date(2026, 7, 1)
    assert parse_period("2026-Q3", contract).end == date(2026, 9, 30)
    for bad in ("2026-13", "Q3", "2031"):
        with pytest.raises(ValidationError):
            parse_period(bad, contract)


def test_a_period_in_other_digits_is_refused(api_as, survey_contract):
    """"２０２６" read as 2026 gave the figures under a period key no other page names (and a
    decision recorded on it kept that key)."""
    contract, _ = survey_contract
    api, _officer = api_as("officer", region="a")
    for period in ("２０２６", "٢٠٢٦-Q3"):
        response = api.get(f"/api/v1/contracts/{contract.id}/performance?period={period}")
        assert response.status_code == 422, period
        assert "period" in response.get_json()["error"]["fields"]


def test_a_quarter_in_lower_case_is_read_as_reports_read_it(api_as, survey_contract):
    contract, _ = survey_contract
    api, _officer = api_as("officer", region="a")
    response = api.get(f"/api/v1/contracts/{contract.id}/performance?period=2026-q3")
    assert response.status_code == 200 and response.get_json()["period"] == "2026-Q3"


def test_api_performance_shape_and_visibility(api_as, survey_contract, db):
    contract, template = survey_contract
    add_finalized(db, contract, ["88.0"], template)
    officer, _ = api_as("officer", region="a")
    body = officer.get(f"/api/v1/contracts/{contract.id}/performance?period=2026").get_json()
    assert {"inspection", "timeliness", "targets", "composite", "grade",
            "payment_share"} <= set(body)
    assert body["inspection"] == 88.0
    own, _ = api_as("provider", provider=contract.provider)
    assert own.get(f"/api/v1/contracts/{contract.id}/performance").status_code == 200
    stranger, _ = api_as("provider")
    assert stranger.get(f"/api/v1/contracts/{contract.id}/performance").status_code == 404
    assert stranger.get(f"/api/v1/contracts/{contract.id}/scorecard.pdf").status_code == 404
    outside, _ = api_as("officer", region="b")
    assert outside.get(f"/api/v1/contracts/{contract.id}/performance").status_code == 404
    bad = officer.get(f"/api/v1/contracts/{contract.id}/performance?period=20x6")
    assert bad.status_code == 422 and "period" in bad.get_json()["error"]["fields"]


def test_performance_pdf_holds_the_components(api_as, survey_contract, db):
    contract, template = survey_contract
    add_finalized(db, contract, ["88.0"], template)
    api, _ = api_as("officer", region="a", locale="zh_CN")
    response = api.get(f"/api/v1/contracts/{contract.id}/scorecard.pdf?period=2026",
                       headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert contract.number in text and "88.0" in text


def test_officer_records_a_decision_audited(as_user, survey_contract, db):
    contract, template = survey_contract
    add_finalized(db, contract, ["70.0"], template)
    browser, officer = as_user("officer", region="a")
    url = f"/reports/contracts/{contract.id}/performance?period=2026"
    browser.get(url)
    refused = browser.post(url, {"decision": "reduce", "amount": "", "comment": "",
                                 "renew": ""})
    assert refused.status_code == 422
    response = browser.post(url, {"decision": "withhold", "comment": "整改未完成，暂缓支付",
                                  "renew": ""})
    assert response.status_code == 302
    row = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.object_type == "payment_decisions")).one()
    assert row.actor_id == officer.id and row.changes["decision"] == [None, "withhold"]
    page = browser.get(url).get_data(as_text=True)
    assert "整改未完成，暂缓支付" in page


def test_providers_read_but_do_not_decide(as_user, survey_contract, db):
    contract, _ = survey_contract
    browser, _ = as_user("provider", provider=contract.provider)
    url = f"/reports/contracts/{contract.id}/performance"
    assert browser.get(url).status_code == 200
    browser.post(url, {"decision": "pay", "comment": "自己批准", "renew": "y"})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentDecision)) == 0


def test_reduce_needs_an_amount_below_the_installment(survey_contract, db):
    contract, _ = survey_contract
    with pytest.raises(ValidationError) as info:
        record_payment_decision(contract, "2026", decision="reduce", renew=False,
                                comment="x", actor=None, amount="99999999")
    assert "amount" in info.value.fields


def test_operation_contract_targets_from_reported_occupancy(as_user, db, make_facility,
                                                           make_operation_contract):
    facility = make_facility("a1")  # 100 beds over three wards
    contract = make_operation_contract(facility)
    contract.targets = {"occupancy": 80}
    for month in (1, 2):
        at = datetime(2026, month + 1, 5, tzinfo=UTC)
        db.session.add(Submission(
            contract_id=contract.id, period=f"2026-{month:02d}", status=SubmissionStatus.APPROVED,
            data={"occupancy": {"self_care": 30, "semi_disabled": 20, "disabled": 10}},
            submitted_at=at, first_submitted_at=at, late=False))
    db.session.commit()
    p = contract_performance(contract, "2026")
    assert p.targets == Decimal(60) / Decimal(80) * 100  # 60 % occupied of an 80 % target
    browser, _ = as_user("officer", region="a")
    page = browser.get(f"/reports/contracts/{contract.id}/performance?period=2026")
    assert page.status_code == 200 and "<svg" in page.get_data(as_text=True)


def test_a_home_inspected_under_its_next_operator_counts_for_that_operator_only(
        db, inspection_world, make_operation_contract):
    """The home changed hands in July: what the inspectors found there in August is the new
    operator's, not the first operator's (nor that of any contract of the first one there)."""
    w = inspection_world
    on(date(2026, 6, 30))
    services.transition_contract(w.contract, "terminated", actor=None, reason="运营方变更")
    db.session.commit()
    on(date(2026, 7, 1))
    successor = make_operation_contract(w.facility, start_date=date(2026, 7, 1))
    found = [Inspection(
        template_id=w.template.id, facility_id=w.facility.id, contract_id=c.id,
        region_id=w.facility.region_id, provider_id=c.provider_id, inspector_id=w.inspector.id,
        scheduled_for=day, status=InspectionStatus.FINALIZED, total=Decimal(total),
        verification_code=f"OPS{n}") for n, (c, day, total) in enumerate(
            ((w.contract, date(2026, 5, 1), "90"), (successor, date(2026, 8, 1), "40")))]
    db.session.add_all(found)
    db.session.commit()
    clock.set_clock(lambda: datetime(2026, 12, 20, 4, 0, tzinfo=UTC))
    first, second = contract_performance(w.contract, "2026"), contract_performance(successor,
                                                                                    "2026")
    assert [i.id for i in first.details["counted_inspections"]] == [found[0].id]
    assert (first.inspection, second.inspection) == (Decimal(90), Decimal(40))
