"""Benchmark of the household-record import: 100,000 valid rows as .xlsx and as GBK .csv.

Run: ``.venv/bin/python -m bench.import_households [rows]`` (from /work/main).

Each file is generated first (not timed), then ``import_fn(data, filename, context)`` is timed.
Printed per file: rows per second, wall time, and the PEAK of memory allocated by Python while
importing, measured with ``tracemalloc`` (its peak counts Python allocations only, not the
Rust-side buffers of calamine; the process's maximum RSS, ``ru_maxrss``, is printed too).
tracemalloc slows Python code, so the timing is taken in a separate run without it.

The hook for the full service: :func:`run` takes any ``import_fn(data, filename, context)``;
the lead can pass a function that opens an app context, calls the import service (engine and
bulk insert) and returns its result.
"""

from __future__ import annotations

import csv
import gc
import io
import random
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from openpyxl import Workbook
from stdnum.cn.ric import calc_check_digit

import app.users.models  # noqa: F401  (imported first: app.template_helpers has an import cycle)
from contracts.households.checks import ImportContext, read_households
from contracts.households.files import COLUMNS

ROWS = 100_000
GOAL_SECONDS = 20
GOAL_MB = 500

# Xianning: 咸安区 421202 with towns 421202001..421202015 and villages below them.
TOWNS = [f"421202{n:03d}" for n in range(1, 16)]
VILLAGES = [f"{town}{n:03d}" for town in TOWNS for n in range(1, 21)]
REGION_CODES = frozenset(["421200", "421202", *TOWNS, *VILLAGES])
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国文志红玉兰春梅海燕德福"
PERIOD_START, PERIOD_END, TODAY = date(2026, 1, 1), date(2026, 12, 31), date(2026, 6, 30)
RECOMMENDATIONS_EN = ("dibao", "tekun", "temporary", "none")
RECOMMENDATIONS_ZH = ("低保", "特困", "临时救助", "不符合")

ImportFn = Callable[[bytes, str, ImportContext], Any]


def context() -> ImportContext:
    return ImportContext(allowed_region_codes=REGION_CODES, period_start=PERIOD_START,
                         period_end=PERIOD_END, today=TODAY, existing_id_numbers=frozenset(),
                         max_rows=ROWS)


def households(count: int, seed: int = 4) -> list[tuple]:
    """``count`` valid records with distinct ID numbers (as Python values)."""
    rnd = random.Random(seed)
    first_birth = date(1940, 1, 1)
    records = []
    seen: set[str] = set()
    while len(records) < count:
        village = rnd.choice(VILLAGES)
        born = first_birth + timedelta(days=rnd.randrange(365 * 65))
        body = f"{village[:6]}{born:%Y%m%d}{rnd.randrange(1000):03d}"
        number = body + calc_check_digit(body + "0")
        if number in seen:
            continue
        seen.add(number)
        name = rnd.choice(SURNAMES) + "".join(rnd.choices(GIVEN, k=rnd.choice((1, 2))))
        surveyor = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + rnd.choice(GIVEN)
        income = rnd.randrange(0, 500_000) / 100  # yuan with fen
        assets = rnd.randrange(0, 5_000_000) / 10
        survey = PERIOD_START + timedelta(days=rnd.randrange((TODAY - PERIOD_START).days + 1))
        records.append((number, name, village, rnd.randint(1, 8), income, assets, survey,
                        surveyor, rnd.randrange(4)))
    # the second investigator, never the first, and both signatures; rural or urban
    records = [(*r[:-1], r[7] + "副", r[-1]) for r in records]
    return records


def make_xlsx(records: list[tuple]) -> bytes:
    """English headers; numbers, money and dates as real Excel cells, IDs and codes as text."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("households")
    sheet.append([key for key, _label in COLUMNS])
    for *values, second, recommendation in records:
        sheet.append([*values, RECOMMENDATIONS_EN[recommendation], second, True, "yes",
                      "rural"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def make_csv(records: list[tuple]) -> bytes:
    """GBK with Chinese headers, every value as text, as Excel on Chinese Windows saves it."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([label for _key, label in COLUMNS])
    for (number, name, village, members, income, assets, survey, surveyor, second,
         recommendation) in records:
        writer.writerow([number, name, village, members, f"{income:.2f}", f"{assets:.2f}",
                         survey.isoformat(), surveyor, RECOMMENDATIONS_ZH[recommendation],
                         second, "是", "是", "农村"])
    return buffer.getvalue().encode("gbk")


def measure(import_fn: ImportFn, data: bytes, filename: str, ctx: ImportContext) -> dict:
    gc.collect()
    started = time.perf_counter()
    result = import_fn(data, filename, ctx)
    seconds = time.perf_counter() - started
    rows = len(getattr(result, "rows", ()) or ())
    errors = len(getattr(result, "errors", ()) or ())
    del result
    gc.collect()
    tracemalloc.start()
    result = import_fn(data, filename, ctx)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return {"rows": rows, "errors": errors, "seconds": seconds, "peak_mb": peak / 2**20}


