"""Spot-check agreement is counted once (issue 13, point 4): in the performance formula, not in
the survey_service template any more; the performance details say which figures went in."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app import clock
from contracts.households import spot_checks
from contracts.households.models import SpotCheckItem
from contracts.households.services import import_households
from evaluations.assessment.builtin import load_builtin
from evaluations.assessment.models import AssessmentTemplate
from evaluations.assessment.services import (
    current_template,
    import_template,
    seed_builtin_templates,
)
from evaluations.inspections.models import Inspection, InspectionStatus
from reports.performance.services import contract_performance
from tests.factories import hh_csv


def _items(doc) -> dict:
    return {item["key"]: item for section in doc["sections"] for item in section["items"]}


def test_the_survey_template_scores_the_providers_own_re_check_not_the_agreement():
    items = _items(load_builtin("survey_service"))
    assert "spot_check_agreement" not in items
    recheck = items["internal_recheck"]
    assert "内部复核" in recheck["text"]["zh_CN"] and recheck["max_points"] == 10
    assert "绩效" in recheck["guidance"]["zh_CN"]  # it says where the agreement is counted


def test_the_seed_upgrades_the_seeded_survey_template_but_never_an_admins_edit(db, make_user):
    old = load_builtin("survey_service")
    for section in old["sections"]:
        for item in section["items"]:
            if item["key"] == "internal_recheck":
                item["key"] = "spot_check_agreement"
                item["text"] = {"zh_CN": "抽查复核一致率", "en": "Spot-check agreement rate"}
    import_template(old, None, publish=True)
    db.session.commit()
    stored = seed_builtin_templates()
    assert [(t.code, t.version) for t in stored] == [
        ("quality", 1), ("safety", 1), ("warm_winter", 1), ("survey_service", 2),
        ("child_welfare", 1), ("grading", 1)]
    assert "internal_recheck" in {i.key for i in current_template("survey_service").items}
    assert seed_builtin_templates() == []
    admin = make_user("admin")
    import_template(old | {"name": {"zh_CN": "本局修订版", "en": ""}}, admin, publish=True)
    db.session.commit()
    assert seed_builtin_templates() == []  # the admin's version 3 stays current
    assert db.session.scalar(sa.select(sa.func.max(AssessmentTemplate.version)).where(
        AssessmentTemplate.code == "survey_service")) == 3


@pytest.fixture
def surveyed(db, make_contract, make_user, make_template):
    clock.set_clock(lambda: datetime(2026, 6, 30, 4, tzinfo=UTC))
    contract = make_contract(status="active", targets={"households": 1200},
                             weights={"inspection": 100, "timeliness": 0, "targets": 0})
    import_households(contract, hh_csv([{} for _ in range(100)]), "h.csv", None)
    inspector = make_user("inspector", region="a")
    check = spot_checks.draw_spot_check(contract, period="2026-03", inspector=inspector,
                                        actor=None, seed=7)
    for n, item in enumerate(db.session.scalars(sa.select(SpotCheckItem).where(
            SpotCheckItem.spot_check_id == check.id).order_by(SpotCheckItem.id))):
        if n < 10:  # every record is sampled (all flagged: one surveyor, one day)
            spot_checks.record_result(item, actor=inspector, result="discrepant",
                                      field="members", finding="实际4人")
        else:
            spot_checks.record_result(item, actor=inspector, result="confirmed")
    template = make_template("survey_service")
    db.session.add(Inspection(
        template_id=template.id, contract_id=contract.id, region_id=contract.region_id,
        provider_id=contract.provider_id, inspector_id=inspector.id,
        scheduled_for=date(2026, 4, 1), status=InspectionStatus.FINALIZED,
        total=Decimal("80.0"), verification_code="AGREEMENT01"))
    db.session.commit()
    return contract


def test_the_agreement_counts_once_in_the_formula_and_the_details_say_so(surveyed, as_user):
    p = contract_performance(surveyed, "2026")
    assert p.details["agreement_rate"] == Decimal(90)    # 90 of 100 sampled households
    assert p.details["inspection_mean"] == Decimal(80)
    assert p.inspection == Decimal(85)                   # (80 + 90) ÷ 2, nothing more
    assert p.details["agreement_periods"] == ["2026-03"]
    browser, _ = as_user("officer", region="a")
    page = browser.get(f"/reports/contracts/{surveyed.id}/performance?period=2026"
                       ).get_data(as_text=True)
    assert ("Spot-check agreement 90.0 % (spot checks of 2026-03), averaged with the "
            "inspections&#39; mean 80.0; it is counted here only.") in page
    assert "Inspections counted: #" in page and "(2026-04-01, 80.0)" in page
