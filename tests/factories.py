"""Factories and data builders shared by every test package: regions, users, providers, homes,
contracts, templates, inspections, household files, photos, answers, the clock and notices.

Each factory builds through the services (so the rules apply) and commits. The fixtures are
registered for the whole suite by tests/conftest.py; plain helpers are imported from here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import count
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from app import clock
from app.extensions import db
from app.notifications.models import Notification
from app.regions.models import Level, Region
from app.regions.services import create_region
from app.scheduler.models import RunStatus
from app.scheduler.runner import run_job
from app.users.models import User
from app.users.services import create_user
from contracts import services
from contracts.credit_code import make_credit_code
from contracts.models import Contract, Provider, ProviderKind
from evaluations.assessment.builtin import load_builtin
from evaluations.assessment.readings import item_rule
from evaluations.assessment.services import import_template
from evaluations.inspections.models import InspectionAnswer, InspectionStatus
from evaluations.inspections.services import schedule_inspection
from evaluations.item_kinds import earned_for_reading
from tests.answers import fill_in, full_answers, item_of, reading_for  # noqa: F401  (imported from here too)
from tests.clients import PASSWORD, ApiClient, Browser
from tests.household_files import hh_csv, hh_id  # noqa: F401  (imported from here too)
from tests.photos import jpeg_bytes, photo_upload  # noqa: F401  (imported from here too)

_seq = count(1)

# ---- regions, providers, users, clients ------------------------------------------------------

@pytest.fixture
def regions(db) -> dict[str, Region]:
    """city 100000 → counties 100100 (A) and 100200 (B) → township 100100001 → village."""
    city = create_region("100000", "示范市", Level.CITY, None, "Demo City")
    a = create_region("100100", "甲区", Level.COUNTY, city.code, "A District")
    b = create_region("100200", "乙县", Level.COUNTY, city.code, "B County")
    a1 = create_region("100100001", "甲一街道", Level.TOWNSHIP, a.code, "A1 Street")
    v = create_region("100100001001", "甲一社区", Level.VILLAGE, a1.code, "A1 Community")
    b1 = create_region("100200101", "乙一镇", Level.TOWNSHIP, b.code, "B1 Town")
    db.session.commit()
    return {"city": city, "a": a, "b": b, "a1": a1, "village": v, "b1": b1}


@pytest.fixture
def make_provider(db):
    def make(name: str | None = None, **overrides) -> Provider:
        n = next(_seq)
        provider = Provider(
            name=name or f"测试社会组织{n}", kind=ProviderKind.SOCIAL_ORG,
            credit_code=make_credit_code("51", "100100", f"{n:08d}"), **overrides)
        db.session.add(provider)
        db.session.commit()
        return provider

    return make


@pytest.fixture
def make_user(db, regions, make_provider):
    def make(role: str = "officer", *, region: str | None = None, provider=None,
             email: str | None = None, **kwargs) -> User:
        if role in ("officer", "inspector") and region is None:
            region = "city"
        if role == "provider" and provider is None:
            provider = make_provider()
        user = create_user(
            email=email or f"{role}{next(_seq)}@example.cn", password=PASSWORD, role=role,
            region=regions[region] if region else None,
            provider_id=provider.id if provider is not None else None, **kwargs)
        db.session.commit()
        return user

    return make


@pytest.fixture
def browser(client) -> Browser:
    return Browser(client)


@pytest.fixture
def as_user(app, make_user):
    """``as_user("officer", region="a")`` → a logged-in :class:`Browser` and its user."""

    def login(role: str = "officer", **kwargs) -> tuple[Browser, User]:
        user = make_user(role, **kwargs)
        b = Browser(app.test_client())
        response = b.login(user)
        assert response.status_code == 302, response.get_data(as_text=True)
        return b, user

    return login


@pytest.fixture
def api_as(app, make_user):
    """``api_as("admin")`` → an :class:`ApiClient` holding a fresh token, and its user."""

    def login(role: str = "officer", **kwargs) -> tuple[ApiClient, User]:
        user = make_user(role, **kwargs)
        client = app.test_client()
        response = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
        assert response.status_code == 201, response.get_json()
        return ApiClient(client, response.get_json()["token"]), user

    return login


# ---- contracts ------------------------------------------------------------------------------

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


def activate(contract):
    """Activate the contract as of its start when the clock is past it: activated later, its
    first reports would be due only from the activation day (a backdated contract)."""
    step = services.transition_contract(contract, "active", actor=None)
    start = contract.start_date
    if clock.today() > start:
        step.at = datetime(start.year, start.month, start.day, tzinfo=clock.LOCAL_TZ)
        # as stored by the activation itself: not a change of its own (no revision more)
        db.session.execute(sa.update(Contract).where(Contract.id == contract.id)
                           .values(activated_on=start))
        set_committed_value(contract, "activated_on", start)
    return step


@pytest.fixture
def make_contract(db, regions, qualified_provider):
    """``make_contract(**overrides)`` → a DRAFT household-survey contract in county A for 2026
    (``status="active"`` activates it, see :func:`activate`)."""

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
            activate(contract)
        if status not in ("draft", "active"):
            services.transition_contract(contract, status, actor=None, reason="test")
        db.session.commit()
        return contract

    return make


# ---- evaluations -----------------------------------------------------------------------------

@pytest.fixture
def make_template(db):
    """``make_template("quality", publish=True, **top_level_overrides)`` → a stored version."""

    def make(code: str = "quality", *, publish: bool = True, actor=None, **overrides):
        data = load_builtin(code)
        data.update(overrides)
        template = import_template(data, actor, publish=publish)
        db.session.commit()
        return template

    return make


@pytest.fixture
def make_operation_contract(db, regions, make_provider):
    """An ACTIVE facility_operation contract of ``facility`` for 2026 (a new provider)."""
    def make(facility, provider=None, region: str = "a", **overrides):
        values = dict(title="公建民营运营", service_type="facility_operation",
                      provider=provider or make_provider(), region=regions[region],
                      facility=facility, start_date=date(2026, 1, 1),
                      end_date=date(2026, 12, 31), amount=Decimal("300000.00"), targets={})
        contract = services.create_contract(**(values | overrides))
        activate(contract)
        db.session.commit()
        return contract

    return make


@pytest.fixture
def inspection_world(db, regions, make_user, make_template, make_facility,
                     make_operation_contract):
    """A published warm_winter template, a home in A1 operated by a provider in 2026, an
    officer of A, an inspector of A, and a provider user of the operator."""
    template = make_template("warm_winter")
    facility = make_facility("a1")
    contract = make_operation_contract(facility)
    officer = make_user("officer", region="a")
    inspector = make_user("inspector", region="a")
    provider_user = make_user("provider", provider=contract.provider)
    return SimpleNamespace(template=template, facility=facility, contract=contract,
                           provider=contract.provider, officer=officer, inspector=inspector,
                           provider_user=provider_user, regions=regions)


@pytest.fixture
def schedule(db, inspection_world):
    """``schedule(**overrides)`` → a scheduled inspection of the world's home (2026-11-10)."""
    def make(**overrides):
        w = inspection_world
        values = dict(template=w.template, inspector=w.inspector, facility=w.facility,
                      scheduled_for=date(2026, 11, 10), actor=w.officer)
        inspection = schedule_inspection(**(values | overrides))
        db.session.commit()
        return inspection

    return make


