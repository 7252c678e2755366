"""Evidence integrity of inspection photos: reasons to look, never verdicts.

Three signs, worked out whenever a photo is shown (so that a picture uploaded to a second home
today flags there at once, naming the first), from what the photo and the home carry:

- taken more than ``PHOTO_DAYS_FROM_INSPECTION`` days before or after the inspection date
  (EXIF capture time, local day, against ``scheduled_for``);
- taken more than ``PHOTO_METRES_FROM_FACILITY`` metres from the home (EXIF GPS against the
  facility's latitude/longitude, great-circle distance);
- the same or a near-identical picture in another inspection: 64-bit perceptual hashes
  (``imagehash.phash``) at most ``PHOTO_HASH_MAX_DISTANCE`` bits apart. A correction and the
  inspection it supersedes share their photos by design and are not compared.

Near-identical among the city's ~500,000 photos, without scanning them: multi-index hashing.
The hash is cut into four 16-bit quarters; each quarter leads one index that holds all four.
Two hashes at most ``t`` bits apart differ in at most ``t // 4`` bits in one quarter at least
(pigeonhole); for the default ``t = 6``, more precisely, one quarter is equal or two quarters
are within one bit each. So one statement of index lookups (per 40 photos) finds every true
match, filtering inside the indexes and never reading the table; the few rows it returns are
checked here by exact distance. Unlike prefix buckets it misses no match; unlike a BK-tree it
needs nothing outside the database. ``bench/photo_hashes.py`` measures it at 500,000 photos.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import combinations

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageStat

from app.clock import LOCAL_TZ
from app.extensions import db
from app.users.models import User
from contracts.models import Facility
from evaluations.inspections.models import EvidencePhoto, Inspection

QUARTERS = 4
QUARTER_BITS = 16
BAND_COLUMNS = (EvidencePhoto.phash_b0, EvidencePhoto.phash_b1, EvidencePhoto.phash_b2,
                EvidencePhoto.phash_b3)
#: a greyscale standard deviation below this is a featureless picture (a blank wall, a lens
#: cap): its hash says nothing, and every such picture would "match" every other
MIN_CONTRAST = 4.0
#: beyond this the quarter lookups grow fast (t // 4 = 3 is 697 values per quarter) and
#: different pictures start to match
MAX_HASH_DISTANCE = 11
#: photos per candidate query: 10 SELECTs each, within SQLite's 500 of one compound SELECT
CHUNK = 40
EARTH_RADIUS_M = 6_371_008.8


# ---- computed at upload ----------------------------------------------------------------------

def quarters(phash: str) -> list[int]:
    value = int(phash, 16)
    return [(value >> (QUARTER_BITS * (QUARTERS - 1 - i))) & 0xFFFF for i in range(QUARTERS)]


def hash_columns(image: Image.Image) -> dict[str, object]:
    """``phash`` and its quarters for an EvidencePhoto, all None for a featureless picture."""
    import imagehash  # numpy and scipy: loaded by the processes that take photos only

    gray = image.convert("L")
    if ImageStat.Stat(gray).stddev[0] < MIN_CONTRAST:
        return {"phash": None, **{column.key: None for column in BAND_COLUMNS}}
    phash = str(imagehash.phash(gray))
    return {"phash": phash, **{column.key: value
                               for column, value in zip(BAND_COLUMNS, quarters(phash),
                                                        strict=True)}}


def set_hash(photo: EvidencePhoto, image: Image.Image) -> None:
    for key, value in hash_columns(image).items():
        setattr(photo, key, value)


# ---- what is shown --------------------------------------------------------------------------

@dataclass(frozen=True)
class Reuse:
    """Another inspection holding the same or a near-identical picture.

    ``inspection_id`` is None when the viewer may not see that inspection (and always on the
    scorecard, which is the same for every reader): they learn that there is one, a reason
    to ask the city bureau, not which, where or when."""

    inspection_id: int | None
    facility_id: int | None
    facility_name: str
    scheduled_for: date | None
    bits_apart: int


@dataclass
class PhotoIntegrity:
    days_from_inspection: int | None
    metres_from_facility: int | None
    days_limit: int
    metres_limit: int
    reused_in: list[Reuse] = field(default_factory=list)

    @property
    def days_flag(self) -> bool:
        return (self.days_from_inspection is not None
                and abs(self.days_from_inspection) > self.days_limit)

    @property
    def metres_flag(self) -> bool:
        return (self.metres_from_facility is not None
                and self.metres_from_facility > self.metres_limit)

    @property
    def flagged(self) -> bool:
        return self.days_flag or self.metres_flag or bool(self.reused_in)

    def as_api(self) -> dict:
        return {"reused_in": [{"inspection_id": r.inspection_id, "facility_id": r.facility_id}
                              for r in self.reused_in],
                "days_from_inspection": self.days_from_inspection,
                "metres_from_facility": self.metres_from_facility}


def sign_texts(sign: PhotoIntegrity) -> list[str]:
    """The signs of one photo in words, naming no other inspection (scorecards, the field
    form's script); the pages name those the viewer may see."""
    texts = []
    if sign.days_flag:
        days = sign.days_from_inspection
        texts.append(_("taken %(n)d days before the inspection date", n=-days) if days < 0
                     else _("taken %(n)d days after the inspection date", n=days))
    if sign.metres_flag:
        texts.append(_("taken %(m)d m from the home", m=sign.metres_from_facility))
    if sign.reused_in:
        texts.append(_("the same or a near-identical picture is in another inspection"))
    return texts


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def days_from(taken_at: datetime | None, inspection_day: date) -> int | None:
    """Days from the inspection date to the local day the photo was taken (negative: before)."""
    if taken_at is None:
        return None
    return (_as_utc(taken_at).astimezone(LOCAL_TZ).date() - inspection_day).days


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance; metres-accurate at the scale of a city."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def metres_from(photo: EvidencePhoto, facility: Facility | None) -> int | None:
    if (photo.gps_latitude is None or photo.gps_longitude is None or facility is None
            or facility.latitude is None or facility.longitude is None):
        return None
    return round(metres_between(photo.gps_latitude, photo.gps_longitude,
                                float(facility.latitude), float(facility.longitude)))


def _near(value: int, radius: int) -> list[int]:
    """Every 16-bit value at most ``radius`` bits from ``value`` (none for a radius below 0)."""
    found = [value] if radius >= 0 else []
    for flips in range(1, radius + 1):
        for bits in combinations(range(QUARTER_BITS), flips):
            found.append(value ^ sum(1 << b for b in bits))
    return found


def max_distance() -> int:
    return max(0, min(int(current_app.config["PHOTO_HASH_MAX_DISTANCE"]), MAX_HASH_DISTANCE))


def _in(column: str, values: list[int]) -> str:
    return f"{column} = {values[0]}" if len(values) == 1 else \
        f"{column} IN ({','.join(map(str, values))})"


def _quarter_terms(photos: list[EvidencePhoto], threshold: int) -> list[str]:
    """SQL conditions for the rows that may lie within ``threshold`` bits of ``photos``.

    With r = threshold // 4 some quarter is within r bits (pigeonhole). Unless threshold % 4
    is 3, more holds: some quarter is within r - 1 bits, or two quarters are within r bits
    (were only one within r, the other three would add up to 3 (r + 1) more). A pair is one
    index lookup filtered inside the index by the other quarter, so the database returns a
    handful of rows instead of every row sharing a near quarter. Terms are per photo: the
    values of different photos mixed in one ``IN`` would multiply the lookups. Written as
    text with the integers in it (no user input reaches it): compiling thousands of bound
    parameters cost more than running the lookups."""
    columns = [column.key for column in BAND_COLUMNS]
    radius = threshold // QUARTERS
    terms = []
    for photo in photos:
        parts = quarters(photo.phash)
        near = [sorted(_near(q, radius)) for q in parts]
        if threshold % QUARTERS == QUARTERS - 1:
            terms += [_in(column, values) for column, values in zip(columns, near, strict=True)]
            continue
        terms += [_in(column, sorted(_near(q, radius - 1)))
                  for column, q in zip(columns, parts, strict=True) if radius >= 1]
        terms += [f"{_in(columns[i], near[i])} AND {_in(columns[j], near[j])}"
                  for i, j in combinations(range(QUARTERS), 2)]
    return terms


def _joined(b0: int, b1: int, b2: int, b3: int) -> int:
    return (b0 << 48) | (b1 << 32) | (b2 << 16) | b3


def _matches(photos: list[EvidencePhoto], threshold: int) -> list[tuple[EvidencePhoto, int, int]]:
    """(photo, id of the stored photo, bits apart) for every stored photo within
    ``threshold`` bits of one of ``photos`` (themselves excepted). Reads only the quarter
    indexes: the hash is put together again from its quarters."""
    found = []
    for start in range(0, len(photos), CHUNK):
        chunk = photos[start:start + CHUNK]
        own = [(photo, int(photo.phash, 16)) for photo in chunk]
        # one SELECT per term, joined by UNION ALL: PostgreSQL plans a long OR for longer
        # than it runs it (0.2 s for 24 photos), and each small SELECT is one index scan
        select = (f"SELECT id, {', '.join(c.key for c in BAND_COLUMNS)} "
                  f"FROM {EvidencePhoto.__tablename__} WHERE ")
        rows = {row.id: row for row in db.session.execute(sa.text(" UNION ALL ".join(
            select + term for term in _quarter_terms(chunk, threshold))))}.values()
        for row in rows:
            other = _joined(*row[1:])
            for photo, value in own:
                bits = (value ^ other).bit_count()
                if bits <= threshold and row.id != photo.id:
                    found.append((photo, row.id, bits))
    return found


def _line(inspection_id: int, supersedes: dict[int, int | None]) -> set[int]:
    """The inspection and those it corrects, as far as the rows at hand tell."""
    seen = set()
    current: int | None = inspection_id
    while current is not None and current not in seen:
        seen.add(current)
        current = supersedes.get(current)
    return seen


def _visible_ids(viewer: User, ids: set[int]) -> set[int]:
    from evaluations.inspections.services import visible_inspections

    if not ids:
        return set()
    stmt = visible_inspections(viewer).with_only_columns(Inspection.id)
    return set(db.session.scalars(stmt.where(Inspection.id.in_(sorted(ids)))))


def for_inspections(inspections: Iterable[Inspection], viewer: User | None
                    ) -> dict[int, PhotoIntegrity]:
    """The integrity of every photo of ``inspections`` (by photo id) as ``viewer`` may see it
    (``None``: a reader who may see no other inspection, as on a printed scorecard).

    One statement per 40 hashed photos (index only), and when they match anything one for
    the other inspections and one for the viewer's visibility; none when no photo is
    hashed."""
    inspections = list(inspections)
    config = current_app.config
    days_limit = int(config["PHOTO_DAYS_FROM_INSPECTION"])
    metres_limit = int(config["PHOTO_METRES_FROM_FACILITY"])
    result: dict[int, PhotoIntegrity] = {}
    hashed: list[EvidencePhoto] = []
    for inspection in inspections:
        for photo in inspection.photos:
            has_gps = photo.gps_latitude is not None
            result[photo.id] = PhotoIntegrity(
                days_from_inspection=days_from(photo.taken_at, inspection.scheduled_for),
                metres_from_facility=metres_from(photo, inspection.facility) if has_gps
                else None,
                days_limit=days_limit, metres_limit=metres_limit)
            if photo.phash is not None:
                hashed.append(photo)
    if not hashed:
        return result
    hits = _matches(hashed, max_distance())
    if not hits:
        return result
    rows = db.session.execute(
        sa.select(EvidencePhoto.id.label("photo_id"), Inspection.id, Inspection.facility_id,
                  Inspection.supersedes_id, Inspection.scheduled_for, Facility.name)
        .join(Inspection, Inspection.id == EvidencePhoto.inspection_id)
        .outerjoin(Facility, Facility.id == Inspection.facility_id)
        .where(EvidencePhoto.id.in_(sorted({hit[1] for hit in hits})))).all()
    inspection_of = {row.photo_id: row.id for row in rows}
    matches = [(photo, inspection_of[other], bits) for photo, other, bits in hits
               if other in inspection_of and inspection_of[other] != photo.inspection_id]
    if not matches:
        return result
    others = {row.id: row for row in rows}
    supersedes = {i: row.supersedes_id for i, row in others.items()}
    supersedes.update({i.id: i.supersedes_id for i in inspections})
    visible = _visible_ids(viewer, set(others)) if viewer is not None else set()
    best: dict[int, dict[int, int]] = {}  # photo id → other inspection → fewest bits apart
    for photo, other, bits in matches:
        if (other in _line(photo.inspection_id, supersedes)
                or photo.inspection_id in _line(other, supersedes)):
            continue  # a correction and what it corrects share their photos by design
        seen = best.setdefault(photo.id, {})
        seen[other] = min(bits, seen.get(other, bits))
    for photo_id, by_inspection in best.items():
        reuses = []
        for other, bits in sorted(by_inspection.items()):
            row = others[other]
            reuses.append(Reuse(other, row.facility_id, row.name or "", row.scheduled_for, bits)
                          if other in visible else Reuse(None, None, "", None, bits))
        result[photo_id].reused_in = reuses
    return result


def for_inspection(inspection: Inspection, viewer: User | None
                   ) -> dict[int, PhotoIntegrity]:
    return for_inspections([inspection], viewer)
