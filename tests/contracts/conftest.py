"""Factories and helpers of the contracts tests (and of its sub-packages' tests): facilities,
procurements and contracts, the clock, household files, report contracts, inspections, and the
world of the reminder tests.

Each factory builds through the services (so the rules apply) and commits, like the core ones.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import hh_csv

# ---- the clock --------------------------------------------------------------------------


# ---- facilities ---------------------------------------------------------------------------

@pytest.fixture
def handed_over_home(db, make_facility, make_contract, qualified_provider, on_day):
    """A home operated in 2025 by ``earlier`` and since 2026 by another provider, today
    2026-03-01 → (home, earlier, earlier's old contract, the current operation contract)."""
    on_day(date(2026, 3, 1))
    home = make_facility()
    earlier = qualified_provider(name="旧运营方")
    old = make_contract(provider=earlier, service_type="facility_operation", facility=home,
                        start_date=date(2025, 1, 1), end_date=date(2025, 12, 31), targets={})
    current = make_contract(status="active", service_type="facility_operation", facility=home,
                            targets={}, provider=qualified_provider(name="现运营方"))
    return home, earlier, old, current


# ---- household records (tests/contracts/households/) ----------------------------------


@pytest.fixture
def hh_contract(make_contract, on_day):
    """An ACTIVE household-survey contract in county A for 2026 (today 2026-06-30)."""

    def make(**overrides):
        on_day(date(2026, 6, 30))
        return make_contract(status="active", **overrides)

    return make


@pytest.fixture
def import_rows(db):
    """``import_rows(contract, records)`` imports a CSV of ``records`` through the service."""
    from contracts.households.services import import_households

    def run(contract, records: list[dict], actor=None):
        batch = import_households(contract, hh_csv(records), "households.csv", actor)
        db.session.commit()
        return batch

    return run


# ---- submissions (tests/contracts/submissions/) ------------------------------------------

@pytest.fixture
def report_contract(db, make_contract, make_facility, make_user):
    """``report_contract(service_type=..., region="a", **overrides)`` → (an ACTIVE contract for
    2026, a provider user of its provider)."""

    def make(service_type: str = "household_survey", region: str = "a", **overrides):
        if service_type == "facility_operation" and "facility" not in overrides:
            overrides["facility"] = make_facility(region="a1" if region == "a" else "b1")
        if service_type == "entrusted_care" and "facility" not in overrides:
            overrides["facility"] = make_facility(name="儿童福利中心", kind="child_welfare")
            overrides.setdefault("targets", {"children": 10})
        overrides.setdefault("targets", {})
        contract = make_contract(region=region, status="active", service_type=service_type,
                                 **overrides)
        user = make_user("provider", provider=contract.provider)
        return contract, user

    return make


@pytest.fixture
def at_local():
    """``at_local(2026, 11, 10, 23, 59)`` sets the clock to that Asia/Shanghai wall time."""
    from datetime import datetime

    from app import clock

    def set_time(*args) -> None:
        moment = datetime(*args, tzinfo=clock.LOCAL_TZ)
        clock.set_clock(lambda: moment)

    return set_time


@pytest.fixture
def assign_inspection(db):
    """``assign_inspection(inspector, facility=... | contract=...)`` → an inspection scheduled
    for ``inspector`` about the home (``quality`` template) or the contract (``survey_service``):
    what lets an inspector see that object (DESIGN.md §1)."""
    import sqlalchemy as sa

    from evaluations.assessment.builtin import load_builtin
    from evaluations.assessment.models import AssessmentTemplate
    from evaluations.assessment.services import import_template
    from evaluations.inspections.services import schedule_inspection

    def make(inspector, *, facility=None, contract=None, scheduled_for=date(2026, 11, 10)):
        code = "quality" if facility is not None else "survey_service"
        template = db.session.scalars(sa.select(AssessmentTemplate).where(
            AssessmentTemplate.code == code)).first()
        if template is None:
            template = import_template(load_builtin(code), None, publish=True)
        inspection = schedule_inspection(template=template, inspector=inspector,
                                         facility=facility, contract=contract,
                                         scheduled_for=scheduled_for)
        db.session.commit()
        return inspection

    return make


# ---- reminders (the test_reminders.py of contracts and its sub-packages) ----------------------

@pytest.fixture
def reminder_world(db, make_contract, make_user):
    """An active 2026 contract in county A (monthly reports, due 10 days after each month), two
    users of its provider, and officers around it."""
    from types import SimpleNamespace

    contract = make_contract(status="active")
    world = SimpleNamespace(
        contract=contract,
        staff=make_user("provider", provider=contract.provider),
        staff_en=make_user("provider", provider=contract.provider, locale="en"),
        city=make_user("officer", region="city", locale="en"),
        county=make_user("officer", region="a"),
        other_county=make_user("officer", region="b"),
        township=make_user("officer", region="a1"),
        disabled=make_user("officer", region="a"))
    world.disabled.is_enabled = False
    db.session.commit()
    return world