@pytest.fixture
def api_login(app):
    """``api_login(user)`` → an ``ApiClient`` holding a fresh bearer token of ``user``."""

    def make(user) -> ApiClient:
        client = app.test_client()
        response = client.post("/api/v1/tokens", json={"email": user.email,
                                                       "password": PASSWORD})
        assert response.status_code == 201
        return ApiClient(client, response.get_json()["token"])

    return make


@pytest.fixture
def make_scored_inspection(db):
    """``make_scored_inspection(world, {"bedding": 1, "smoke_detectors": False, ...})`` → a
    SUBMITTED (or ``status=``) inspection of ``world.facility`` with ``world.template``; every
    item not named scores its max. Rows are written directly (no photos needed)."""
    def make(world, answers: dict | None = None, *, status=InspectionStatus.SUBMITTED,
             scheduled_for=date(2026, 6, 1), facility=None, inspector=None):
        answers = answers or {}
        inspection = schedule_inspection(
            template=world.template, inspector=inspector or world.inspector,
            scheduled_for=scheduled_for, facility=facility or world.facility)
        for item in world.template.items:
            value = answers.get(item.key, "max")
            row = InspectionAnswer(item_id=item.id)
            if value == "na":
                row.na = True
            elif item.kind == "yes_no":
                row.yes = True if value == "max" else bool(value)
            elif item.kind == "reading":
                row.reading = reading_for(item, value)
                row.points = earned_for_reading(item_rule(item), Decimal(item.max_points),
                                                row.reading)
            else:
                row.points = Decimal(item.max_points) if value == "max" else Decimal(str(value))
            inspection.answers.append(row)
        inspection.status = InspectionStatus(status)
        db.session.commit()
        return inspection

    return make


# ---- data builders ---------------------------------------------------------------------------

def on(day: date) -> date:
    """The app's clock at noon of ``day`` in Shanghai (the ``db`` fixture resets it)."""
    clock.set_clock(lambda: datetime(day.year, day.month, day.day, 4, tzinfo=UTC))
    return day


@pytest.fixture
def on_day():
    """``on_day(date(2026, 3, 1))``: the app's clock at noon of that local day."""
    return on


@pytest.fixture
def fixed_today():
    """``fixed_today(date(2026, 6, 15))``: the app's clock at noon of that day; returns it."""
    return on


def notices(db, user=None, kind=None) -> list:
    """The notices the jobs committed (of ``user``, of ``kind``), oldest first."""
    db.session.commit()  # see what the job committed
    stmt = sa.select(Notification).order_by(Notification.id)
    if user is not None:
        stmt = stmt.where(Notification.user_id == user.id)
    if kind is not None:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt))


def run_ok(app, job_id: str):
    """Run a job through the runner, as the scheduler does; it must succeed."""
    result = run_job(app, job_id)
    assert result.status is RunStatus.OK, result.message
    return result
