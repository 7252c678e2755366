"""The counts of items scored short kept per year and region (reports.dashboards.failures):
current at every commit that finalizes an inspection or a correction, equal to the nightly
recount, scoped by region."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import sqlalchemy as sa
from flask_migrate import upgrade

from app.extensions import db as _db
from evaluations.inspections.models import Inspection, InspectionStatus
from evaluations.inspections.services import correct_inspection
from reports.dashboards import failures
from reports.dashboards import services as dashboards
from reports.dashboards.failures import ItemFailureCount
from tests.postgresql import a_recount_and_an_add, postgresql_only
from tests.schema import downgraded
from tests.threads import at_once, committed_in_a_request, held


def finalize(db, inspection, total: str):
    inspection.total, inspection.grade = Decimal(total), "pass"
    inspection.status = InspectionStatus.FINALIZED
    db.session.commit()
    return inspection


def stored(db) -> set[tuple]:
    db.session.expire_all()
    return {(c.year, c.region_id, c.template_code, c.item_key, c.failed, c.applicable,
             c.last_item_id) for c in db.session.scalars(sa.select(ItemFailureCount))}


def as_recounted(db) -> set[tuple]:
    """The counts kept, checked equal to what the nightly recount makes of them."""
    kept = stored(db)
    failures.refresh_all()
    db.session.commit()
    assert stored(db) == kept
    return kept


def bedding(db) -> set[tuple]:
    return {(row[4], row[5]) for row in stored(db) if row[3] == "bedding"}


def test_kept_at_commit_equal_to_the_nightly_recount_and_scoped(
        db, inspection_world, make_scored_inspection, make_facility, make_user,
        make_operation_contract):
    w = inspection_world
    home_b = make_facility("b1", name="乙一敬老院")
    make_operation_contract(home_b, region="b")
    finalize(db, make_scored_inspection(w, {"room_temperature": ("reading", "15.0")}), "70")
    assert any(row[3] == "room_temperature" and row[4] == 1 for row in stored(db))
    finalize(db, make_scored_inspection(w, {"room_temperature": ("reading", "16.5")}, facility=home_b,
                                        inspector=make_user("inspector", region="b")), "75")
    finalize(db, make_scored_inspection(w, {"bedding": 0}, scheduled_for=date(2025, 6, 1)),
             "60")
    make_scored_inspection(w, {"heating_working": False})  # submitted only: not counted
    kept = stored(db)

    failures.refresh_all()
    db.session.commit()
    assert stored(db) == kept
    assert {row[0] for row in kept} == {2025, 2026}

    city = dashboards.top_failed_items(make_user("officer", region="city"), 2026)
    county_a = dashboards.top_failed_items(w.officer, 2026)
    assert [(i.failed, i.applicable) for i in city][:1] == [(2, 2)]
    assert [(i.failed, i.applicable) for i in county_a][:1] == [(1, 1)]
    assert dashboards.top_failed_items(make_user("officer", region="b"), 2025) == []


def test_a_rollback_keeps_the_counts(db, inspection_world, make_scored_inspection):
    w = inspection_world
    inspection = make_scored_inspection(w, {"room_temperature": ("reading", "15.0")})
    inspection.total, inspection.status = Decimal(70), InspectionStatus.FINALIZED
    db.session.flush()
    db.session.rollback()
    assert stored(db) == set()


@postgresql_only("SQLite lets one transaction write at a time")
def test_two_finalizations_in_one_county_at_the_same_instant_both_count(
        app, db, inspection_world, make_scored_inspection, make_facility,
        make_operation_contract, monkeypatch):
    # two homes of one county, two contracts: nothing else the commits refresh is shared, so
    # both reach the county's counts together; the second found the first's new rows in its way
    w = inspection_world
    home = make_facility("a1", name="甲一第二敬老院")
    make_operation_contract(home)
    other = SimpleNamespace(template=w.template, inspector=w.inspector, facility=home)
    ids = [make_scored_inspection(w, {"room_temperature": ("reading", "15.0")}).id,
           make_scored_inspection(other, {"bedding": 0}).id]
    held(monkeypatch, failures, "recount_lock")  # where both settle their inspection
    assert at_once(*(lambda i=i: committed_in_a_request(app, lambda: finalize(
        _db, _db.session.get(Inspection, i), "70")) for i in ids)) == [None, None]
    monkeypatch.undo()
    kept = stored(db)
    assert {(row[3], row[4], row[5]) for row in kept} >= {("room_temperature", 1, 2),
                                                          ("bedding", 1, 2)}
    failures.refresh_all()
    db.session.commit()
    assert stored(db) == kept


def test_a_correction_finalized_takes_the_original_out_and_puts_its_answers_in(
        db, inspection_world, make_scored_inspection):
    w = inspection_world
    kept = finalize(db, make_scored_inspection(w, {"bedding": 0}), "60")
    finalize(db, make_scored_inspection(w, {"bedding": 0}), "60")
    assert bedding(db) == {(2, 2)}

    correction = correct_inspection(kept, actor=w.officer, reason="床品复核合格")
    db.session.commit()
    # while the correction is filled in, the original's failure still counts, as the payment
    # counts it (reports.performance): starting a correction hides nothing
    assert bedding(db) == {(2, 2)}
    as_recounted(db)

    answer = next(a for a in correction.answers if a.item.key == "bedding")
    answer.points = answer.item.max_points
    finalize(db, correction, "70")
    assert bedding(db) == {(1, 2)}
    as_recounted(db)


def test_the_last_inspection_of_a_bucket_corrected_leaves_no_row(
        db, inspection_world, make_scored_inspection):
    w = inspection_world
    inspection = finalize(db, make_scored_inspection(w, {"bedding": 0}), "60")
    assert bedding(db) == {(1, 1)}
    correction = correct_inspection(inspection, actor=w.officer, reason="床品不适用")
    db.session.commit()
    assert bedding(db) == {(1, 1)}
    answer = next(a for a in correction.answers if a.item.key == "bedding")
    answer.na, answer.points = True, None
    finalize(db, correction, "60")
    assert bedding(db) == set()
    as_recounted(db)


def test_an_inspection_settled_again_counts_once(db, inspection_world, make_scored_inspection):
    w = inspection_world
    inspection = finalize(db, make_scored_inspection(w, {"bedding": 0}), "60")
    failures.settle([inspection.id])
    failures.settle([inspection.id, inspection.id])
    db.session.commit()
    assert bedding(db) == {(1, 1)}
    as_recounted(db)


def test_the_migration_lists_the_inspections_already_counted(app, db, inspection_world,
                                                             make_scored_inspection):
    w = inspection_world
    first = finalize(db, make_scored_inspection(w, {"bedding": 0}), "60").id
    finalize(db, make_scored_inspection(w, {"bedding": 0}), "60")
    with downgraded("0027"):  # the schema before the list, with the counts in it
        assert "item_failure_counted" not in sa.inspect(_db.engine).get_table_names()
        upgrade()
        # a correction finalized after the upgrade takes its original's answers out, once
        correction = correct_inspection(_db.session.get(Inspection, first),
                                        actor=_db.session.merge(w.officer), reason="复核")
        _db.session.commit()
        assert bedding(_db) == {(2, 2)}
        answer = next(a for a in correction.answers if a.item.key == "bedding")
        answer.points = answer.item.max_points
        finalize(_db, correction, "70")
        assert bedding(_db) == {(1, 2)}


@postgresql_only("advisory locks are PostgreSQL's")
def test_a_finalization_during_the_nightly_recount_waits_for_it_and_counts_once(
        app, db, inspection_world, make_scored_inspection, monkeypatch):
    w = inspection_world
    finalize(db, make_scored_inspection(w, {"bedding": 0}), "60")
    inspection_id = make_scored_inspection(w, {"bedding": 0}).id
    assert a_recount_and_an_add(app, monkeypatch, failures, failures.refresh_all, lambda: finalize(
        _db, _db.session.get(Inspection, inspection_id), "60")) == [None, None]
    assert bedding(db) == {(2, 2)}
    as_recounted(db)
