"""The demo city of ``flask demo seed`` for tests that read it: seeded once per test run (the
first worker process to need it seeds it, the others read its rows) and copied back into the
emptied tables for each test that asks for it.

Seeding takes several seconds, putting its rows back a fraction of one; the tests of the seed
itself (that it runs twice, that each feature's step keeps the rules) still run the command.
The copy is taken at :data:`DEMO_NOW`, the moment the seed is dated by, and the test's clock is
set to it. Uploaded files (the seed's photos and signatures) are copied into each process's
uploads folder, which lasts the whole run.
"""

from __future__ import annotations

import pickle
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db as _db
from tests.once import made_once

#: when the demo city is seeded: late in the year, so that every state of its cycle is there
DEMO_NOW = datetime(2026, 12, 20, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def _demo_rows(app, tmp_path_factory) -> dict[str, list[dict]]:
    """Every table's rows after seeding the demo city, seeded once in this run (by the first
    worker process to ask, :func:`tests.once.made_once`); its uploaded files are copied into
    this process's uploads folder."""
    folder = made_once(tmp_path_factory, f"demo-city-{_db.engine.dialect.name}",
                       lambda folder: _seed_into(app, folder))
    shutil.copytree(folder / "uploads", app.config["UPLOAD_DIR"], dirs_exist_ok=True)
    return pickle.loads((folder / "rows.pickle").read_bytes())  # noqa: S301 - written above


def _seed_into(app, folder: Path) -> None:
    """Seed the demo city in this process's database, its files written into ``folder/uploads``
    (no other test's), and keep its rows in ``folder/rows.pickle``; the tables emptied again."""
    from app.demo.seed import seed_demo
    from tests.conftest import _truncate_all

    uploads = app.config["UPLOAD_DIR"]
    app.config["UPLOAD_DIR"] = str(folder / "uploads")
    clock.set_clock(lambda: DEMO_NOW)
    try:
        assert seed_demo()
        _db.session.commit()
        with _db.engine.connect() as conn:
            rows = {table.name: [dict(row) for row in conn.execute(table.select()).mappings()]
                    for table in _db.metadata.sorted_tables}
    finally:
        app.config["UPLOAD_DIR"] = uploads
        clock.set_clock(None)
        _truncate_all()
    (folder / "uploads").mkdir(exist_ok=True)
    (folder / "rows.pickle").write_bytes(pickle.dumps(rows))


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
