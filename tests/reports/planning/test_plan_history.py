"""The plan reads of each target's history only what can tell in the risk rule — the newest
inspections of each kind, the failed vetoes of the look-back, the late, returned or incident
reports — and comes to what the rule says of the whole history."""

from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa

from app import clock
from contracts.models import Contract
from contracts.submissions.models import Submission, SubmissionStatus
from evaluations.inspections.models import Inspection, InspectionStatus
from evaluations.inspections.services import (
    correct_inspection,
    finalize_inspection,
    save_answers,
    submit_inspection,
)
from reports.planning import kept
from reports.planning.risk import Finalized, History, assess, lookback_start
from reports.planning.services import inspection_plan
from reports.planning.weights import current_weights
from tests.factories import item_of, on
from tests.reports.money import VETO
from tests.reports.planning.conftest import TODAY, carried_out


def _whole_history(db, facility_id: int, since: date) -> History:
    """The rule's input read the plain way: every current inspection of the home and every
    report of its operators in the look-back (these homes have no actions or appeals)."""
    history = History()
    for i in db.session.scalars(sa.select(Inspection).where(Inspection.facility_id == facility_id)):
        if i.is_replaced or i.status not in (InspectionStatus.SUBMITTED,
                                             InspectionStatus.FINALIZED):
            continue
        if history.last_onsite is None or (i.scheduled_for, -i.id) > (history.last_onsite,
                                                                       -history.last_onsite_id):
            history.last_onsite, history.last_onsite_id = i.scheduled_for, i.id
        if i.status is InspectionStatus.FINALIZED:
            history.finalized.append(Finalized(i.scheduled_for, i.total, i.grade,
                                               len(i.failed_critical or []), i.id,
                                               i.template.code))
    reports = db.session.scalars(
        sa.select(Submission).join(Contract).where(Contract.facility_id == facility_id,
                                                   Submission.status != SubmissionStatus.DRAFT))
    for report in reports:
        day = report.first_submitted_at.astimezone(clock.LOCAL_TZ).date()
        if day < since:
            continue
        returned = report.resubmissions > 0 or report.status is SubmissionStatus.RETURNED
        history.reports.append((day, report.late, returned))
        for incident in report.data.get("incidents", []):
            history.incidents.append((day, incident["severity"], incident.get("count", 1)))
    return history


def _report(contract, period: str, day: date, **values) -> Submission:
    at = datetime(day.year, day.month, day.day, 2, tzinfo=UTC)
    return Submission(contract_id=contract.id, period=period, submitted_at=at,
                      first_submitted_at=at, **({"status": SubmissionStatus.SUBMITTED,
                                                 "late": False, "data": {}} | values))


def _shape(db, changes: dict) -> None:
    """Change finalized inspections in place (the ORM refuses: they are final), and recompute
    what the plan keeps of them as the nightly job does (a change outside the app's session)."""
    table = Inspection.__table__
    for inspection, values in changes.items():
        db.session.execute(sa.update(table).where(table.c.id == inspection.id).values(**values))
    kept.refresh_all()
    db.session.commit()
    db.session.expire_all()


def _planned(db, officer, home):
    """The plan's assessment of ``home`` and the rule's, of its whole history."""
    weights = current_weights()
    expected = assess(_whole_history(db, home.id, lookback_start(weights, TODAY)), weights,
                      TODAY)
    (item,) = [i for i in inspection_plan(officer, today=TODAY) if i.key == ("facility", home.id)]
    return item, expected


