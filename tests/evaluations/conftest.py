"""Fixtures of the evaluations tests: templates, an inspection world, scored inspections, API."""

from __future__ import annotations

import pytest

from evaluations.assessment.builtin import load_builtin
from evaluations.assessment.services import import_template
from tests.conftest import PASSWORD, ApiClient


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


# ---- inspections ---------------------------------------------------------------------------

@pytest.fixture
def make_facility(db, regions):
    """``make_facility(region="a1")`` → a welfare home."""
    from contracts import services

    def make(region: str = "a1", **overrides):
        values = dict(name="甲一福利院", kind="elderly_home", region=regions[region],
                      wards={"self_care": 40, "semi_disabled": 30, "disabled": 30})
        facility = services.create_facility(**(values | overrides))
        db.session.commit()
        return facility

    return make


@pytest.fixture
def make_operation_contract(db, regions, make_provider):
    """An ACTIVE facility_operation contract of ``facility`` for 2026 (a new provider)."""
    from datetime import date
    from decimal import Decimal

    from contracts import services

    def make(facility, provider=None, region: str = "a", **overrides):
        values = dict(title="公建民营运营", service_type="facility_operation",
                      provider=provider or make_provider(), region=regions[region],
                      facility=facility, start_date=date(2026, 1, 1),
                      end_date=date(2026, 12, 31), amount=Decimal("300000.00"), targets={})
        contract = services.create_contract(**(values | overrides))
        services.transition_contract(contract, "active", actor=None)
        db.session.commit()
        return contract

    return make


@pytest.fixture
def inspection_world(db, regions, make_user, make_template, make_facility,
                     make_operation_contract):
    """A published warm_winter template, a home in A1 operated by a provider in 2026, an
    officer of A, an inspector of A, and a provider user of the operator."""
    from types import SimpleNamespace

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
    from datetime import date

    from evaluations.inspections.services import schedule_inspection

    def make(**overrides):
        w = inspection_world
        values = dict(template=w.template, inspector=w.inspector, facility=w.facility,
                      scheduled_for=date(2026, 11, 10), actor=w.officer)
        inspection = schedule_inspection(**(values | overrides))
        db.session.commit()
        return inspection

    return make


def full_answers(template, *, value=None, na_items=()) -> list[dict]:
    """Answers to every item of ``template``: the maximum (or ``value(item)``), N/A for
    ``na_items`` (item keys)."""
    answers = []
    for item in template.items:
        if item.key in na_items:
            answers.append({"item_id": item.id, "na": True})
            continue
        given = value(item) if value else None
        if item.kind == "yes_no":
            answers.append({"item_id": item.id, "yes": True if given is None else given})
        else:
            answers.append({"item_id": item.id,
                            "points": float(item.max_points) if given is None else given})
    return answers


def jpeg_bytes(*, size=(64, 48), taken: str | None = None, color=(200, 80, 40)) -> bytes:
    """A small JPEG made with Pillow, with EXIF DateTimeOriginal ``taken`` if given."""
    import io

    from PIL import Image

    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    if taken:
        exif = Image.Exif()
        exif.get_ifd(0x8769)[0x9003] = taken
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "JPEG")
    return out.getvalue()


# ---- corrective actions and campaigns --------------------------------------------------------

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
def fixed_today():
    """Move the app clock to noon (Shanghai) of a day: ``fixed_today(date(2026, 6, 15))``."""
    from datetime import UTC, datetime, time

    from app import clock

    def move(day):
        moment = datetime.combine(day, time(4, 0), tzinfo=UTC)  # 12:00 in Shanghai
        clock.set_clock(lambda: moment)
        return day

    yield move
    clock.set_clock(None)


@pytest.fixture
def make_scored_inspection(db):
    """``make_scored_inspection(world, {"bedding": 1, "smoke_detectors": False, ...})`` → a
    SUBMITTED (or ``status=``) inspection of ``world.facility`` with ``world.template``; every
    item not named scores its max. Rows are written directly (no photos needed)."""
    from datetime import date
    from decimal import Decimal

    from evaluations.inspections.models import InspectionAnswer, InspectionStatus
    from evaluations.inspections.services import schedule_inspection

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
            else:
                row.points = Decimal(item.max_points) if value == "max" else Decimal(str(value))
            inspection.answers.append(row)
        inspection.status = InspectionStatus(status)
        db.session.commit()
        return inspection

    return make
