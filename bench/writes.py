"""Writes at the scale of a real city, one at a time and at once:
``python -m bench.writes --db URL [--count 10] [--per-inspector 6]``.

Runs on a copy of the PostgreSQL database that ``bench/city.py build`` made (``<name>_writes``,
created from it as a template and dropped at the end), so the city stays as built.

One at a time, in process: ``--count`` scheduled inspections are answered, photographed,
submitted and finalized, and as many finalized ones corrected, resubmitted and finalized again;
for each write, the median and worst milliseconds (its commit included, where the figures kept
beside the rows are refreshed) and its SQL statements.

At once, through gunicorn with four workers: the inspectors of the county officer's county
(about twenty scheduled inspections in the dataset) answer, photograph and submit up to
``--per-inspector`` inspections each, all at once, while two officers read the plan and the
lists; then three officer clients (the city officer twice, the county officer) finalize the
same submitted inspections, each in its own order. Prints the answers by status and how many
inspections the audit trail holds finalized more than once, which must be none (before claims
of the row, 4 of 48 were); any answer of 500 fails the run.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import io
import json
import random
import statistics
import threading
import time

import sqlalchemy as sa

import app.users.models  # noqa: F401  (models first: see bench/household_import.py)
from bench import host_speed
from bench.city_data import PASSWORD
from bench.throughput import serve

OFFICERS = ("city.officer@bench.cn", "county.officer@bench.cn")


def copy_of(url: str) -> sa.URL:
    """A new database made from ``url``'s as a template (replacing an earlier copy)."""
    source = sa.make_url(url)
    copy = source.set(database=f"{source.database}_writes")
    server = sa.create_engine(source.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{copy.database}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{copy.database}" TEMPLATE "{source.database}"')
    server.dispose()
    return copy


def drop(copy: sa.URL) -> None:
    server = sa.create_engine(copy.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{copy.database}" WITH (FORCE)')
    server.dispose()


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), (10, 120, 60)).save(out, "JPEG")
    return out.getvalue()


def _answer(item, rng: random.Random) -> dict:
    from evaluations.assessment.readings import item_rule

    if item.kind == "yes_no":
        return {"item_id": item.id, "yes": rng.random() > 0.1}
    if item.kind == "reading":
        return {"item_id": item.id, "reading": str(item_rule(item).full_at)}
    return {"item_id": item.id, "points": str(item.max_points)}


# ---- one at a time -------------------------------------------------------------------------

class Statements:
    def __init__(self) -> None:
        self.count = 0

    def counted(self, *_args) -> None:
        self.count += 1


def one_at_a_time(url: sa.URL, count: int) -> dict[str, list[tuple[float, int]]]:
    from werkzeug.datastructures import FileStorage

    from app.extensions import db
    from app.users.models import User
    from bench.city import make_app
    from evaluations.inspections import services
    from evaluations.inspections.models import Inspection, InspectionStatus
    from evaluations.inspections.photos import add_photo

    app, rng, photo = make_app(url.render_as_string(hide_password=False)), random.Random(1), _jpeg()
    statements, results = Statements(), collections.defaultdict(list)
    with app.app_context():
        sa.event.listen(db.engine, "after_cursor_execute", statements.counted)

        def timed(name, write):
            statements.count, started = 0, time.perf_counter()
            done = write()
            db.session.commit()
            results[name].append(((time.perf_counter() - started) * 1000, statements.count))
            return done

        def photographed(inspection) -> None:
            shown = {p.item_id for p in inspection.photos}
            for item in inspection.template.items:
                if item.evidence_required and item.id not in shown:
                    add_photo(inspection, item, FileStorage(io.BytesIO(photo), "p.jpg",
                                                            content_type="image/jpeg"),
                              inspection.inspector)
            db.session.commit()

        officer = db.session.scalar(sa.select(User).where(User.email == OFFICERS[0]))
        for ident in db.session.scalars(sa.select(Inspection.id).where(
                Inspection.status == InspectionStatus.SCHEDULED).order_by(Inspection.id)
                .limit(count)).all():
            inspection = db.session.get(Inspection, ident)
            timed("save answers", lambda i=inspection: services.save_answers(
                i, version=i.version, actor=i.inspector,
                answers=[_answer(item, rng) for item in i.template.items]))
            photographed(inspection)
            timed("submit", lambda i=inspection: services.submit_inspection(i, actor=i.inspector))
            timed("finalize", lambda i=inspection: services.finalize_inspection(i, actor=officer))
        never_corrected = Inspection.id.not_in(sa.select(Inspection.supersedes_id).where(
            Inspection.supersedes_id.is_not(None)))
        for ident in db.session.scalars(sa.select(Inspection.id).where(
                Inspection.status == InspectionStatus.FINALIZED, never_corrected)
                .order_by(Inspection.id.desc()).limit(count)).all():
            correction = timed("start a correction", lambda i=ident: services.correct_inspection(
                db.session.get(Inspection, i), actor=officer, reason="复核"))
            photographed(correction)
            timed("submit the correction", lambda c=correction: services.submit_inspection(
                c, actor=c.inspector))
            timed("finalize the correction", lambda c=correction: services.finalize_inspection(
                c, actor=officer))
    return results


# ---- at once -------------------------------------------------------------------------------

