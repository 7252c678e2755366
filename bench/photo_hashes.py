"""Near-identical photo lookup: ``python -m bench.photo_hashes [N] [DATABASE_URL]``.

Fills a database (default: a temporary SQLite file; or the PostgreSQL URL given, whose tables
are dropped and made anew) with N evidence photos (default 500,000, the city's size) spread
over 2,000 inspections, with random 64-bit perceptual hashes, and plants 200 near-identical
copies (1 to ``PHOTO_HASH_MAX_DISTANCE`` bits apart) in other inspections. Then works out the
integrity signs of inspections of 24 photos, as the inspection page does, and prints the
median and p90 milliseconds, the candidate rows read per inspection, and whether every planted
copy was found (the quarter index must miss none).

Random hashes spread evenly over the quarters; real pictures of similar rooms crowd some
quarter values, so real candidate counts run higher than here (each still an index lookup).
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import app.users.models  # noqa: F401  (models first: see bench/household_import.py)
from bench.config import bench_config

WORKDIR = Path(tempfile.mkdtemp(prefix="bench-photo-hashes-"))
INSPECTIONS = 2000
PER_INSPECTION = 24
PLANTED = 200


def _flip(value: int, bits: int, rng: random.Random) -> int:
    for bit in rng.sample(range(64), bits):
        value ^= 1 << bit
    return value


def build(app, count: int, rng: random.Random) -> dict[int, set[int]]:
    """The rows; returns, per planted original photo id, the inspections holding its copies."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.regions.models import Level
    from app.regions.services import create_region
    from app.users.services import create_user
    from contracts import services as contracts
    from evaluations.assessment.services import current_template, seed_builtin_templates
    from evaluations.inspections import integrity
    from evaluations.inspections.models import EvidencePhoto, Inspection

    db.drop_all()
    db.create_all()
    seed_builtin_templates()
    city = create_region("421200", "咸宁市", Level.CITY, None)
    county = create_region("421202", "咸安区", Level.COUNTY, city.code)
    inspector = create_user(email="i@bench.cn", password="kettle-lantern-orbit-2026", role="inspector",
                            region=county)
    template = current_template("warm_winter")
    homes = [contracts.create_facility(name=f"咸安区第{n + 1}福利院", kind="elderly_home",
                                       region=county) for n in range(50)]
    db.session.commit()
    now = datetime.now(UTC)
    db.session.execute(sa.insert(Inspection), [
        {"template_id": template.id, "facility_id": homes[n % 50].id, "region_id": county.id,
         "inspector_id": inspector.id, "scheduled_for": date(2026, 1, 1) + timedelta(n % 300),
         "status": "finalized", "version": 1, "summary": "", "return_reason": "",
         "correction_reason": "", "created_at": now, "updated_at": now}
        for n in range(INSPECTIONS)])
    ids = list(db.session.scalars(sa.select(Inspection.id).order_by(Inspection.id)))
    item = template.items[0].id

    def row(n: int, inspection_id: int, value: int) -> dict:
        phash = f"{value:016x}"
        return {"inspection_id": inspection_id, "item_id": item, "stored_name": f"b{n}.jpg",
                "original_name": "", "content_type": "image/jpeg", "size": 1, "width": 1,
                "height": 1, "uploaded_at": now, "phash": phash,
                **dict(zip(("phash_b0", "phash_b1", "phash_b2", "phash_b3"),
                           integrity.quarters(phash), strict=True))}

    batch = []
    hashes: list[int] = []
    for n in range(count - PLANTED):
        value = rng.getrandbits(64)
        hashes.append(value)
        batch.append(row(n, ids[n % INSPECTIONS], value))
        if len(batch) == 20_000:
            db.session.execute(sa.insert(EvidencePhoto), batch)
            batch = []
    planted: dict[int, set[int]] = {}
    threshold = integrity.max_distance()
    for k in range(PLANTED):
        n = rng.randrange(len(hashes))
        other = ids[(n + 1 + rng.randrange(INSPECTIONS - 1)) % INSPECTIONS]
        batch.append(row(count + k, other, _flip(hashes[n], rng.randint(1, threshold), rng)))
        planted.setdefault(n, set()).add(other)
    db.session.execute(sa.insert(EvidencePhoto), batch)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # what autovacuum does after a bulk load
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "ANALYZE evidence_photos")
    # photo ids follow insertion order: the n-th random row has id n + 1
    return {n + 1: others for n, others in planted.items()}


def main(argv: list[str]) -> int:
    count = int(argv[1]) if len(argv) > 1 else 500_000
    url = argv[2] if len(argv) > 2 else None
    from app import create_app
    from app.extensions import db
    from app.users.models import Role, User
    from evaluations.inspections import integrity
    from evaluations.inspections.models import EvidencePhoto, Inspection

    app = create_app(bench_config(WORKDIR, url))
    rng = random.Random(2026)
    with app.app_context():
        started = time.perf_counter()
        planted = build(app, count, rng)
        print(f"built {count} photos in {INSPECTIONS} inspections in "
              f"{time.perf_counter() - started:.1f} s ({db.engine.dialect.name})")
        viewer = User(email="a@bench.cn", role=Role.ADMIN)
        originals = {db.session.get(EvidencePhoto, pid).inspection_id
                     for pid in list(planted)[:100]}
        sample = sorted(originals | set(rng.sample(range(1, INSPECTIONS + 1), 100)))
        times, found, missed, flagged = [], 0, 0, 0
        for inspection_id in sample:
            db.session.expire_all()
            stored = db.session.get(Inspection, inspection_id)
            # an inspection of ~24 photos (the bench puts N / 2,000 in each), planted kept
            inspection = SimpleNamespace(
                id=stored.id, supersedes_id=None, scheduled_for=stored.scheduled_for,
                facility=None, photos=stored.photos[:PER_INSPECTION] + [
                    p for p in stored.photos[PER_INSPECTION:] if p.id in planted])
            start = time.perf_counter()
            signs = integrity.for_inspection(inspection, viewer)
            times.append((time.perf_counter() - start) * 1000)
            flagged += sum(1 for s in signs.values() if s.reused_in)
            for photo in inspection.photos:
                if photo.id in planted:
                    got = {r.inspection_id for r in signs[photo.id].reused_in}
                    found += len(planted[photo.id] & got)
                    missed += len(planted[photo.id] - got)
            db.session.rollback()
        print(f"{len(sample)} inspections of ~{PER_INSPECTION} photos: median "
              f"{statistics.median(times):.1f} ms, p90 "
              f"{statistics.quantiles(times, n=10)[-1]:.1f} ms per inspection")
        print(f"planted copies found {found}, missed {missed}; photos flagged {flagged}")
    return 0 if missed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
