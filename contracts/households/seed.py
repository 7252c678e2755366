"""Demo household records: about 3,000 records across the demo's active household-survey
contracts, subsistence standards of the city and its counties, a few anomalies of each kind and
one finished spot check. Runs after the contracts step (registered after it)."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from faker import Faker
from stdnum.cn.ric import calc_check_digit

from app import clock
from app.demo.seed import CITY_CODE, seed_step
from app.extensions import db
from app.regions.models import Level, Region
from app.users.models import Role, User
from contracts.households.files import FIELDS
from contracts.households.models import HouseholdRecord, SubsistenceStandard
from contracts.households.services import import_households, period_key
from contracts.households.spot_checks import draw_spot_check, record_result
from contracts.models import Contract, ContractStatus, ServiceType

RECORDS = 3000
#: yuan per person and month, from 2026-01-01 (咸宁 about ¥700–¥800)
STANDARDS = {CITY_CODE: 700, "421202": 800, "421221": 720, "421222": 700, "421223": 730,
             "421224": 700, "421281": 760}


def _id_number(rng: random.Random, county: str, seen: set[str]) -> str:
    while True:
        born = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 60))
        body = f"{county[:6]}{born:%Y%m%d}{rng.randrange(1000):03d}"
        number = body + calc_check_digit(body + "0")
        if number not in seen:
            seen.add(number)
            return number


def _csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(FIELDS)
    for row in rows:
        writer.writerow([row[key] for key in FIELDS])
    return buffer.getvalue().encode("utf-8")


@seed_step("households", after=("contracts",))
def seed_households() -> None:
    if db.session.scalar(sa.select(sa.func.count()).select_from(HouseholdRecord)):
        return
    fake = Faker("zh_CN")
    Faker.seed(2026)
    rng = random.Random(2026)
    today = clock.today()
    regions = {r.code: r for r in db.session.scalars(sa.select(Region))}
    for code, amount in STANDARDS.items():
        if code in regions:
            db.session.add(SubsistenceStandard(region=regions[code],
                                               monthly_amount=Decimal(amount),
                                               effective_from=date(today.year, 1, 1)))
    db.session.flush()
    contracts = db.session.scalars(sa.select(Contract).where(
        Contract.service_type == ServiceType.HOUSEHOLD_SURVEY,
        Contract.status == ContractStatus.ACTIVE, Contract.start_date <= today)
        .order_by(Contract.id)).all()
    if not contracts:
        return
    seen: set[str] = set()
    per_contract = max(RECORDS // len(contracts), 1)
    shared: list[tuple[str, date]] = []
    for index, contract in enumerate(contracts):
        region = contract.region
        villages = [r for r in regions.values()
                    if r.path.startswith(region.path) and r.level is Level.VILLAGE] or \
                   [r for r in regions.values() if r.path.startswith(region.path)]
        first = contract.start_date
        last = min(contract.end_date, today)
        span = max((last - first).days, 0)
        surveyors = [f"{fake.name()}、{fake.name()}" for _ in range(6)]
        rows = []
        for _n in range(per_contract):
            village = rng.choice(villages)
            day = first + timedelta(days=rng.randrange(span + 1))
            members = rng.randint(1, 6)
            recommendation = rng.choices(["dibao", "tekun", "temporary", "none"],
                                         [45, 10, 15, 30])[0]
            per_head = rng.randrange(150, 650) if recommendation in ("dibao", "tekun") \
                else rng.randrange(300, 2500)
            rows.append({
                "id_number": _id_number(rng, region.code, seen), "head_name": fake.name(),
                "region_code": village.code, "members": members,
                "monthly_income": f"{per_head * members}.00",
                "assets": f"{rng.randrange(0, 80_000, 100)}.00", "survey_date": day.isoformat(),
                "surveyor": rng.choice(surveyors), "recommendation": recommendation,
            })
        # anomalies: income far above the standard yet recommended dibao ...
        for row in rows[:3]:
            row["recommendation"] = "dibao"
            row["monthly_income"] = f"{1500 * int(row['members'])}.00"
        # ... one surveyor with 18 households on one day (first contracts only) ...
        if index < 2 and len(rows) > 40:
            busy = rows[10]["survey_date"]
            for row in rows[10:28]:
                row["survey_date"] = busy
                row["surveyor"] = "赵敏、钱伟"
        # ... and an ID number surveyed under two contracts in one period
        if index > 0 and shared:
            number, day = shared[-1]
            if contract.covers(day) and period_key(contract.reporting, day) == period_key(
                    contracts[index - 1].reporting, day) and day <= today:
                rows[-1]["id_number"] = number
                rows[-1]["survey_date"] = day.isoformat()
        shared.append((rows[-2]["id_number"], date.fromisoformat(rows[-2]["survey_date"])))
        import_households(contract, _csv(rows), f"demo-{contract.number}.csv", None)
    _seed_spot_check(contracts[0])


def _seed_spot_check(contract: Contract) -> None:
    inspector = db.session.scalar(sa.select(User).where(User.role == Role.INSPECTOR)
                                  .order_by(User.id))
    if inspector is None:
        return
    period = db.session.scalar(
        sa.select(HouseholdRecord.period).where(HouseholdRecord.contract_id == contract.id)
        .group_by(HouseholdRecord.period).order_by(sa.func.count().desc()))
    if period is None:
        return
    spot_check = draw_spot_check(contract, period=period, inspector=inspector, actor=None,
                                 seed=20260101, minimum=10)
    for n, item in enumerate(spot_check.items):
        if n == 3:
            record_result(item, actor=None, result="discrepant", field="members",
                          finding="入户核实家庭人口为 2 人，记录为 4 人。")
        else:
            record_result(item, actor=None, result="confirmed")
