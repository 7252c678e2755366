"""What the plan keeps of each target's inspections (reports.planning.kept): recomputed in the
transaction that changes an inspection, equal at every step to what the nightly job computes
from the whole history, repaired by that job after a change outside the app, filled by the
migration, and right when two transactions change one home at once."""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa
from flask_migrate import upgrade

from app.extensions import db as _db
from evaluations.inspections.models import Inspection, InspectionStatus
from evaluations.inspections.services import (
    correct_inspection,
    finalize_inspection,
    reopen_inspection,
    submit_inspection,
)
from evaluations.inspections.sync import save_answers
from reports.planning import kept
from reports.planning.kept import PlanInspection
from reports.planning.services import inspection_plan
from tests.factories import fill_in, item_of, on, run_ok
from tests.postgresql import postgresql_only
from tests.reports.money import VETO
from tests.reports.planning.conftest import TODAY
from tests.schema import downgraded
from tests.threads import at_once, committed_in_a_request, held


def rows(db) -> set[tuple]:
    db.session.expire_all()
    return {(k.inspection_id, k.facility_id, k.contract_id, k.template_id, k.open, k.finalized,
             k.scheduled_for, k.total, k.grade, k.failed_vetoes, k.always)
            for k in db.session.scalars(sa.select(PlanInspection))}


def as_recomputed(db) -> set[tuple]:
    """The rows kept, checked equal to what the nightly job makes of the whole history."""
    held_rows = rows(db)
    kept.refresh_all()
    db.session.commit()
    assert rows(db) == held_rows
    return held_rows


def planned(officer, home):
    (item,) = [i for i in inspection_plan(officer, today=TODAY) if i.key == ("facility", home.id)]
    return item


def test_every_step_of_a_history_is_kept_at_its_commit(city, db, schedule):
    w = city
    assert {r[0] for r in as_recomputed(db)} == {w.vetoed_inspection.id, w.clean_inspection.id}

    on(TODAY)
    upcoming = schedule(facility=w.clean, scheduled_for=date(2026, 6, 20))
    assert upcoming.id in {r[0] for r in as_recomputed(db)}
    assert planned(w.officer, w.clean).scheduled_for == date(2026, 6, 20)

    fill_in(db, upcoming, w, value=lambda item: False if item.key == VETO else None)
    submit_inspection(upcoming, actor=w.inspector)
    db.session.commit()
    as_recomputed(db)
    # sent back: its result is a JSON null again, which the plan once failed on (PostgreSQL)
    reopen_inspection(upcoming, actor=w.officer, reason="补拍照片")
    db.session.commit()
    as_recomputed(db)
    assert planned(w.officer, w.clean).scheduled_for == date(2026, 6, 20)
    submit_inspection(upcoming, actor=w.inspector)
    finalize_inspection(upcoming, actor=w.officer)
    db.session.commit()
    held_rows = as_recomputed(db)
    # the newest result and the older one it is compared with; the failed veto counted
    assert {r[0] for r in held_rows if r[1] == w.clean.id} == {w.clean_inspection.id,
                                                                 upcoming.id}
    reasons = {r.code: r for r in planned(w.officer, w.clean).assessment.reasons}
    assert reasons["veto_failure"].values == {"count": 1}

    correction = correct_inspection(upcoming, actor=w.officer, reason="否决项复核")
    db.session.commit()
    ids = {r[0] for r in as_recomputed(db)}
    assert {correction.id, upcoming.id} <= ids  # open, and the result it corrects stands
    save_answers(correction, version=correction.version, actor=w.inspector,
                 answers=[{"item_id": item_of(w.template, VETO).id, "yes": True}])
    submit_inspection(correction, actor=w.inspector)
    finalize_inspection(correction, actor=w.officer)
    db.session.commit()
    ids = {r[0] for r in as_recomputed(db)}
    assert correction.id in ids and upcoming.id not in ids  # replaced once finalized
    assert "veto_failure" not in {r.code for r in planned(w.officer, w.clean).assessment.reasons}

    dropped = schedule(facility=w.clean, scheduled_for=date(2026, 6, 25))
    assert planned(w.officer, w.clean).scheduled_for == date(2026, 6, 25)
    db.session.delete(db.session.get(Inspection, dropped.id))
    db.session.commit()
    as_recomputed(db)
    assert planned(w.officer, w.clean).scheduled_for is None


def test_an_inspection_moved_to_another_home_leaves_the_first_one(city, db, schedule):
    w = city
    on(TODAY)
    moved = schedule(facility=w.clean, scheduled_for=date(2026, 6, 20))
    moved.facility_id = w.vetoed.id
    db.session.commit()
    assert (moved.id, w.vetoed.id) in {r[:2] for r in as_recomputed(db)}
    assert planned(w.officer, w.clean).scheduled_for is None


def test_a_campaigns_thousands_of_targets_are_refreshed_in_two_statements(db, count_queries):
    """A transaction that schedules for many homes and contracts refreshes them with one delete
    and one insert, not a condition per target (SQLite refuses an expression 1,000 deep)."""
    targets = {("facility", n) for n in range(1, 1501)} | {("contract", n) for n in range(1, 1501)}
    with count_queries() as log:
        kept.refresh(targets)
    assert len([s for s in log.statements if "plan_inspections" in s]) == 2, str(log)


