"""A contract's inspections in its OCDS release: one ``assessment`` milestone each (days as
UTC moments), named by its template, met with its total once finalized, scheduled until then."""

from datetime import UTC, date, datetime
from decimal import Decimal

from evaluations.inspections.models import InspectionStatus
from evaluations.inspections.services import correct_inspection, finalize_inspection
from tests.factories import on


def test_inspections_are_assessment_milestones(api_login, db, inspection_world,
                                               make_scored_inspection, schedule):
    w = inspection_world
    on(date(2026, 3, 5))
    done = make_scored_inspection(w, scheduled_for=date(2026, 3, 2))
    done.total = Decimal("92.5")  # as submitting computed it
    finalize_inspection(done, actor=w.officer)
    db.session.commit()
    planned = schedule(scheduled_for=date(2026, 11, 10))
    package = api_login(w.officer).get("/api/v1/ocds/releases.json").get_json()
    (release,) = [r for r in package["releases"]
                  if r["contracts"][0]["id"] == w.contract.number]
    milestones = {m["id"]: m for m in release["contracts"][0]["implementation"]["milestones"]
                  if m["type"] == "assessment"}
    assert milestones == {
        f"assessment-{done.id}": {
            "id": f"assessment-{done.id}", "title": w.template.name_zh, "type": "assessment",
            "dueDate": "2026-03-01T16:00:00Z", "status": "met",
            "dateMet": "2026-03-05T04:00:00Z",  # noon in Shanghai, when it was finalized
            "description": "总分 92.5"},
        f"assessment-{planned.id}": {
            "id": f"assessment-{planned.id}", "title": w.template.name_zh,
            "type": "assessment", "dueDate": "2026-11-09T16:00:00Z",
            "status": "scheduled"},
    }


def test_a_result_its_finalized_correction_replaced_is_no_assessment(
        api_login, db, inspection_world, make_scored_inspection):
    """A result stands until its correction is finalized — the correction being filled in is
    no visit scheduled — then the correction is the assessment, and the result none."""
    w = inspection_world
    on(date(2026, 3, 5))
    first = make_scored_inspection(w, scheduled_for=date(2026, 3, 2))
    first.total = Decimal("55.0")
    finalize_inspection(first, actor=w.officer)
    correction = correct_inspection(first, actor=w.officer, reason="复核")
    db.session.commit()
    api = api_login(w.officer)

    def assessments() -> dict[str, str]:
        package = api.get("/api/v1/ocds/releases.json").get_json()
        (release,) = [r for r in package["releases"]
                      if r["contracts"][0]["id"] == w.contract.number]
        return {m["id"]: m["status"] for m in release["contracts"][0]["implementation"]
                ["milestones"] if m["type"] == "assessment"}

    assert assessments() == {f"assessment-{first.id}": "met"}
    correction.status, correction.total = InspectionStatus.FINALIZED, Decimal("78.0")
    correction.finalized_at = datetime(2026, 3, 20, 4, tzinfo=UTC)  # as finalizing would
    db.session.commit()
    assert assessments() == {f"assessment-{correction.id}": "met"}


def test_a_cancelled_visit_is_no_milestone(api_login, db, inspection_world, schedule):
    from evaluations.inspections.assignment import cancel_inspection

    w = inspection_world
    on(date(2026, 3, 5))
    kept = schedule(scheduled_for=date(2026, 11, 10))
    called_off = schedule(scheduled_for=date(2026, 11, 20))
    cancel_inspection(called_off, reason="重复安排", actor=w.officer)
    db.session.commit()
    package = api_login(w.officer).get("/api/v1/ocds/releases.json").get_json()
    (release,) = [r for r in package["releases"]
                  if r["contracts"][0]["id"] == w.contract.number]
    assert [m["id"] for m in release["contracts"][0]["implementation"]["milestones"]
            if m["type"] == "assessment"] == [f"assessment-{kept.id}"]
