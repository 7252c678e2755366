"""Demo household records: about 3,000 records across the demo's active household-survey
contracts, each visit by two investigators and signed, the assistance standards of the city and
its counties for last year and this year (urban and rural), a few households of staff
relatives, a few anomalies of each kind and one finished spot check. Runs after the contracts
step (registered after it)."""

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
from contracts.households.files import FIELDS, INCOME_FIELDS
from contracts.households.models import AssistanceStandard, HouseholdRecord
from contracts.households.services import import_households, period_key
from contracts.households.spot_checks import draw_spot_check, record_result
from contracts.households.standards import save_standard
from contracts.models import Contract, ContractStatus, ServiceType

RECORDS = 3000
#: urban 低保 standard, yuan per person and month, this year (咸宁 about ¥700–¥800); rural is
#: 80 % of it, last year's 5 % lower, and the asset limit 24 months of the standard
STANDARDS = {CITY_CODE: 700, "421202": 800, "421221": 720, "421222": 700, "421223": 730,
             "421224": 700, "421281": 760}
COLUMNS = (*FIELDS, "staff_relative", *INCOME_FIELDS[:2], "photos_taken")


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
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row.get(key, "") for key in COLUMNS])
    return buffer.getvalue().encode("utf-8")


def _seed_standards(year: int) -> None:
    for code, urban in STANDARDS.items():
        for when, factor in ((year - 1, Decimal("0.95")), (year, Decimal(1))):
            for area, share in (("urban", Decimal(1)), ("rural", Decimal("0.8"))):
                amount = (Decimal(urban) * factor * share).quantize(Decimal(1))
                save_standard(region=code, year=when, area=area, dibao_monthly=amount,
                              asset_limit_per_person=amount * 24, actor=None)


def _standard(code: str, area: str) -> int:
    urban = STANDARDS.get(code[:6], STANDARDS[CITY_CODE])
    return urban if area == "urban" else urban * 8 // 10


def _row(rng: random.Random, fake: Faker, county: str, village: Region, day: date,
         surveyors: list[tuple[str, str]], seen: set[str]) -> dict:
    members = rng.randint(1, 6)
    recommendation = rng.choices(["dibao", "tekun", "temporary", "none"], [45, 10, 15, 30])[0]
    area = "urban" if rng.random() < 0.3 else "rural"
    standard = _standard(county, area)
    assisted = recommendation in ("dibao", "tekun")
    per_head = rng.randrange(150, standard - 60) if assisted else \
        rng.randrange(standard, 2500)
    income = per_head * members
    first, second = rng.choice(surveyors)
    row = {"id_number": _id_number(rng, county, seen), "head_name": fake.name(),
           "region_code": village.code, "members": members, "monthly_income": f"{income}.00",
           "assets": f"{rng.randrange(0, standard * 20 * members, 100)}.00",
           "survey_date": day.isoformat(), "surveyor": first, "second_surveyor": second,
           "surveyors_signed": "是", "applicant_signed": "是", "area": area,
           "recommendation": recommendation, "staff_relative": "是" if rng.random() < 0.01
           else "否", "photos_taken": "是" if rng.random() < 0.9 else "否"}
    if rng.random() < 0.5:
        wages = income * rng.randrange(0, 101) // 100
        row |= {"income_wages": f"{wages}.00", "income_farming": f"{income - wages}.00"}
    return row


def _anomalies(rows: list[dict], index: int, contracts: list[Contract], contract: Contract,
               shared: list[tuple[str, date]]) -> None:
    # income far above the standard yet recommended dibao ...
    for row in rows[:3]:
        row |= {"recommendation": "dibao", "income_wages": "", "income_farming": "",
                "monthly_income": f"{1500 * int(row['members'])}.00"}
    # ... assets far above the limit yet dibao, and a very low income judged not eligible ...
    rows[3] |= {"recommendation": "dibao", "assets": f"{60_000 * int(rows[3]['members'])}.00"}
    rows[4] |= {"recommendation": "none", "income_wages": "", "income_farming": "",
                "monthly_income": f"{60 * int(rows[4]['members'])}.00"}
    # ... one surveyor with 18 households on one day (first contracts only) ...
    if index < 2 and len(rows) > 40:
        busy = rows[10]["survey_date"]
        for row in rows[10:28]:
            row |= {"survey_date": busy, "surveyor": "赵敏", "second_surveyor": "钱伟"}
    # ... and an ID number surveyed under two contracts in one period
    if index > 0 and shared:
        number, day = shared[-1]
        if contract.covers(day) and period_key(contract.reporting, day) == period_key(
                contracts[index - 1].reporting, day) and day <= clock.today():
            rows[-1] |= {"id_number": number, "survey_date": day.isoformat()}
    shared.append((rows[-2]["id_number"], date.fromisoformat(rows[-2]["survey_date"])))


@seed_step("households", after=("contracts",))
def seed_households() -> None:
    if db.session.scalar(sa.select(sa.func.count()).select_from(HouseholdRecord)):
        return
    fake = Faker("zh_CN")
    Faker.seed(2026)
    rng = random.Random(2026)
    today = clock.today()
    regions = {r.code: r for r in db.session.scalars(sa.select(Region))}
    if not db.session.scalar(sa.select(sa.func.count()).select_from(AssistanceStandard)):
        _seed_standards(today.year)
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
        first, last = contract.start_date, min(contract.end_date, today)
        span = max((last - first).days, 0)
        surveyors = [(fake.name(), fake.name()) for _ in range(6)]
        rows = [_row(rng, fake, region.code, rng.choice(villages),
                     first + timedelta(days=rng.randrange(span + 1)), surveyors, seen)
                for _n in range(per_contract)]
        if len(rows) > 5:
            _anomalies(rows, index, contracts, contract, shared)
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
