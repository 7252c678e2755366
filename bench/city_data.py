"""The city-scale dataset of ``bench/city.py``, written with bulk SQL shaped by the real models.

Regions, templates and the few users who log in go through the services (so their rules
hold); everything counted in thousands is written with core INSERTs of rows built here — COPY on
PostgreSQL, ``executemany`` on SQLite — with explicit ids, so that rows can point at each other
without reading them back. Column defaults of the models fill what a row leaves out.

Scales (``SCALES``): ``city`` is the issue's prefecture-level city (≈3,000 contracts, 60,000
inspections, 2.2 M answers, 200,000 household records, 16,000 corrective actions); ``demo``
is 1/20 of it (what SQLite is measured with).
"""

from __future__ import annotations

import json
import random
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import sqlalchemy as sa

SCALES = {
    "city": dict(providers=500, facilities=300, contracts=3000, inspections=60_000,
                 households=200_000, actions=16_000, townships_per_county=12),
    "demo": dict(providers=25, facilities=15, contracts=150, inspections=3_000,
                 households=10_000, actions=800, townships_per_county=3),
}
TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
PASSWORD = "bench-pass-2026"
COUNTIES = [("421202", "咸安区"), ("421221", "嘉鱼县"), ("421222", "通城县"),
            ("421223", "崇阳县"), ("421224", "通山县"), ("421281", "赤壁市")]
TEMPLATE_OF = {"household_survey": "survey_service", "facility_operation": "quality",
               "entrusted_care": "child_welfare"}
TYPE_CODE = {"household_survey": "HS", "facility_operation": "FO", "entrusted_care": "EC"}


def _defaults(table: sa.Table, row: dict) -> dict:
    """``row`` with every column the model defaults filled (COPY applies none)."""
    full = dict(row)
    for column in table.columns:
        if column.name in full or column.default is None:
            continue
        default = column.default
        if default.is_scalar:
            full[column.name] = default.arg
        elif default.is_callable:
            full[column.name] = default.arg(None)
    return full