def test_a_long_history_plans_as_the_rule_says_of_all_of_it(city, db, schedule, make_template):
    w = city
    def visit(day, **kw):
        return carried_out(db, w, schedule, w.clean, day=day, **kw)

    too_old = visit(date(2025, 1, 10), failed=(VETO,))  # before the look-back
    deep = [visit(date(2025, 7, 1), failed=(VETO,)), visit(date(2025, 9, 1), failed=(VETO,))]
    other_kind, unscored = visit(date(2025, 9, 1)), visit(date(2025, 9, 1))
    visit(date(2026, 1, 5), finalize=False)  # carried out, not finalized yet
    newest = [visit(date(2026, 4, 1)) for _ in range(3)]  # three on the newest day
    on(TODAY)
    for day in (date(2026, 7, 1), date(2026, 6, 20), date(2026, 6, 15)):
        schedule(facility=w.clean, scheduled_for=day)
    _shape(db, {other_kind: {"template_id": make_template("safety").id},
                unscored: {"total": None, "grade": None},
                newest[0]: {"total": Decimal("70.0")},
                newest[1]: {"total": Decimal("88.0")}})  # the same day, the higher id: "before"
    w.contract.facility_id = w.clean.id
    db.session.add_all([
        _report(w.contract, "2026-01", date(2026, 2, 3)),
        _report(w.contract, "2026-02", date(2026, 3, 20), late=True),
        _report(w.contract, "2026-03", date(2026, 4, 8), resubmissions=1),
        _report(w.contract, "2026-04", date(2026, 5, 6), data={"incidents": [
            {"risk": "falls", "severity": "serious", "count": 2}]}),
        _report(w.contract, "2025-03", date(2025, 4, 2), late=True),  # before the look-back
    ])
    db.session.commit()

    item, expected = _planned(db, w.officer, w.clean)
    assert item.assessment == expected
    codes = {r.code: r for r in item.assessment.reasons}
    assert codes["veto_failure"].values == {"count": 2}  # the two deep in the look-back only
    assert codes["trend"].values == {"before": Decimal("88.0"), "after": Decimal("70.0")}
    assert codes["interval"].values["inspection_id"] == newest[0].id  # of one day's, the first
    assert {c: codes[c].values["count"] for c in ("late_report", "returned_report",
                                                  "incident_serious")} == {
        "late_report": 1, "returned_report": 1, "incident_serious": 2}
    assert item.scheduled_for == date(2026, 6, 15)  # the earliest of three still to be done
    assert too_old.id not in {r.values.get("inspection_id") for r in item.assessment.reasons}
    assert deep and db.session.get(Inspection, unscored.id).total is None


def test_unscored_results_newest_do_not_hide_the_visit_or_the_trend(city, db, schedule):
    w = city
    def visit(day):
        return carried_out(db, w, schedule, w.vetoed, day=day)

    # all in the operation contract's term (2026), so of one group of the home's history
    older, before = visit(date(2026, 1, 5)), visit(date(2026, 1, 20))
    unscored = [visit(date(2026, 2, 1)), visit(date(2026, 2, 15)), visit(date(2026, 4, 15))]
    on(TODAY)
    _shape(db, {older: {"total": Decimal("60.0")}, before: {"total": Decimal("99.0")}}
           | {i: {"total": None, "grade": None} for i in unscored})

    item, expected = _planned(db, w.officer, w.vetoed)
    assert item.assessment == expected
    codes = {r.code: r for r in item.assessment.reasons}
    assert codes["interval"].values["inspection_id"] == unscored[-1].id  # the newest visit
    assert "grade" not in codes  # its result has no grade
    # the last scored (2026-03-02) against the one before it, three unscored results apart
    assert codes["trend"].values["before"] == Decimal("99.0")


def test_a_failed_veto_being_corrected_plans_until_the_correction_is_finalized(city, db,
                                                                               schedule):
    w = city
    failed = carried_out(db, w, schedule, w.clean, day=date(2026, 4, 1), failed=(VETO,))
    correction = correct_inspection(failed, actor=w.officer, reason="否决项复核")
    db.session.commit()
    on(TODAY)
    item, expected = _planned(db, w.officer, w.clean)
    # as the payment counts it (reports.performance): starting a correction hides nothing
    assert item.assessment == expected
    assert {r.code: r for r in item.assessment.reasons}["veto_failure"].values == {"count": 1}

    save_answers(correction, version=correction.version, actor=w.inspector,
                 answers=[{"item_id": item_of(w.template, VETO).id, "yes": True}])
    submit_inspection(correction, actor=w.inspector)
    finalize_inspection(correction, actor=w.officer)
    db.session.commit()
    item, expected = _planned(db, w.officer, w.clean)
    assert item.assessment == expected
    assert "veto_failure" not in {r.code for r in item.assessment.reasons}