def test_the_nightly_job_repairs_a_change_made_outside_the_app(app, city, db):
    w = city
    table = Inspection.__table__
    db.session.execute(sa.update(table).where(table.c.id == w.vetoed_inspection.id)
                       .values(failed_critical=[]))
    db.session.commit()
    assert "veto_failure" in {r.code for r in planned(w.officer, w.vetoed).assessment.reasons}
    run_ok(app, "reports.refresh_performance")
    assert "veto_failure" not in {r.code for r in planned(w.officer, w.vetoed).assessment.reasons}


def test_the_migration_keeps_the_inspections_already_there(app, city, db):
    before = as_recomputed(db)
    assert len(before) == 2
    with downgraded("0031"):  # the schema before the table, with the inspections in it
        assert "plan_inspections" not in sa.inspect(_db.engine).get_table_names()
        upgrade()
        assert rows(_db) == before


@postgresql_only("two transactions at once need PostgreSQL; SQLite runs one at a time")
def test_two_transactions_changing_one_home_at_once_keep_what_both_committed(
        app, city, db, schedule, monkeypatch):
    w = city
    on(TODAY)
    first, second = (schedule(facility=w.clean, scheduled_for=day).id
                     for day in (date(2026, 6, 10), date(2026, 6, 11)))

    def finalized(inspection_id: int):
        def work():
            inspection = _db.session.get(Inspection, inspection_id)
            fill_in(_db, inspection, w)
            submit_inspection(inspection, actor=_db.session.merge(w.inspector))
            finalize_inspection(inspection, actor=_db.session.merge(w.officer))
        return work

    held(monkeypatch, kept, "refresh")  # both refresh the home in the same instant
    assert at_once(lambda: committed_in_a_request(app, finalized(first)),
                   lambda: committed_in_a_request(app, finalized(second))) == [None, None]
    monkeypatch.undo()
    held_rows = as_recomputed(db)
    # the second day's result is the newest, the first's the one before it
    assert {r[0] for r in held_rows if r[1] == w.clean.id} == {first, second}


def test_a_result_sent_back_leaves_the_plan_page_and_api_working(city, db, schedule, as_user,
                                                                 api_login):
    """A result sent back to its inspector holds a JSON null where the failed veto items were:
    PostgreSQL refused to count it, and the plan answered 500 to every officer of the area."""
    w = city
    on(TODAY)
    sent_back = schedule(facility=w.clean, scheduled_for=date(2026, 6, 20))
    fill_in(db, sent_back, w)
    submit_inspection(sent_back, actor=w.inspector)
    reopen_inspection(sent_back, actor=w.officer, reason="补拍照片")
    db.session.commit()
    browser, _officer = as_user("officer", region="a")
    assert browser.get("/reports/inspection-plan").status_code == 200
    body = api_login(w.officer).get("/api/v1/inspection-plan").get_json()
    (item,) = [i for i in body["items"] if i["facility_id"] == w.clean.id]
    assert item["scheduled_for"] == "2026-06-20"


def test_a_walk_through_two_homes_lives_keeps_the_rows_of_the_whole_history(city, db, schedule):
    """Forty steps chosen at random (a fixed seed) among what can be done next to the
    inspections of two homes — schedule, carry out with or without a failed veto, send back,
    finalize, correct — each committed; after each, the rows kept at the commit are the rows
    the nightly job computes from the whole history."""
    w = city
    rng = random.Random(20261206)
    homes, day = (w.vetoed, w.clean), TODAY

    def of(status, *, current=False):
        stmt = sa.select(Inspection).where(Inspection.status == status,
                                           Inspection.facility_id.in_([h.id for h in homes]))
        if current:
            stmt = stmt.where(~Inspection.id.in_(sa.select(Inspection.supersedes_id).where(
                Inspection.supersedes_id.is_not(None))))
        return list(db.session.scalars(stmt.order_by(Inspection.id)))

    def carry_out(inspection):
        fill_in(db, inspection, w, value=lambda item: False
                if item.key == VETO and rng.random() < 0.4 else None)
        submit_inspection(inspection, actor=w.inspector)

    steps = {
        "schedule": lambda: schedule(facility=rng.choice(homes), scheduled_for=day),
        "carry out": lambda: carry_out(rng.choice(of(InspectionStatus.SCHEDULED)
                                                  + of(InspectionStatus.IN_PROGRESS))),
        "send back": lambda: reopen_inspection(rng.choice(of(InspectionStatus.SUBMITTED)),
                                               actor=w.officer, reason="补充"),
        "finalize": lambda: finalize_inspection(rng.choice(of(InspectionStatus.SUBMITTED)),
                                                actor=w.officer),
        "correct": lambda: correct_inspection(rng.choice(of(InspectionStatus.FINALIZED,
                                                            current=True)),
                                              actor=w.officer, reason="复核"),
    }
    done = []
    for _step in range(40):
        day = on(day + timedelta(days=rng.randint(0, 3)))
        possible = ["schedule"]
        if of(InspectionStatus.SCHEDULED) or of(InspectionStatus.IN_PROGRESS):
            possible.append("carry out")
        if of(InspectionStatus.SUBMITTED):
            possible += ["send back", "finalize", "finalize"]
        if of(InspectionStatus.FINALIZED, current=True):
            possible.append("correct")
        name = rng.choice(possible)
        steps[name]()
        db.session.commit()
        done.append(name)
        as_recomputed(db)
    assert {"carry out", "send back", "finalize", "correct"} <= set(done), done