def _plain(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if hasattr(value, "value") and isinstance(value, str):  # a StrEnum member
        return value.value
    return value


def bulk(db, name: str, rows: list[dict]) -> None:
    """Write ``rows`` into table ``name``: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    table = db.metadata.tables[name]
    rows = [_defaults(table, r) for r in rows]
    columns = list(rows[0])
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        for start in range(0, len(rows), 20_000):
            connection.execute(table.insert(), rows[start:start + 20_000])
        return
    cursor = connection.connection.driver_connection.cursor()
    quoted = ", ".join(f'"{c}"' for c in columns)
    with cursor.copy(f'COPY "{name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([_plain(row[c]) for c in columns])
    if "id" in columns:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                       f"(SELECT max(id) FROM \"{name}\"))")


def _people(db, counties, city):
    from app.users.services import create_user

    people = SimpleNamespace(
        city_officer=create_user(email="city.officer@bench.cn", password=PASSWORD,
                                 role="officer", region=city),
        county_officer=create_user(email="county.officer@bench.cn", password=PASSWORD,
                                   role="officer", region=counties[0]),
        inspectors=[create_user(email=f"inspector{i}@bench.cn", password=PASSWORD,
                                role="inspector", region=counties[i % len(counties)])
                    for i in range(60)])
    db.session.flush()
    return people


def build(db, scale: str, log=print) -> SimpleNamespace:
    """Fill the (empty, created) database; returns who logs in and a few ids."""
    from app.regions.models import Level
    from app.regions.services import create_region
    from app.users.services import create_user
    from contracts.credit_code import make_credit_code
    from evaluations.assessment.services import current_template, seed_builtin_templates

    size, rnd, started = SCALES[scale], random.Random(15), time.monotonic()
    city = create_region("421200", "咸宁市", Level.CITY, None, "Xianning")
    counties, townships = [], []
    for code, name in COUNTIES:
        county = create_region(code, name, Level.COUNTY, city.code, name)
        counties.append(county)
        for t in range(size["townships_per_county"]):
            townships.append(create_region(f"{code}{t + 1:03d}", f"{name}{t + 1}镇",
                                           Level.TOWNSHIP, code, f"{name} {t + 1}"))
    seed_builtin_templates()
    people = _people(db, counties, city)
    templates = {code: current_template(code) for code in TEMPLATE_OF.values()}
    items = {code: [(i.id, i.kind, Decimal(i.max_points), i.critical, t.id) for i in t.items]
             for code, t in templates.items()}
    db.session.commit()
    log(f"  regions, templates, users: {time.monotonic() - started:.1f}s")

    county_of = {t.id: counties[i // size["townships_per_county"]].id
                 for i, t in enumerate(townships)}
    providers = [dict(id=n, name=f"咸宁市第{n}社会工作服务中心", kind="social_org",
                      credit_code=make_credit_code("52", "421200", f"{n:08d}"),
                      created_at=NOW, updated_at=NOW)
                 for n in range(1, size["providers"] + 1)]
    bulk(db, "providers", providers)
    facilities, wards = [], []
    for n in range(1, size["facilities"] + 1):
        town = townships[n % len(townships)]
        facilities.append(dict(id=n, name=f"{town.name}敬老院{n}", kind="elderly_home",
                               region_id=town.id, beds=90, created_at=NOW, updated_at=NOW))
        wards += [dict(id=3 * n + k - 2, facility_id=n, ward=w, beds=30)
                  for k, w in enumerate(("self_care", "semi_disabled", "disabled"), 1)]
    bulk(db, "facilities", facilities)
    bulk(db, "facility_wards", wards)

    contracts, installments, submissions = [], [], []
    kinds = (["facility_operation"] * size["facilities"]
             + ["household_survey"] * (size["contracts"] * 2 // 5))
    kinds += ["entrusted_care"] * (size["contracts"] - len(kinds))
    seq: dict[tuple, int] = {}
    for n, kind in enumerate(kinds, 1):
        year = 2024 + n % 3
        facility = (n - 1) % size["facilities"] + 1 if kind == "facility_operation" else None
        region = (facilities[facility - 1]["region_id"] if facility
                  else counties[n % len(counties)].id)
        key = (year, kind)
        seq[key] = seq.get(key, 0) + 1
        provider = 1 if n % 60 == 0 else rnd.randrange(2, size["providers"] + 1)
        status = "active" if year == 2026 else "completed"
        targets = ({"households": 200} if kind == "household_survey"
                   else {"children": 20} if kind == "entrusted_care" else {"occupancy": 80})
        contracts.append(dict(
            id=n, number=f"XN-{year}-{TYPE_CODE[kind]}-{seq[key]:04d}",
            title=f"{year}年{kind}服务{n}", service_type=kind, provider_id=provider,
            facility_id=facility, region_id=region, start_date=date(year, 1, 1),
            end_date=date(year, 12, 31), amount=Decimal("240000.00"), reporting="monthly",
            report_due_days=10, targets=targets,
            weights={"inspection": 60, "timeliness": 20, "targets": 20}, status=status,
            version=1, revision=1, created_at=NOW, updated_at=NOW))
        installments += [dict(id=2 * n - 1, contract_id=n, seq=1, share_percent=Decimal(60),
                              due_date=date(year, 3, 31), performance_linked=False),
                         dict(id=2 * n, contract_id=n, seq=2, share_percent=Decimal(40),
                              due_date=date(year + 1, 1, 31), performance_linked=True)]
        for month in range(1, 13):
            sent = datetime(year, month, 28, tzinfo=UTC) + timedelta(days=rnd.randrange(14))
            if sent.date() > TODAY:
                break
            submissions.append(dict(
                contract_id=n, period=f"{year}-{month:02d}", status="approved",
                data=({"children_in_care": 18} if kind == "entrusted_care" else
                      {"occupancy": {"self_care": 25, "semi_disabled": 20, "disabled": 24}}
                      if kind == "facility_operation" else {}),
                submitted_at=sent, first_submitted_at=sent,
                late=sent.day > 10 and sent.month != month, created_at=NOW, updated_at=NOW))
    bulk(db, "contracts", contracts)
    bulk(db, "installments", installments)
    bulk(db, "submissions", submissions)
    db.session.commit()
    log(f"  providers, homes, contracts, reports: {time.monotonic() - started:.1f}s")

    inspections, actions = _inspections(size, rnd, contracts, templates, people)
    bulk(db, "inspections", inspections)
    answers = 0
    for chunk in _answers(rnd, inspections, items):
        bulk(db, "inspection_answers", chunk)
        answers += len(chunk)
    bulk(db, "corrective_actions", actions)
    db.session.commit()
    log(f"  {len(inspections)} inspections, {answers} answers, {len(actions)} actions: "
        f"{time.monotonic() - started:.1f}s")

    surveys = [c for c in contracts if c["service_type"] == "household_survey"]
    imports, records = [], []
    per = size["households"] // len(surveys)
    for i, c in enumerate(surveys, 1):
        year = c["start_date"].year
        imports.append(dict(id=i, contract_id=c["id"], filename=f"h{i}.xlsx",
                            sha256=f"{i:064x}", rows=per, imported_at=NOW))
        towns = [t.id for t in townships if county_of[t.id] == c["region_id"]]
        for r in range(per):
            day = date(year, 1, 1) + timedelta(days=rnd.randrange(300))
            members, verdict = rnd.randint(1, 6), rnd.choice(("dibao", "none"))
            # against the city's 低保 standard of 700 a head: about 9 % of the 低保 verdicts
            # above it, 2 % of the refusals far below it, 4 % over the asset limit
            income = (rnd.randrange(0, 770 * members) if verdict == "dibao"
                      else rnd.randrange(300 * members, 3_000 * members))
            records.append(dict(
                contract_id=c["id"], period=f"{year}-{day.month:02d}",
                id_number=f"4212{i:06d}{r:07d}X", head_name="王秀英",
                region_id=towns[r % len(towns)], members=members,
                monthly_income=Decimal(income), assets=Decimal(rnd.randrange(0, 1_000_000)) / 10,
                survey_date=day, surveyor=f"调查员{r % 40}", recommendation=verdict,
                second_surveyor=f"复核员{r % 40}", surveyors_signed=True,
                applicant_signed=True, area="rural", import_id=i, created_at=NOW))
    bulk(db, "household_imports", imports)
    bulk(db, "household_records", records)
    bulk(db, "assistance_standards", [
        dict(region_id=city.id, year=year, area="rural", dibao_monthly=Decimal(700),
             tekun_monthly=Decimal(910), near_poor_monthly=Decimal(1050),
             asset_limit_per_person=Decimal(50_000), created_at=NOW, updated_at=NOW)
        for year in sorted({c["start_date"].year for c in surveys})])
    owner = db.session.get(__import__("contracts.models", fromlist=["Provider"]).Provider, 1)
    people.provider_user = create_user(email="provider@bench.cn", password=PASSWORD,
                                       role="provider", provider_id=owner.id)
    db.session.commit()
    log(f"  {len(records)} household records: {time.monotonic() - started:.1f}s")
    people.survey_id = next(c["id"] for c in surveys if c["provider_id"] == 1) \
        if any(c["provider_id"] == 1 for c in surveys) else surveys[0]["id"]
    return people


def _inspections(size, rnd, contracts, templates, people):
    """Inspections spread over each contract's year (finalized up to a few days ago, then
    scheduled), and the corrective actions of the items scored short in the poor ones."""
    inspections, actions = [], []
    per_contract = size["inspections"] // len(contracts)
    sections = {code: [s.id for s in t.sections] for code, t in templates.items()}
    for c in contracts:
        code = TEMPLATE_OF[c["service_type"]]
        year = c["start_date"].year
        # this year's run up to November, then one more scheduled ahead (the to-do lists)
        spread, extra = (300, 1) if year == TODAY.year else (360, 0)
        for k in range(per_contract + extra):
            n = len(inspections) + 1
            day = (date(year, 1, 5) + timedelta(days=(k * spread // per_contract))
                   if k < per_contract else TODAY + timedelta(days=n % 20 - 3))
            done = day <= TODAY - timedelta(days=5)
            total = Decimal(rnd.randrange(550, 1000)) / 10 if done else None
            grade = (None if total is None else "excellent" if total >= 90
                     else "good" if total >= 80 else "pass" if total >= 60 else "fail")
            inspector = people.inspectors[n % len(people.inspectors)]
            inspections.append(dict(
                id=n, template_id=templates[code].id,
                facility_id=c["facility_id"], contract_id=None if c["facility_id"] else c["id"],
                region_id=c["region_id"], provider_id=c["provider_id"],
                inspector_id=inspector.id, scheduled_for=day,
                status="finalized" if done else "scheduled", version=1,
                submitted_at=NOW if done else None, finalized_at=NOW if done else None,
                total=total, grade=grade, failed_critical=[] if done else None,
                section_scores=_section_scores(rnd, sections[code], total) if done else None,
                verification_code=f"B{n:09d}" if done else None,
                created_at=NOW, updated_at=NOW))
            if done and total < 70 and len(actions) < size["actions"]:
                for _ in range(2):
                    actions.append(dict(
                        inspection_id=n, facility_id=c["facility_id"],
                        contract_id=None if c["facility_id"] else c["id"],
                        provider_id=c["provider_id"], region_id=c["region_id"],
                        description="整改：消防通道堆放杂物", severity="yellow",
                        deadline=day + timedelta(days=30),
                        status="closed" if day < TODAY - timedelta(days=60) else "open",
                        created_at=NOW, updated_at=NOW))
    return inspections, actions


def _section_scores(rnd, section_ids: list[int], total: Decimal) -> list[dict]:
    """Each section's score near the total, stored as the scoring stores it (text, 1 place)."""
    tenths = int(total * 10)
    return [{"section_id": sid,
             "score": str(Decimal(rnd.randrange(max(0, tenths - 80), min(1000, tenths + 80) + 1))
                          / 10)}
            for sid in section_ids]


def _answers(rnd, inspections, items, chunk: int = 200_000):
    """Every item of each finalized inspection's template, in chunks of ``chunk`` rows."""
    code_of = {}
    rows, answer_id = [], 0
    for inspection in inspections:
        if inspection["total"] is None:
            continue
        template_id = inspection["template_id"]
        if template_id not in code_of:
            code_of[template_id] = next(code for code, listed in items.items()
                                        if listed[0][4] == template_id)
        low = inspection["total"] < 80
        for item_id, kind, most, _critical, _template in items[code_of[template_id]]:
            answer_id += 1
            short = low and rnd.random() < 0.2
            rows.append(dict(
                id=answer_id, inspection_id=inspection["id"], item_id=item_id,
                points=None if kind == "yes_no" else (most / 2 if short else most),
                yes=(not short) if kind == "yes_no" else None, na=False, version=1,
                updated_at=NOW))
            if len(rows) >= chunk:
                yield rows
                rows = []
    if rows:
        yield rows
