"""Pages and API lists at the scale of a real city: ``python -m bench.city [build|measure|all]
[--db URL] [--scale city|demo] [--rounds N]``.

``build`` (or ``figures``: only the stored performance figures, again) empties the database named by ``--db`` (default: a new SQLite file, demo scale),
creates the schema and writes the dataset of :mod:`bench.city_data` (PostgreSQL: use a
database of its own, e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/city_bench``), then
computes the stored performance figures as the nightly job does. ``measure`` requests every
main page and API list as a city officer, a county officer, an inspector and a provider, in
one process through the WSGI app (no network): the first request of each URL, then ``--rounds``
more, and prints first / p50 / p95 milliseconds and the SQL statements of one request. On
PostgreSQL it also runs ``EXPLAIN ANALYZE`` on each page's slowest statement and says whether a
large table was read whole (``seq scan``).

Goals (issue 15): p95 ≤ 150 ms for every page and API list, first request included, and ≤ 12
statements per page.
"""

from __future__ import annotations

import argparse
import math
import re
import statistics
import tempfile
import time
from pathlib import Path

import app.users.models  # noqa: F401  (models first: see bench/household_import.py)
from bench import host_speed
from bench.city_data import NOW, PASSWORD, SCALES, build

BIG_TABLES = ("inspections", "inspection_answers", "household_records", "corrective_actions",
              "contracts", "submissions", "performance_figures", "installments")
PAGES = {
    "officer": ["/", "/reports/dashboard", "/contracts", "/providers", "/facilities",
                "/evaluations/inspections", "/evaluations/actions", "/review-queue",
                "/contracts/{survey}/households", "/households/anomalies",
                "/reports/inspections/{scored}/scorecard.pdf", "/providers/suggest?q=中心",
                # detail pages whose tables grew with their rows
                "/contracts/{survey}", "/reports/contracts/{survey}/performance",
                "/reports/contracts/{survey}/scorecard.pdf",
                "/evaluations/inspections/{scored}", "/evaluations/inspections/{scored}/actions",
                "/evaluations/actions/providers?q=中心", "/reports/inspection-plan",
                "/contracts/new", "/evaluations/inspections/new", "/evaluations/actions/new",
                "/reports/exports"],
    "inspector": ["/", "/reports/dashboard", "/evaluations/inspections",
                  "/evaluations/actions"],
    "provider": ["/", "/reports/dashboard", "/reports/exports", "/contracts",
                 "/evaluations/inspections",
                 "/evaluations/actions", "/my-reports", "/contracts/{survey}/households",
                 "/reports/inspections/{scored}/scorecard.pdf"],
}
APIS = {
    "officer": ["/api/v1/contracts", "/api/v1/providers", "/api/v1/facilities",
                "/api/v1/inspections", "/api/v1/inspections?per_page=10",
                "/api/v1/corrective-actions", "/api/v1/contracts/{survey}/households",
                "/api/v1/contracts/{survey}/submissions", "/api/v1/ocds/releases.json",
                "/api/v1/ocds/records.json", "/api/v1/inspection-plan"],
    "inspector": ["/api/v1/inspections"],
    "provider": ["/api/v1/contracts", "/api/v1/inspections", "/api/v1/corrective-actions"],
}


def make_app(url: str):
    from app import clock, create_app
    from config import TestingConfig

    class BenchConfig(TestingConfig):
        TESTING = False
        SQLALCHEMY_DATABASE_URI = url
        INSTANCE_DIR = tempfile.mkdtemp(prefix="bench-city-")
        UPLOAD_DIR = INSTANCE_DIR

    clock.set_clock(lambda: NOW)
    return create_app(BenchConfig)


