"""Migrations build the schema the models describe, on SQLite and on PostgreSQL."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.db import render_migration_item
from app.extensions import db as _db
from tests.schema import drop_schema


def test_upgrade_from_empty_matches_the_models_and_downgrades(app):
    drop_schema()
    try:
        upgrade()
        with _db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={
                "compare_type": True, "render_item": render_migration_item})
            diff = compare_metadata(context, _db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        downgrade(revision="base")
        with _db.engine.connect() as conn:
            left = set(sa.inspect(conn).get_table_names()) - {"alembic_version"}
        assert left == set(), f"downgrade left tables behind: {left}"
    finally:
        drop_schema()
        _db.create_all()


@pytest.mark.slow
def test_demo_seed_is_safe_to_run_twice(runner, db):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert "Seeded the demo city" in first.output
    assert "demo-pass-2026" in first.output  # the password the README documents
    from app.regions.models import Level, Region
    from app.users.models import User

    counties = db.session.scalar(sa.select(sa.func.count()).select_from(Region)
                                 .where(Region.level == Level.COUNTY))
    users = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    assert counties >= 6
    # every feature's part of the demo is there, in dependency order
    tables = _db.metadata.tables
    for table, at_least in (("providers", 40), ("facilities", 30), ("contracts", 80),
                            ("assessment_templates", 4), ("campaigns", 2), ("inspections", 30),
                            ("corrective_actions", 5), ("submissions", 20),
                            ("household_records", 1000)):
        count = db.session.scalar(sa.select(sa.func.count()).select_from(tables[table]))
        assert count >= at_least, (table, count)
    assert set(db.session.scalars(sa.select(User.role))) >= {"admin", "officer", "inspector",
                                                              "provider"}
    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0 and "already there" in second.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == users


def test_demo_logins_work(browser, demo_city):
    from app.demo.seed import DEMO_LOGINS

    for _role, email, password in DEMO_LOGINS:
        assert browser.login(email, password).status_code == 302, email
        browser.logout()
