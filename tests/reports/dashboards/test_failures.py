"""The counts of items scored short kept per year and region (reports.dashboards.failures):
current at every commit that finalizes, equal to the nightly recount, scoped by region."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import sqlalchemy as sa

from app.extensions import db as _db
from evaluations.inspections.models import Inspection, InspectionStatus
from reports.dashboards import failures
from reports.dashboards import services as dashboards
from reports.dashboards.failures import ItemFailureCount
from tests.postgresql import postgresql_only
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
    held(monkeypatch, failures, "refresh")
    assert at_once(*(lambda i=i: committed_in_a_request(app, lambda: finalize(
        _db, _db.session.get(Inspection, i), "70")) for i in ids)) == [None, None]
    monkeypatch.undo()
    kept = stored(db)
    assert {(row[3], row[4], row[5]) for row in kept} >= {("room_temperature", 1, 2),
                                                          ("bedding", 1, 2)}
    failures.refresh_all()
    db.session.commit()
    assert stored(db) == kept
