"""Scorecard speed: ``python -m bench.scorecards [N]`` (default 1,000 finished inspections).

Builds N finished warm-winter inspections in a temporary SQLite database — varied answers, some
N/A, failed veto items, corrective actions, and a JPEG photo on every item that requires
evidence, as the field form demands — then prints the median milliseconds per scorecard (one
process) and the wall time for all N scorecards on every core (one process per core), and the
scorecard against the minimal cards of ``bench/minimal_card.py`` timed in turn with it.
Goals on the 2-core machine (issue 15): median ≤ 40 ms, 1,000 in ≤ 30 s, ≤ 2.5 × the minimal
platypus card, ≥ 7 × faster than WeasyPrint on that card.
"""

from __future__ import annotations

import io
import os
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import app.users.models  # noqa: F401  (models first: see bench/household_import.py)
from bench import host_speed
from bench.config import bench_config

WORKDIR = Path(tempfile.mkdtemp(prefix="bench-scorecards-"))


def _jpeg(rng: random.Random) -> bytes:
    from PIL import Image

    img = Image.new("RGB", (1600, 1200), tuple(rng.randrange(256) for _ in range(3)))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def build(count: int) -> list[int]:
    """N submitted-and-finalized inspections; returns their ids."""
    from werkzeug.datastructures import FileStorage

    from app import create_app
    from app.extensions import db
    from app.regions.models import Level
    from app.regions.services import create_region
    from app.users.services import create_user
    from contracts import services as contracts
    from evaluations.actions.services import create_action
    from evaluations.assessment.readings import item_rule
    from evaluations.assessment.services import current_template, seed_builtin_templates
    from evaluations.inspections.photos import add_photo
    from evaluations.inspections.services import (
        finalize_inspection,
        save_answers,
        schedule_inspection,
        submit_inspection,
    )

    app = create_app(bench_config(WORKDIR))
    rng = random.Random(2026)
    ids = []
    with app.app_context():
        db.create_all()
        seed_builtin_templates()
        city = create_region("421200", "咸宁市", Level.CITY, None)
        county = create_region("421202", "咸安区", Level.COUNTY, city.code)
        officer = create_user(email="o@bench.cn", password="bench-pass-2026", role="officer",
                              region=county)
        inspector = create_user(email="i@bench.cn", password="bench-pass-2026", role="inspector",
                                region=county)
        template = current_template("warm_winter")
        photo = _jpeg(rng)
        homes = []
        for n in range(50):
            facility = contracts.create_facility(
                name=f"咸安区第{n + 1}福利院", kind="elderly_home", region=county,
                wards={"self_care": 40, "semi_disabled": 30, "disabled": 20})
            provider = contracts.create_provider(
                name=f"咸安区康养服务中心{n + 1}",
                credit_code=_credit_code(n), kind="private_nonprofit")
            contracts.add_qualification(provider, cert_type="登记证书", number=f"Q{n}",
                                        valid_until=date(2030, 12, 31))
            contract = contracts.create_contract(
                title=f"{facility.name}公建民营", service_type="facility_operation",
                provider=provider, region=county, facility=facility,
                start_date=date(2026, 1, 1), end_date=date(2026, 12, 31),
                amount=Decimal("800000.00"), targets={"beds": 90})
            contracts.transition_contract(contract, "active", actor=None)
            homes.append(facility)
        db.session.commit()
        items = template.items
        for n in range(count):
            inspection = schedule_inspection(
                template=template, inspector=inspector, facility=homes[n % len(homes)],
                scheduled_for=date(2026, 11, 1) + timedelta(days=n % 28), actor=officer)
            answers = []
            for item in items:
                roll = rng.random()
                if item.allow_na and roll < 0.05:
                    answers.append({"item_id": item.id, "na": True})
                elif item.kind == "yes_no":
                    answers.append({"item_id": item.id, "yes": roll > 0.08,
                                    "note": "" if roll > 0.08 else "现场未落实，需整改"})
                elif item.kind == "reading":
                    # a room temperature at, near or under the full-credit value
                    rule = item_rule(item)
                    reading = rule.full_at + Decimal(rng.randint(-6, 4)) / 2
                    answers.append({"item_id": item.id, "reading": str(reading),
                                    "note": "" if reading >= rule.full_at else "部分房间偏低"})
                else:
                    top = int(item.max_points * 2)
                    points = Decimal(rng.randint(max(0, top - 4), top)) / 2
                    answers.append({"item_id": item.id, "points": points,
                                    "note": "" if points == item.max_points else "部分达标"})
            save_answers(inspection, version=inspection.version, answers=answers,
                         actor=inspector)
            for item in items:
                if item.evidence_required:
                    add_photo(inspection, item, FileStorage(io.BytesIO(photo), "p.jpg",
                                                            content_type="image/jpeg"),
                              inspector)
            submit_inspection(inspection, actor=inspector)
            if rng.random() < 0.3:
                create_action(description="走廊应急照明损坏，需更换", severity="orange",
                              deadline=date(2026, 12, 15), inspection=inspection,
                              actor=inspector)
            finalize_inspection(inspection, actor=officer)
            ids.append(inspection.id)
            if n % 50 == 49:
                db.session.commit()
        db.session.commit()
    return ids


