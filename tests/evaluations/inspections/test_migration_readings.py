"""Migration 0022 adds the reading columns: answers written before keep their points, and a
downgrade drops the readings but keeps every answer's points."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, stamp, upgrade

from app.extensions import db as _db
from evaluations.inspections.models import InspectionAnswer
from tests.factories import item_of
from tests.schema import drop_schema


def _answers(conn):
    return conn.execute(sa.text(
        "SELECT item_id, points FROM inspection_answers ORDER BY item_id")).all()


def test_answers_survive_the_reading_migration_both_ways(app, inspection_world,
                                                          make_scored_inspection):
    try:
        w = inspection_world
        make_scored_inspection(w, {"room_temperature": ("reading", "17.0"), "bedding": 2})
        room = item_of(w.template, "room_temperature")
        _db.session.close()
        stamp()  # the test schema is the models', which is what the migrations build
        with _db.engine.connect() as conn:
            before = _answers(conn)
        assert (room.id, 2.5) in [(i, float(p)) for i, p in before if p is not None]

        downgrade(revision="0021")
        with _db.engine.connect() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("inspection_answers")}
            items = {c["name"] for c in sa.inspect(conn).get_columns("template_items")}
            assert "reading" not in columns and "reading" not in items
            assert _answers(conn) == before

        upgrade()
        with _db.engine.connect() as conn:
            assert _answers(conn) == before
            readings = conn.execute(sa.text(
                "SELECT count(*) FROM inspection_answers WHERE reading IS NOT NULL")).scalar()
            assert readings == 0  # what was dropped does not come back
        _db.session.close()
        assert _db.session.scalar(sa.select(sa.func.count(InspectionAnswer.id))) == len(before)
    finally:
        drop_schema()
        _db.create_all()
