"""The demo city of ``flask demo seed`` for tests that read it: seeded once per test process
and copied back into the emptied tables for each test that asks for it.

Seeding takes several seconds, putting its rows back a fraction of one; the tests of the seed
itself (that it runs twice, that each feature's step keeps the rules) still run the command.
The copy is taken at :data:`DEMO_NOW`, the moment the seed is dated by, and the test's clock is
set to it. Uploaded files (the seed's photos and signatures) stay where the seed wrote them:
the uploads folder lasts the whole run.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db as _db

#: when the demo city is seeded: late in the year, so that every state of its cycle is there
DEMO_NOW = datetime(2026, 12, 20, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def _demo_rows(app) -> dict[str, list[dict]]:
    """Every table's rows after seeding the demo city once in this process."""
    from app.demo.seed import seed_demo
    from tests.conftest import _truncate_all

    clock.set_clock(lambda: DEMO_NOW)
    try:
        assert seed_demo()
        _db.session.commit()
        with _db.engine.connect() as conn:
            rows = {table.name: [dict(row) for row in conn.execute(table.select()).mappings()]
                    for table in _db.metadata.sorted_tables}
    finally:
        clock.set_clock(None)
        _truncate_all()
    return rows


@pytest.fixture
def demo_city(app, db, _demo_rows) -> None:
    """The demo city in the database (as ``flask demo seed`` leaves it), the clock at
    :data:`DEMO_NOW`."""
    with _db.engine.begin() as conn:
        for table in _db.metadata.sorted_tables:
            if _demo_rows[table.name]:
                conn.execute(table.insert(), _demo_rows[table.name])
        if conn.dialect.name == "postgresql":
            _follow_ids(conn)
    clock.set_clock(lambda: DEMO_NOW)


def _follow_ids(conn: sa.Connection) -> None:
    """Each id sequence past the ids put back, as after the seed's own inserts."""
    for table in _db.metadata.sorted_tables:
        if "id" not in table.c or not table.c.id.autoincrement:
            continue
        conn.execute(sa.text(
            "SELECT setval(pg_get_serial_sequence(:table, 'id'), max(id)) FROM "
            + conn.dialect.identifier_preparer.quote(table.name)
            + " HAVING max(id) IS NOT NULL"), {"table": table.name})