def run(import_fn: ImportFn = read_households, rows: int = ROWS,
        out=sys.stdout) -> list[dict]:
    """Generate both files, time ``import_fn`` on each and print a line per file."""
    records = households(rows)
    ctx = context()
    files = [(f"households_{rows}.xlsx", make_xlsx(records)),
             (f"households_{rows}_gbk.csv", make_csv(records))]
    del records
    report = []
    for filename, data in files:
        stats = measure(import_fn, data, filename, ctx)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        ok = (stats["errors"] == 0 and stats["rows"] == rows
              and stats["seconds"] < GOAL_SECONDS and stats["peak_mb"] < GOAL_MB)
        print(f"{filename:28} {len(data) / 2**20:6.1f} MB file  {stats['rows']:>7} rows  "
              f"{stats['errors']} errors  {stats['seconds']:6.2f} s  "
              f"{stats['rows'] / stats['seconds']:>9,.0f} rows/s  "
              f"tracemalloc peak {stats['peak_mb']:6.1f} MB  "
              f"process max RSS {rss_mb:6.1f} MB  {'OK' if ok else 'MISSED GOAL'}",
              file=out)
        report.append({"file": filename, **stats, "ok": ok})
    return report


# ---- the full service: engine, duplicate lookup and bulk insert into SQLite ----------------

def _service_app(tmp: str):
    """An app on a fresh SQLite file with the bench's regions and an ACTIVE contract."""
    from app import clock, create_app
    from app.extensions import db
    from app.regions.models import Level
    from app.regions.services import create_region
    from config import TestingConfig
    from contracts import services

    class BenchConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp}/bench.sqlite3"
        INSTANCE_DIR = tmp

    app = create_app(BenchConfig)
    with app.app_context():
        db.create_all()
        clock.set_clock(lambda: datetime(TODAY.year, TODAY.month, TODAY.day, 4, tzinfo=UTC))
        create_region("421200", "咸宁市", Level.CITY, None)
        create_region("421202", "咸安区", Level.COUNTY, "421200")
        for town in TOWNS:
            create_region(town, f"镇{town[-3:]}", Level.TOWNSHIP, "421202")
        for village in VILLAGES:
            create_region(village, f"村{village[-6:]}", Level.VILLAGE, village[:9])
        from contracts.credit_code import make_credit_code

        provider = services.create_provider(name="基准社工服务中心", kind="social_org",
                                            credit_code=make_credit_code("52", "421202",
                                                                         "00000001"))
        contract = services.create_contract(
            title="基准入户调查", service_type="household_survey", provider=provider,
            region="421202", start_date=PERIOD_START, end_date=PERIOD_END,
            amount="100000.00", targets={"households": ROWS})
        services.transition_contract(contract, "active", actor=None)
        db.session.commit()
        contract_id = contract.id
    return app, contract_id


def run_service(rows: int = ROWS, out=sys.stdout) -> list[dict]:
    """Time ``contracts.households.import_households`` (with its commit) on both files."""
    import tempfile

    import sqlalchemy as sa

    from app import clock
    from app.extensions import db
    from contracts.households.models import HouseholdImport, HouseholdRecord
    from contracts.households.services import import_households
    from contracts.models import Contract

    records = households(rows)
    files = [(f"households_{rows}.xlsx", make_xlsx(records)),
             (f"households_{rows}_gbk.csv", make_csv(records))]
    del records
    report = []
    with tempfile.TemporaryDirectory() as tmp:
        app, contract_id = _service_app(tmp)
        with app.app_context():
            clock.set_clock(lambda: datetime(TODAY.year, TODAY.month, TODAY.day, 4, tzinfo=UTC))

            def once(data: bytes, filename: str) -> int:
                contract = db.session.get(Contract, contract_id)
                batch = import_households(contract, data, filename, None)
                db.session.commit()
                return batch.rows

            def clean() -> None:
                db.session.execute(sa.delete(HouseholdRecord))
                db.session.execute(sa.delete(HouseholdImport))
                db.session.commit()
                db.session.expunge_all()

            for filename, data in files:
                gc.collect()
                started = time.perf_counter()
                imported = once(data, filename)
                seconds = time.perf_counter() - started
                stored = db.session.scalar(sa.select(sa.func.count()).select_from(
                    HouseholdRecord))
                clean()
                gc.collect()
                tracemalloc.start()
                once(data, filename)
                _current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                clean()
                peak_mb = peak / 2**20
                rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                ok = (imported == rows == stored and seconds < GOAL_SECONDS
                      and peak_mb < GOAL_MB)
                print(f"{'service ' + filename:36} {imported:>7} rows stored  "
                      f"{seconds:6.2f} s  {imported / seconds:>9,.0f} rows/s  "
                      f"tracemalloc peak {peak_mb:6.1f} MB  process max RSS {rss_mb:6.1f} MB  "
                      f"{'OK' if ok else 'MISSED GOAL'}", file=out)
                report.append({"file": filename, "rows": imported, "seconds": seconds,
                               "peak_mb": peak_mb, "ok": ok})
            clock.set_clock(None)
            db.session.remove()
            db.engine.dispose()
    return report


def main(argv: list[str]) -> int:
    rows = int(argv[1]) if len(argv) > 1 else ROWS
    print(f"household import engine: {rows} rows per file; goal < {GOAL_SECONDS} s and "
          f"< {GOAL_MB} MB peak each")
    report = run(read_households, rows)
    print(f"full import service (engine + bulk insert into SQLite + commit): {rows} rows")
    report += run_service(rows)
    return 0 if all(line["ok"] for line in report) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
