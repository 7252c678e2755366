"""The scorecards' city means (reports.scorecards.means): kept as sums in the database, added
to by the transaction that finalizes, recomputed nightly; never read from every inspection."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app.extensions import db as _db
from app.users.models import User
from evaluations.inspections.models import Inspection, InspectionStatus
from evaluations.inspections.services import correct_inspection, finalize_inspection
from reports.scorecards import means
from reports.scorecards.means import city_section_means
from tests.factories import run_ok
from tests.postgresql import a_recount_and_an_add, postgresql_only
from tests.schema import downgraded
from tests.threads import at_once, committed_in_a_request, held


@pytest.fixture
def submitted(db, make_scored_inspection, inspection_world):
    """``submitted([s1, s2, ...])`` → a SUBMITTED inspection whose sections scored these (of the
    world's home, or of ``facility=`` by ``inspector=``)."""
    sections = inspection_world.template.sections

    def make(scores: list[str], **where):
        inspection = make_scored_inspection(inspection_world, **where)
        inspection.section_scores = [{"section_id": s.id, "score": score}
                                     for s, score in zip(sections, scores, strict=False)]
        db.session.commit()
        return inspection

    return make


def finalize(db, inspection, world):
    finalize_inspection(inspection, actor=world.officer)
    db.session.commit()


def test_the_mean_is_of_the_finalized_inspections_only_rounded_half_up(
        db, submitted, inspection_world):
    w = inspection_world
    first, second = w.template.sections[:2]
    finalize(db, submitted(["18.3", "20.0"]), w)
    finalize(db, submitted(["18.4", "10.0"]), w)
    submitted(["0.0", "0.0"])  # submitted, not finalized: not in the mean
    assert city_section_means(w.template.id) == {first.id: Decimal("18.4"),
                                                 second.id: Decimal("15.0")}


def test_a_finalization_rolled_back_adds_nothing(db, submitted, inspection_world):
    w = inspection_world
    finalize(db, submitted(["10.0"]), w)
    finalize_inspection(submitted(["90.0"]), actor=w.officer)
    db.session.rollback()
    kept, undone = submitted(["20.0"]), submitted(["70.0"])
    finalize_inspection(kept, actor=w.officer)
    savepoint = db.session.begin_nested()  # undone; the transaction around it commits
    finalize_inspection(undone, actor=w.officer)
    savepoint.rollback()
    db.session.commit()
    assert city_section_means(w.template.id) == {w.template.sections[0].id: Decimal("15.0")}


def test_the_nightly_job_recomputes_the_sums(app, db, submitted, inspection_world):
    w = inspection_world
    finalize(db, submitted(["40.0"]), w)
    finalize(db, submitted(["60.0"]), w)
    # a finalization written outside the app's session: only the nightly run counts it
    inspection = submitted(["80.0"])
    db.session.execute(sa.update(Inspection).where(Inspection.id == inspection.id)
                       .values(status=InspectionStatus.FINALIZED))
    db.session.commit()
    assert city_section_means(w.template.id) == {w.template.sections[0].id: Decimal("50.0")}
    run_ok(app, "reports.refresh_performance")
    assert city_section_means(w.template.id) == {w.template.sections[0].id: Decimal("60.0")}


def test_a_finalized_correction_replaces_the_result_it_corrects(app, db, submitted,
                                                               inspection_world):
    """Only current results count (``not_replaced``): the corrected result stands while its
    correction is filled in, and leaves the mean when the correction is finalized."""
    w = inspection_world
    first, second = w.template.sections[:2]
    old = submitted(["10.0", "20.0"])
    finalize(db, old, w)
    finalize(db, submitted(["30.0", "40.0"]), w)
    correction = correct_inspection(old, actor=w.officer, reason="复核后改正")
    correction.section_scores = [{"section_id": first.id, "score": "50.0"},
                                 {"section_id": second.id, "score": None}]
    correction.status = InspectionStatus.SUBMITTED
    db.session.commit()
    assert city_section_means(w.template.id) == {first.id: Decimal("20.0"),
                                                 second.id: Decimal("30.0")}
    finalize(db, correction, w)
    current = {first.id: Decimal("40.0"), second.id: Decimal("40.0")}
    assert city_section_means(w.template.id) == current
    run_ok(app, "reports.refresh_performance")  # the nightly recount says the same
    assert city_section_means(w.template.id) == current


@postgresql_only("SQLite lets one transaction write at a time")
def test_two_finalizations_at_the_same_instant_are_both_counted(
        app, db, submitted, inspection_world, make_user, make_facility, make_operation_contract,
        monkeypatch):
    # two homes in two counties: their performance figures and failure counts share no row,
    # so nothing but the sums can hold one finalization up behind the other
    w = inspection_world
    home_b = make_facility("b1")
    make_operation_contract(home_b, region="b")
    ids = [submitted(["30.0"]).id,
           submitted(["50.0"], facility=home_b, inspector=make_user("inspector", region="b")).id]
    # read here, not in the threads: they must load nothing through the test's own session
    officer_id = make_user("officer", region="city").id
    # each has finalized and reads its scores before either adds
    held(monkeypatch, means, "add")

    def finalize_one(inspection_id):
        return lambda: committed_in_a_request(app, lambda: finalize_inspection(
            _db.session.get(Inspection, inspection_id), actor=_db.session.get(User, officer_id)))

    assert at_once(*map(finalize_one, ids)) == [None, None]
    db.session.expire_all()
    assert city_section_means(w.template.id) == {w.template.sections[0].id: Decimal("40.0")}


@postgresql_only("advisory locks are PostgreSQL's")
def test_a_finalization_during_the_nightly_recount_waits_for_it_and_counts_once(
        app, db, submitted, inspection_world, make_user, monkeypatch):
    w = inspection_world
    finalize(db, submitted(["40.0"]), w)
    inspection_id, officer_id = submitted(["60.0"]).id, make_user("officer", region="city").id
    assert a_recount_and_an_add(app, monkeypatch, means, means.refresh_all, lambda: (
        finalize_inspection(_db.session.get(Inspection, inspection_id),
                            actor=_db.session.get(User, officer_id)))) == [None, None]
    db.session.expire_all()
    assert city_section_means(w.template.id) == {w.template.sections[0].id: Decimal("50.0")}
    means.refresh_all()
    db.session.commit()
    assert city_section_means(w.template.id) == {w.template.sections[0].id: Decimal("50.0")}


def test_the_migration_fills_the_sums_of_a_database_already_in_use(app, db, submitted,
                                                                  inspection_world):
    w = inspection_world
    finalize(db, submitted(["20.0", "30.0"]), w)
    finalize(db, submitted(["40.0", "50.0"]), w)
    expected = {w.template.sections[0].id: Decimal("30.0"),
                w.template.sections[1].id: Decimal("40.0")}
    assert city_section_means(w.template.id) == expected
    with downgraded("0025"):  # the schema before the sums, with the inspections in it
        assert "section_score_sums" not in sa.inspect(_db.engine).get_table_names()
        upgrade()
        assert city_section_means(w.template.id) == expected
