"""A SAVEPOINT is part of the transaction around it: what a ``begin_nested`` block wrote is
undone when the request rolls back, on SQLite as on PostgreSQL, even when the block holds the
transaction's first write."""

import sqlalchemy as sa

from app.extensions import db
from app.regions.models import Level, Region
from app.regions.services import create_region


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Region))


def test_a_savepoint_holding_the_first_write_is_undone_by_the_rollback(app):
    db.session.commit()
    with db.session.begin_nested():
        create_region("100000", "示范市", Level.CITY, None, "Demo City")
    assert _count() == 1
    db.session.rollback()
    assert _count() == 0


def test_a_savepoint_rolled_back_alone_keeps_the_work_before_it(app):
    create_region("100000", "示范市", Level.CITY, None, "Demo City")
    try:
        with db.session.begin_nested():
            create_region("100100", "甲区", Level.COUNTY, "100000", "A District")
            raise RuntimeError("refused")
    except RuntimeError:
        pass
    db.session.commit()
    assert [r.code for r in db.session.scalars(sa.select(Region))] == ["100000"]


def test_work_after_a_released_savepoint_commits_with_it(app):
    db.session.commit()
    with db.session.begin_nested():
        create_region("100000", "示范市", Level.CITY, None, "Demo City")
    create_region("100100", "甲区", Level.COUNTY, "100000", "A District")
    db.session.commit()
    db.session.close()
    assert _count() == 2