def _credit_code(n: int) -> str:
    from contracts.credit_code import make_credit_code

    return make_credit_code("52", "421202", f"{n:08d}")


_app = None


def _render(inspection_id: int) -> float:
    """Render one scorecard in this process; returns milliseconds."""
    global _app
    from flask_babel import force_locale

    from app import create_app
    from app.extensions import db
    from evaluations.inspections.models import Inspection
    from reports.scorecards.services import inspection_scorecard_pdf

    if _app is None:
        _app = create_app(bench_config(WORKDIR))
    with _app.app_context(), force_locale("zh_CN"):
        start = time.perf_counter()
        body = inspection_scorecard_pdf(db.session.get(Inspection, inspection_id))
        elapsed = (time.perf_counter() - start) * 1000
        assert body.startswith(b"%PDF")
    return elapsed


def main(argv: list[str]) -> int:
    count = int(argv[1]) if len(argv) > 1 else 1000
    started = time.perf_counter()
    ids = build(count)
    print(f"built {len(ids)} finished inspections in {time.perf_counter() - started:.1f} s "
          f"({WORKDIR})")
    _render(ids[0])  # font registration and imports are paid once per process
    sample = ids[: min(200, len(ids))]
    times, yardsticks = _side_by_side(sample)
    print(f"one process: median {statistics.median(times):.1f} ms per scorecard "
          f"(p90 {statistics.quantiles(times, n=10)[-1]:.1f} ms, {len(sample)} cards)")
    workers = os.cpu_count() or 1
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_render, ids, chunksize=25))
    wall = time.perf_counter() - started
    print(f"{workers} processes: {len(ids)} scorecards in {wall:.1f} s wall "
          f"({len(ids) / wall:.0f} per second)")
    _compare(statistics.median(times), yardsticks)
    print(host_speed())
    print("goals: median <= 40 ms, <= 2.5 x the minimal platypus card, >= 7 x faster than "
          "WeasyPrint on that card, 1,000 in <= 30 s")
    return 0


#: WeasyPrint cards timed, spread over the sample (each takes as long as several scorecards)
WEASY_CARDS = 30


def _side_by_side(sample: list[int]) -> tuple[list[float], dict[str, list[float]]]:
    """The scorecards of ``sample`` and the minimal cards, timed in turn: a shared host's speed
    changes by half within minutes, and measured one after the other the ratios followed it."""
    from flask import current_app

    from bench.minimal_card import platypus_card, timed, weasyprint_card
    from reports.scorecards.fonts import cjk_font

    with _app.app_context():
        font = cjk_font(current_app.config.get("PDF_CJK_FONT"))
    weasy = weasyprint_card() is not None  # also its first, untimed render (its fonts)
    platypus_card(font)
    times, yardsticks = [], {"platypus": [], "weasyprint": []}
    every = max(1, len(sample) // WEASY_CARDS)
    for n, inspection_id in enumerate(sample):
        times.append(_render(inspection_id))
        yardsticks["platypus"].append(timed(lambda: platypus_card(font)))
        if weasy and n % every == 0:
            yardsticks["weasyprint"].append(timed(weasyprint_card))
    return times, yardsticks


def _compare(scorecard_ms: float, yardsticks: dict[str, list[float]]) -> None:
    """The scorecard against the minimal cards timed beside it."""
    platypus = statistics.median(yardsticks["platypus"])
    print(f"minimal platypus card, same font: median {platypus:.1f} ms; the scorecard is "
          f"{scorecard_ms / platypus:.2f} x that")
    if not yardsticks["weasyprint"]:
        print("WeasyPrint is not installed: its ratio is skipped")
        return
    weasy = statistics.median(yardsticks["weasyprint"])
    print(f"WeasyPrint, same card: median {weasy:.1f} ms ({len(yardsticks['weasyprint'])} "
          f"cards); the scorecard is {weasy / scorecard_ms:.1f} x faster")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