class Client:
    """One keep-alive connection with a bearer token, counting the answers by status."""

    def __init__(self, port: int, email: str, answers: collections.Counter, lock) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.answers, self.lock, self.token = answers, lock, None
        status, body = self.send("POST", "/tokens", {"email": email, "password": PASSWORD})
        assert status == 201, (email, status, body)
        self.token = body["token"]

    def send(self, method: str, path: str, body=None, photo: tuple | None = None):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body), "application/json"
        elif photo is not None:
            item_id, jpeg = photo
            data = (f'--b\r\nContent-Disposition: form-data; name="item_id"\r\n\r\n{item_id}\r\n'
                    '--b\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\n'
                    'Content-Type: image/jpeg\r\n\r\n').encode() + jpeg + b"\r\n--b--\r\n"
            headers["Content-Type"] = "multipart/form-data; boundary=b"
        self.conn.request(method, "/api/v1" + path, body=data, headers=headers)
        response = self.conn.getresponse()
        payload = response.read()
        with self.lock:
            self.answers[(method, path.split("/")[1].split("?")[0], response.status)] += 1
        return response.status, json.loads(payload) if payload.startswith(b"{") else None


def at_once(url: sa.URL, per_inspector: int) -> tuple[collections.Counter, int, int]:
    """The answers by (method, resource, status), how many inspections were submitted, and how
    many the audit trail holds finalized more than once."""
    from app.extensions import db
    from bench.city import make_app
    from evaluations.assessment.models import TemplateItem

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        # the county officer's county, so that every officer client may finalize every one
        mine = conn.execute(sa.text(
            "SELECT i.id, i.template_id, u.email FROM inspections i "
            "JOIN users u ON u.id = i.inspector_id JOIN regions r ON r.id = i.region_id "
            "WHERE i.status = 'scheduled' AND r.path LIKE (SELECT c.path || '%' FROM users o "
            "JOIN regions c ON c.id = o.region_id WHERE o.email = :officer) ORDER BY i.id"),
            {"officer": OFFICERS[1]}).all()
    work = collections.defaultdict(list)
    for ident, template_id, email in mine:
        work[email].append((ident, template_id))
    app, items = make_app(url.render_as_string(hide_password=False)), collections.defaultdict(list)
    with app.app_context():
        for item in db.session.scalars(sa.select(TemplateItem)):
            items[item.section.template_id].append(item)
        rng, photo = random.Random(2), _jpeg()
        bodies = {ident: [_answer(item, rng) for item in items[template]]
                  for jobs in work.values() for ident, template in jobs}
    answers, lock, submitted, stop = collections.Counter(), threading.Lock(), [], threading.Event()
    process, port = serve("wsgi:app", url.render_as_string(hide_password=False), workers=4)
    try:
        def inspector(email: str) -> None:
            client = Client(port, email, answers, lock)
            for ident, template in work[email][:per_inspector]:
                _, shown = client.send("GET", f"/inspections/{ident}")
                client.send("PUT", f"/inspections/{ident}/answers",
                            {"version": shown["version"], "answers": bodies[ident]})
                for item in items[template]:
                    if item.evidence_required:
                        client.send("POST", f"/inspections/{ident}/photos", photo=(item.id, photo))
                if client.send("POST", f"/inspections/{ident}/submit")[0] == 200:
                    with lock:
                        submitted.append(ident)

        def reader(email: str) -> None:
            client = Client(port, email, answers, lock)
            while not stop.is_set():
                for path in ("/inspection-plan", "/inspections?per_page=10",
                             "/corrective-actions", "/contracts"):
                    client.send("GET", path)

        def officer(email: str, seed: int) -> None:
            client, order = Client(port, email, answers, lock), list(submitted)
            random.Random(seed).shuffle(order)
            for ident in order:
                client.send("POST", f"/inspections/{ident}/finalize")

        readers = [threading.Thread(target=reader, args=(email,)) for email in OFFICERS]
        for thread in readers:
            thread.start()
        _run_all([threading.Thread(target=inspector, args=(email,)) for email in sorted(work)])
        _run_all([threading.Thread(target=officer, args=(email, n))
                  for n, email in enumerate((OFFICERS[0], OFFICERS[1], OFFICERS[0]))])
        stop.set()
        for thread in readers:
            thread.join()
    finally:
        process.terminate()
        process.wait(10)
    with engine.connect() as conn:
        twice = conn.scalar(sa.text(
            "SELECT count(*) FROM (SELECT object_id FROM audit_log WHERE object_type = "
            "'inspections' AND changes::text LIKE '%\"finalized\"%' GROUP BY object_id "
            "HAVING count(*) > 1) AS twice"))
    engine.dispose()
    return answers, len(submitted), twice


def _run_all(threads: list[threading.Thread]) -> None:
    """Start ``threads`` together and wait for every one."""
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# ---- the report ----------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="the city database (PostgreSQL)")
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--per-inspector", type=int, default=6)
    args = parser.parse_args(argv)
    if not args.db.startswith("postgresql"):
        parser.error("the city database is PostgreSQL's (bench/city.py build --db ...)")
    copy = copy_of(args.db)
    try:
        print(host_speed())
        print(f"\none at a time ({args.count} of each), on {copy.database}:")
        print("| write | median ms | worst ms | statements |\n|---|---:|---:|---|")
        for name, rows in one_at_a_time(copy, args.count).items():
            spent, counts = [r[0] for r in rows], [r[1] for r in rows]
            print(f"| {name} | {statistics.median(spent):.0f} | {max(spent):.0f} "
                  f"| {min(counts)}–{max(counts)} |")
        answers, submitted, twice = at_once(copy, args.per_inspector)
        print(f"\nat once: {submitted} inspections submitted by their inspectors, then finalized "
              "by 3 officer clients each in its own order, 2 officers reading throughout")
        for (method, resource, status), n in sorted(answers.items()):
            print(f"  {method} /{resource}: {status} × {n}")
        print(f"inspections finalized more than once (audit trail): {twice}")
        print(host_speed())
    finally:
        drop(copy)
    failed = twice or any(status >= 500 for _m, _r, status in answers)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