def do_build(app, scale: str) -> None:
    from app.extensions import db

    with app.app_context():
        started = time.monotonic()
        db.drop_all()
        db.create_all()
        print(f"building the {scale} dataset ({SCALES[scale]['contracts']} contracts) on "
              f"{db.engine.dialect.name}")
        build(db, scale)
        _analyze(db)  # the planner's statistics, before the figures' thousands of queries
        do_figures(app)
        _analyze(db)
        print(f"built in {time.monotonic() - started:.1f}s")


def _analyze(db) -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def do_figures(app) -> None:
    """Compute every stored performance figure, section mean and anomaly flag, as the nightly
    jobs do."""
    from app.extensions import db
    from contracts.households import flags
    from reports.jobs import refresh_performance

    with app.app_context():
        started = time.monotonic()
        written = refresh_performance()
        print(f"  {written} (the nightly job): "
              f"{time.monotonic() - started:.1f}s")
        started = time.monotonic()
        count = flags.refresh_all()
        db.session.commit()
        print(f"  {count} household anomaly flags (the nightly job): "
              f"{time.monotonic() - started:.1f}s")


_QUERY = re.compile(r"\s*(SELECT|WITH)\b", re.IGNORECASE)


class Recorder:
    """Statements of the current request, with the slowest query and its parameters (a query:
    ``EXPLAIN ANALYZE`` runs what it explains, and a write explained again would be written
    twice — a printed scorecard's code refused as a duplicate)."""

    def __init__(self) -> None:
        self.count, self.slowest, self._start = 0, (0.0, "", None), 0.0

    def reset(self) -> None:
        self.count, self.slowest = 0, (0.0, "", None)

    def before(self, conn, cursor, statement, parameters, context, executemany):
        self._start = time.perf_counter()

    def after(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        spent = time.perf_counter() - self._start
        if spent > self.slowest[0] and _QUERY.match(statement):
            self.slowest = (spent, statement, parameters)


_SEQ_SCAN = re.compile(r"Seq Scan on (\w+).*?actual time=[\d.]+\.\.([\d.]+) rows=(\d+)")
_TIMES = re.compile(r"(Planning|Execution) Time: ([\d.]+) ms")


def _explain(db, statement: str, parameters) -> str:
    """``index`` when the plan reads no large table whole, else the tables scanned, with the
    rows each scan kept and its milliseconds; then the milliseconds of planning and running it
    (a statement whose text changes with its LIMIT and OFFSET is planned anew each time: a
    join of many tables can take longer to plan than to run)."""
    with db.engine.connect() as conn:
        plan = "\n".join(r[0] for r in conn.exec_driver_sql(
            "EXPLAIN ANALYZE " + statement, parameters))
    scans = sorted(f"{table} ({int(rows):,} rows, {float(ms):.1f} ms)"
                   for table, ms, rows in _SEQ_SCAN.findall(plan) if table in BIG_TABLES)
    times = dict(_TIMES.findall(plan))
    return ("seq scan: " + ", ".join(scans) if scans else "index") + (
        f"; planned {float(times['Planning']):.1f} + ran {float(times['Execution']):.1f} ms"
        if len(times) == 2 else "")


def _logins(app, db):
    import sqlalchemy as sa

    from app.scoping import region_subtree
    from app.users.models import User
    from evaluations.inspections.models import Inspection
    from tests.clients import ApiClient, Browser, IsolatedClient

    app.test_client_class = IsolatedClient
    with app.app_context():
        by_email = {u.email: u for u in db.session.scalars(sa.select(User))}
        busiest = db.session.scalar(
            sa.select(Inspection.inspector_id).group_by(Inspection.inspector_id)
            .order_by(sa.func.count().desc()).limit(1))
        inspector = db.session.get(User, busiest).email
        from contracts.models import Contract
        survey = db.session.scalar(sa.select(Contract.id).where(
            Contract.service_type == "household_survey", Contract.provider_id == 1)
            .order_by(Contract.id.desc()).limit(1))
        # a scorecard both officers and the provider may print: the provider's newest
        # finalized inspection in the county officer's county
        county = by_email["county.officer@bench.cn"].region
        scored = db.session.scalar(sa.select(Inspection.id).where(
            Inspection.provider_id == 1, Inspection.status == "finalized",
            Inspection.region_id.in_(region_subtree(county)))
            .order_by(Inspection.id.desc()).limit(1))
    users = {"city officer": ("officer", "city.officer@bench.cn"),
             "county officer": ("officer", "county.officer@bench.cn"),
             "inspector": ("inspector", inspector),
             "provider": ("provider", "provider@bench.cn")}
    sessions = {}
    for label, (role, email) in users.items():
        assert email in by_email, f"{email} missing: build first"
        browser = Browser(app.test_client())
        assert browser.login(email, PASSWORD).status_code == 302
        client = app.test_client()
        token = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
        sessions[label] = (role, browser, ApiClient(client, token.get_json()["token"]))
    return sessions, {"survey": survey, "scored": scored}


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def do_measure(app, rounds: int) -> list[tuple]:
    import sqlalchemy as sa

    from app.extensions import db

    sessions, ids = _logins(app, db)
    recorder = Recorder()
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", recorder.before)
    sa.event.listen(engine, "after_cursor_execute", recorder.after)
    results = []
    for label, (role, browser, api) in sessions.items():
        for get, urls in ((browser.get, PAGES[role]), (api.get, APIS[role])):
            for url in urls:
                url = url.format(**ids)
                samples, statements, slowest = [], 0, (0.0, "", None)
                for _ in range(rounds + 1):
                    recorder.reset()
                    started = time.perf_counter()
                    response = get(url)
                    samples.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (label, url, response.status_code)
                    statements = recorder.count
                    slowest = max(slowest, recorder.slowest, key=lambda s: s[0])
                plan = ""
                if engine.dialect.name == "postgresql" and slowest[1]:
                    with app.app_context():
                        plan = _explain(db, slowest[1], slowest[2])
                results.append((label, url, samples[0], statistics.median(samples),
                                _p95(samples), statements, slowest[0] * 1000, plan))
    sa.event.remove(engine, "before_cursor_execute", recorder.before)
    sa.event.remove(engine, "after_cursor_execute", recorder.after)
    return results


def print_table(results: list[tuple], dialect: str) -> None:
    print(f"\n| role | URL ({dialect}) | first ms | p50 ms | p95 ms | statements "
          f"| slowest statement ms | its plan |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for label, url, first, p50, p95, statements, slow, plan in results:
        print(f"| {label} | `{url}` | {first:.0f} | {p50:.0f} | {p95:.0f} | {statements} "
              f"| {slow:.1f} | {plan} |")
    worst = max(results, key=lambda r: max(r[2], r[4]))
    most = max(results, key=lambda r: r[5])
    print(f"\nworst p95 (first included): {max(worst[2], worst[4]):.0f} ms ({worst[1]}, "
          f"{worst[0]}); most statements: {most[5]} ({most[1]}, {most[0]})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", nargs="?", default="all", choices=("build", "figures", "measure", "all"))
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: a new SQLite "
                                                   "file under /tmp)")
    parser.add_argument("--scale", default=None, choices=sorted(SCALES))
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    url = args.db or f"sqlite:///{Path(tempfile.gettempdir()) / 'bench-city.sqlite3'}"
    scale = args.scale or ("city" if url.startswith("postgresql") else "demo")
    app = make_app(url)
    if args.action in ("build", "all"):
        do_build(app, scale)
    if args.action == "figures":
        do_figures(app)
    if args.action in ("measure", "all"):
        from app.warmup import warm_up

        warm_up(app)  # as each gunicorn worker does (gunicorn.conf.py), on the data built
        with app.app_context():
            from app.extensions import db
            dialect = db.engine.dialect.name
        print(host_speed())
        print_table(do_measure(app, args.rounds), dialect)
        print(host_speed())


if __name__ == "__main__":
    main()
