"""Prepared statements keep the plans their values deserve (PostgreSQL).

psycopg prepares a statement on the server after five runs, and PostgreSQL may then plan it
once for any values. A predicate that repeats a partial index's, or scopes rows by a region's
path, must carry its value in the SQL for such a plan to use the index or to know the
subtree's size (app.db.inline). Each test explains the statement as prepared and planned for
any values, with sequential scans off: the plan shows the indexes it can use, whatever the
size of the test's tables."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import sqlalchemy as sa
from psycopg.sql import Literal

from app.scoping import region_subtree
from contracts.submissions.models import LATE_RETURNED_OR_INCIDENTS, Submission
from evaluations.actions.models import CorrectiveAction
from evaluations.actions.services import overdue_clause
from evaluations.inspections.lists import inspection_stmt
from evaluations.inspections.models import IS_OPEN, Inspection
from tests.postgresql import postgresql_only

pytestmark = postgresql_only("PostgreSQL's plans of prepared statements")


def generic_plan(db, stmt: sa.Select) -> str:
    compiled = stmt.compile(dialect=db.engine.dialect,
                            compile_kwargs={"render_postcompile": True})
    names: list[str] = []

    def numbered(match: re.Match) -> str:
        names.append(match[1])
        return f"${len(names)}"

    sql = re.sub(r"%\((\w+)\)s", numbered, compiled.string)  # its %% stay escaped
    values = tuple(compiled.params[name] for name in names)
    with db.engine.connect() as conn:
        driver = conn.connection.driver_connection
        args = ", ".join(Literal(value).as_string(driver) for value in values)
        conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        try:
            conn.exec_driver_sql(f"PREPARE probe AS {sql}")
            plan = "\n".join(row[0] for row in conn.exec_driver_sql(
                f"EXPLAIN EXECUTE probe({args})" if values else "EXPLAIN EXECUTE probe"))
        finally:
            # the probe and the settings leave with the connection (a rollback here made
            # psycopg deallocate every prepared statement, ours included, behind our back)
            conn.invalidate()
    return plan


def test_the_overdue_actions_count_can_use_the_index_of_open_actions(db):
    stmt = sa.select(sa.func.count()).select_from(CorrectiveAction).where(
        overdue_clause(date(2026, 12, 6)))
    assert "ix_corrective_actions_open_deadline" in generic_plan(db, stmt)


def test_the_open_inspections_can_use_their_index(db):
    stmt = sa.select(Inspection.id).where(IS_OPEN, Inspection.scheduled_for < date(2026, 12, 6))
    assert "ix_inspections_open_day" in generic_plan(db, stmt)


def test_a_scope_names_its_region_for_the_plan(db, regions):
    county = regions["a"]
    stmt = sa.select(CorrectiveAction.id).where(
        CorrectiveAction.region_id.in_(region_subtree(county)))
    assert f"'{county.path}%'" in generic_plan(db, stmt)


def test_the_plans_reports_can_use_the_index_of_late_returned_or_incident_reports(db):
    stmt = sa.select(Submission.id).where(
        Submission.first_submitted_at >= datetime(2025, 12, 6, tzinfo=UTC),
        LATE_RETURNED_OR_INCIDENTS)
    assert "ix_submissions_first_submitted_at_events" in generic_plan(db, stmt)


def test_a_providers_inspections_are_read_newest_first_from_their_index(db, make_user):
    """A provider sees its finalized inspections only; by the status index alone, the busiest
    provider of a city read 41,000 inspections to drop for a page of its 1,000."""
    provider_user = make_user("provider")
    stmt = inspection_stmt(provider_user).with_only_columns(Inspection.id).limit(25)
    plan = generic_plan(db, stmt)
    assert "ix_inspections_provider_day" in plan
    assert "Sort" not in plan, plan
