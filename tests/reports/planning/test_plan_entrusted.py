"""The child welfare centre in the plan: the reports of the entrusted-care contracts it raises
children under are the entrusting county's contract's, not the centre's operation."""

from datetime import UTC, date, datetime

from app import clock
from contracts.submissions.models import Submission, SubmissionStatus
from reports.appeals.models import Appeal
from reports.performance.decisions import record_payment_decision
from tests.reports.planning.conftest import carried_out


def _item(api, facility_id: int) -> dict:
    response = api.get("/api/v1/inspection-plan")
    assert response.status_code == 200, response.get_json()
    return next(i for i in response.get_json()["items"] if i["facility_id"] == facility_id)


def _late_report(db, contract, period: str) -> None:
    at = datetime(2026, 5, 20, tzinfo=UTC)
    db.session.add(Submission(
        contract_id=contract.id, period=period, status=SubmissionStatus.SUBMITTED,
        submitted_at=at, first_submitted_at=at, late=True,
        data={"incidents": [{"risk": "falls", "severity": "major", "count": 1}]}))
    db.session.commit()


def test_entrusted_care_reports_do_not_count_towards_the_centres_risk(
        city, api_login, db, schedule, make_facility, make_contract, make_operation_contract):
    """A county's late entrusted-care roster, with an incident, gave the centre "1 report(s)
    submitted late" and a major incident, and brought its next visit forward, though the
    centre's own operation had reported on time."""
    centre = make_facility("a1", name="市儿童福利中心", kind="child_welfare")
    operation = make_operation_contract(centre)
    carried_out(db, city, schedule, centre)
    entrusted = make_contract(status="active", service_type="entrusted_care", facility=centre,
                              provider=operation.provider, title="委托代养",
                              targets={"children": 12})
    api = api_login(city.officer)
    before = _item(api, centre.id)
    _late_report(db, entrusted, "2026-04")
    after = _item(api, centre.id)
    assert {r["code"] for r in after["reasons"]} == {r["code"] for r in before["reasons"]}
    assert (after["risk"], after["next_due"]) == (before["risk"], before["next_due"])

    _late_report(db, operation, "2026-04")  # the centre's own operation still counts
    own = {r["code"]: r["points"] for r in _item(api, centre.id)["reasons"]}
    assert own["late_report"] == 3 and "incident_major" in own
    assert date.fromisoformat(_item(api, centre.id)["next_due"]) < date.fromisoformat(
        before["next_due"])


def test_an_appeal_of_an_entrusted_care_payment_does_not_count_towards_the_centre(
        city, api_login, db, schedule, make_facility, make_contract, make_operation_contract):
    """The county's appeal of its entrusted-care payment decision gave the centre "1 appeal(s)
    lodged"."""
    centre = make_facility("a1", name="市儿童福利中心", kind="child_welfare")
    operation = make_operation_contract(centre)
    carried_out(db, city, schedule, centre)
    entrusted = make_contract(status="active", service_type="entrusted_care", facility=centre,
                              provider=operation.provider, title="委托代养",
                              targets={"children": 12})
    api = api_login(city.officer)
    before = _item(api, centre.id)
    decision = record_payment_decision(entrusted, "2026", decision="withhold", renew=False,
                                       comment="花名册迟交", actor=city.officer)
    db.session.add(Appeal(
        payment_decision_id=decision.id, contract_id=entrusted.id,
        provider_id=entrusted.provider_id, region_id=entrusted.region_id, reason="系统故障",
        opened_at=clock.now(), due_by=date(2026, 6, 30)))
    db.session.commit()
    after = _item(api, centre.id)
    assert "appeal" not in {r["code"] for r in after["reasons"]}
    assert (after["risk"], after["next_due"]) == (before["risk"], before["next_due"])
