"""Seed the demo city 咸宁市 (Xianning): its counties, townships and villages, and one user
per role. Later features extend it through :func:`seed_step`.

Idempotent: the city's region code is the marker that the demo is already there.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from graphlib import TopologicalSorter
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.regions.models import Level, Region
from app.regions.services import get_by_code
from app.users.services import create_user, get_by_email

DATA = Path(__file__).parent / "data"
CITY_CODE = "421200"
DEMO_PASSWORD = "demo-pass-2026"

#: (role, e-mail, password) shown by `make run` and the README
DEMO_LOGINS = [
    ("admin", "admin@demo.careprocure.cn", DEMO_PASSWORD),
    ("officer", "officer@demo.careprocure.cn", DEMO_PASSWORD),
    ("officer", "xianan.officer@demo.careprocure.cn", DEMO_PASSWORD),
    ("inspector", "inspector@demo.careprocure.cn", DEMO_PASSWORD),
    ("provider", "provider@demo.careprocure.cn", DEMO_PASSWORD),
]

SeedStep = Callable[[], None]
_steps: dict[str, tuple[SeedStep, tuple[str, ...]]] = {}


def seed_step(name: str, *, after: tuple[str, ...] = ()) -> Callable[[SeedStep], SeedStep]:
    """Register a feature's part of the demo under ``name``, to run after the steps ``after``.

    The order is declared, never the order in which modules happen to be imported.
    """
    def register(fn: SeedStep) -> SeedStep:
        _steps[name] = (fn, tuple(after))
        return fn

    return register


def ordered_steps() -> list[SeedStep]:
    """The registered steps, each after the steps it names (a missing one is an error)."""
    graph = {name: set(after) for name, (_, after) in _steps.items()}
    missing = {dep for deps in graph.values() for dep in deps} - graph.keys()
    if missing:
        raise LookupError(f"seed steps wait for unregistered steps: {sorted(missing)}")
    return [_steps[name][0] for name in TopologicalSorter(graph).static_order()]


def seed_regions() -> dict[str, Region]:
    by_code: dict[str, Region] = {}
    with open(DATA / "regions.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
            region = Region(code=row["code"], name=row["name"], name_en=row["name_en"],
                            level=Level(row["level"]), parent=parent)
            db.session.add(region)
            by_code[row["code"]] = region
    db.session.flush()
    for region in sorted(by_code.values(), key=lambda r: len(r.code)):
        region.path = f"{region.parent.path if region.parent else '/'}{region.id}/"
    db.session.flush()
    return by_code


def seed_users(regions: dict[str, Region], provider_id: int | None = None) -> None:
    city = regions[CITY_CODE]
    people = {
        "admin@demo.careprocure.cn": ("admin", "系统管理员", None),
        "officer@demo.careprocure.cn": ("officer", "王建国", city),
        "xianan.officer@demo.careprocure.cn": ("officer", "李秀英", regions["421202"]),
        "inspector@demo.careprocure.cn": ("inspector", "张伟", city),
    }
    for email, (role, name, region) in people.items():
        if get_by_email(email) is None:
            create_user(email=email, password=DEMO_PASSWORD, role=role, name=name, region=region,
                        locale="zh_CN")
    if provider_id is not None and get_by_email("provider@demo.careprocure.cn") is None:
        create_user(email="provider@demo.careprocure.cn", password=DEMO_PASSWORD,
                    role="provider", name="陈静", provider_id=provider_id, locale="zh_CN")


def seed_demo() -> bool:
    """Seed everything; ``False`` when the demo city was already there."""
    if get_by_code(CITY_CODE) is not None:
        return False
    if db.session.scalar(sa.select(sa.func.count()).select_from(Region)):
        # Somebody's real regions: never mix the demo into them.
        return False
    regions = seed_regions()
    seed_users(regions)
    for step in ordered_steps():
        step()
    return True
