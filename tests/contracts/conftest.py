"""Factories and helpers of the contracts tests (and of its sub-packages' tests): facilities,
procurements and contracts, the clock, household files, report contracts, inspections, and the
world of the reminder tests.

Each factory builds through the services (so the rules apply) and commits, like the core ones.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from contracts import services


@pytest.fixture
def qualified_provider(db, make_provider):
    """A provider holding a qualification valid through 2030."""

    def make(**overrides):
        provider = make_provider(**overrides)
        services.add_qualification(provider, cert_type="民办非企业单位登记证书",
                                   number=f"Q{provider.id:06d}", issuer="民政局",
                                   valid_until=date(2030, 12, 31))
        db.session.commit()
        return provider

    return make


@pytest.fixture
def make_facility(db, regions):
    def make(region: str = "a1", **overrides):
        values = dict(name="甲一福利院", kind="elderly_home", region=regions[region],
                      wards={"self_care": 40, "semi_disabled": 30, "disabled": 30})
        facility = services.create_facility(**(values | overrides))
        db.session.commit()
        return facility

    return make


@pytest.fixture
def make_procurement(db, regions):
    def make(region: str = "a", **overrides):
        values = dict(title="入户调查服务采购", service_type="household_survey",
                      region=regions[region], budget=Decimal("100000.00"),
                      method="open_tender", published_on=date(2026, 1, 5),
                      bid_deadline=date(2026, 1, 25))
        procurement = services.create_procurement(**(values | overrides))
        db.session.commit()
        return procurement

    return make


@pytest.fixture
def make_contract(db, regions, qualified_provider):
    """``make_contract(**overrides)`` → a DRAFT household-survey contract in county A for 2026
    (``status="active"`` activates it)."""

    def make(region: str = "a", status: str = "draft", **overrides):
        values = dict(title="2026年甲区入户调查", service_type="household_survey",
                      region=regions[region], start_date=date(2026, 1, 1),
                      end_date=date(2026, 12, 31), amount=Decimal("120000.00"),
                      targets={"households": 1200})
        values = values | overrides
        if "provider" not in values:
            values["provider"] = qualified_provider()
        contract = services.create_contract(**values)
        if status != "draft":
            services.transition_contract(contract, "active", actor=None)
        if status not in ("draft", "active"):
            services.transition_contract(contract, status, actor=None, reason="test")
        db.session.commit()
        return contract

    return make


# ---- the clock --------------------------------------------------------------------------

@pytest.fixture
def on_day():
    """``on_day(date(2026, 3, 1))`` sets the application's clock to that local day."""
    from datetime import UTC, datetime

    from app import clock

    def set_day(day: date) -> None:
        clock.set_clock(lambda: datetime(day.year, day.month, day.day, 4, tzinfo=UTC))

    return set_day


# ---- household records (tests/contracts/households/) ----------------------------------

def hh_id(n: int, birth: str = "19800101") -> str:
    """A valid ID number, distinct for each ``n`` (0–999)."""
    from stdnum.cn.ric import calc_check_digit

    body = f"100100{birth}{n % 1000:03d}"
    return body + calc_check_digit(body + "0")


def hh_csv(records: list[dict], *, chinese: bool = False, encoding: str = "utf-8") -> bytes:
    """A household-record .csv of ``records`` (dicts by field key; missing keys defaulted)."""
    import csv
    import io

    from contracts.households.files import FIELDS, LABELS

    defaults = dict(head_name="王秀英", region_code="100100001001", members="3",
                    monthly_income="1200.00", assets="0", survey_date="2026-03-05",
                    surveyor="李强", recommendation="dibao")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([LABELS[key] if chinese else key for key in FIELDS])
    for i, values in enumerate(records):
        row = defaults | {"id_number": hh_id(i)} | values
        writer.writerow([row[key] for key in FIELDS])
    return buffer.getvalue().encode(encoding)


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


def on(day: date) -> None:
    """The app's clock at noon of ``day`` in Shanghai."""
    from datetime import UTC, datetime

    from app import clock

    clock.set_clock(lambda: datetime(day.year, day.month, day.day, 4, tzinfo=UTC))


def notices(db, user=None, kind=None) -> list:
    """The notices the jobs committed (of ``user``, of ``kind``), oldest first."""
    import sqlalchemy as sa

    from app.notifications.models import Notification

    db.session.commit()  # see what the job committed
    stmt = sa.select(Notification).order_by(Notification.id)
    if user is not None:
        stmt = stmt.where(Notification.user_id == user.id)
    if kind is not None:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt))


def run_ok(app, job_id: str):
    """Run a job through the runner, as the scheduler does; it must succeed."""
    from app.scheduler.models import RunStatus
    from app.scheduler.runner import run_job

    result = run_job(app, job_id)
    assert result.status is RunStatus.OK, result.message
    return result
