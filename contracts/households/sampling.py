"""The statistics of spot checks, pure: how many records to draw, which ones, and how sure the
agreement rate is. No database; tested against hand-computed values.

- :func:`stratified_sample`: ``percent`` % of each surveyor's records (rounded up, so every
  surveyor with a record is sampled), drawn with one ``random.Random(seed)`` over the strata in
  sorted order and each stratum's ids in ascending order: the same (records, seed, percent)
  always give the same sample.
- :func:`wilson_interval`: the 95 % Wilson score interval of a proportion,
  (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n), which stays inside 0..1 and behaves at
  p̂ = 0 or 1, unlike the normal approximation.
- :func:`size_for_margin`: the records to check for a margin of error ``e`` at 95 %,
  n₀ = z²·p(1−p)/e², corrected for a finite population of N records: n = n₀ / (1 + (n₀ − 1)/N).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

#: the 97.5 % quantile of the standard normal distribution (two-sided 95 %)
Z95 = 1.959963984540054
_PLACES = Decimal("0.0001")


def share_of(count: int, percent: int) -> int:
    """``percent`` % of ``count``, rounded up (integer arithmetic: no float surprises)."""
    return min(count, -(-count * percent // 100))


def simple_size(population: int, percent: int, minimum: int) -> int:
    """The size of a simple draw: max(percent % rounded up, minimum), capped by the population."""
    if population <= 0:
        return 0
    return min(population, max(share_of(population, percent), minimum))


def simple_sample(ids: Sequence[int], seed: int, size: int) -> list[int]:
    """The draw of spot checks made before stratification: repeatable from (ids, seed, size)."""
    return random.Random(seed).sample(list(ids), size)


def stratified_sample(strata: Mapping[str, Sequence[int]], seed: int, percent: int,
                      minimum: int = 0) -> list[int]:
    """``percent`` % of each stratum (rounded up), then random records of the rest until
    ``minimum`` is reached (capped by the population)."""
    rng = random.Random(seed)
    chosen: list[int] = []
    for key in sorted(strata):
        ids = sorted(strata[key])
        chosen.extend(rng.sample(ids, share_of(len(ids), percent)))
    if len(chosen) < minimum:
        taken = set(chosen)
        rest = sorted(i for ids in strata.values() for i in ids if i not in taken)
        chosen.extend(rng.sample(rest, min(len(rest), minimum - len(chosen))))
    return chosen


def _fraction(value: float) -> Decimal:
    return Decimal(repr(min(1.0, max(0.0, value)))).quantize(_PLACES, ROUND_HALF_UP)


def wilson_interval(successes: int, trials: int, z: float = Z95
                    ) -> tuple[Decimal, Decimal] | tuple[None, None]:
    """The Wilson score interval of ``successes`` in ``trials`` (fractions, 4 places);
    ``(None, None)`` without a trial."""
    if trials <= 0:
        return None, None
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z / (1 + z2 / trials) * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    return _fraction(centre - half), _fraction(centre + half)


def size_for_margin(population: int, margin: float, expected: float = 0.5,
                    z: float = Z95) -> int:
    """Records to check so that a rate near ``expected`` is known within ± ``margin`` at 95 %,
    with the finite-population correction; never more than the population."""
    if population <= 0:
        return 0
    if not 0 < margin < 1 or not 0 < expected < 1:
        raise ValueError("margin and expected are fractions between 0 and 1")
    n0 = z * z * expected * (1 - expected) / (margin * margin)
    n = n0 / (1 + (n0 - 1) / population)
    return min(population, math.ceil(round(n, 9)))
