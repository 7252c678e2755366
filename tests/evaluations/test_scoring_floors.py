"""Grade bands with section floors (GB/T 37276-style levels), as pure functions: a band needs
both its total and a minimum score in named sections. Case tests by hand, then properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evaluations.scoring import (
    Answer,
    GradeBand,
    floors_missed,
    grade_for,
    round_score,
    score,
)
from tests.evaluations.scoring_specs import D, answered, points_item, pts, section

#: 一级 ≥ 90 with safety ≥ 85; 二级 ≥ 75 with safety ≥ 70; 三级 ≥ 60; 不合格 otherwise
LEVELS = (GradeBand("level_1", D(90), {"safety": D(85)}),
          GradeBand("level_2", D(75), {"safety": D(70)}),
          GradeBand("level_3", D(60)),
          GradeBand("unrated", D(0)))


def two_sections(care: int, safety: int, weights=(1, 1)):
    """Care and safety, one 100-point item each: section scores ``care`` and ``safety``."""
    sections = [section("care", weights[0], points_item("c", 100)),
                section("safety", weights[1], points_item("s", 100))]
    return sections, answered(pts("c", care), pts("s", safety))


@pytest.mark.parametrize(("care", "safety", "grade"), [
    (100, 90, "level_1"),   # 95, safety 90 ≥ 85
    (100, 84, "level_2"),   # 92, but safety 84 < 85: held back to level 2
    (100, 60, "level_3"),   # 80, safety 60 < 70: held back to level 3
    (60, 90, "level_2"),    # 75, safety fine
    (40, 60, "unrated"),    # 50
])
def test_a_level_needs_its_total_and_its_section_floor(care, safety, grade):
    result = score(*two_sections(care, safety), bands=LEVELS)
    assert result.grade == grade


def test_floors_are_judged_on_the_rounded_section_score():
    sections = [section("care", 1, points_item("c", 100)),
                section("safety", 1, points_item("s1", 1000), points_item("s2", 1000))]
    # safety = 100 × 1699.5 ÷ 2000 = 84.975 → 85.0: the floor of 85 is met
    answers = answered(pts("c", 100), pts("s1", "1000"), pts("s2", "699.5"))
    assert score(sections, answers, bands=LEVELS).grade == "level_1"


def test_a_section_that_dropped_out_does_not_hold_a_band_back():
    sections = [section("care", 1, points_item("c", 100)),
                section("safety", 1, points_item("s", 100, allow_na=True))]
    result = score(sections, answered(pts("c", 95), Answer("s", na=True)), bands=LEVELS)
    assert result.total == D(95) and result.grade == "level_1"


def test_a_floor_on_a_section_the_template_lacks_is_an_error():
    bands = (GradeBand("top", D(90), {"nowhere": D(50)}), GradeBand("rest", D(0)))
    with pytest.raises(ValueError):
        score(*two_sections(100, 100), bands=bands)
    with pytest.raises(ValueError):  # floors cannot be judged without section scores
        grade_for(D(95), bands)


def test_the_veto_still_wins_over_floors():
    sections = [section("care", 1, points_item("c", 100)),
                section("safety", 1, points_item("s", 100), points_item("v", 1, critical=True))]
    result = score(sections, answered(pts("c", 100), pts("s", 100), pts("v", 0)), bands=LEVELS)
    assert result.grade == "unrated" and result.failed_critical == ("v",)


def test_floors_missed_says_why():
    def missed(care, safety):
        result = score(*two_sections(care, safety), bands=LEVELS)
        scores = {r.section_id: r.score for r in result.sections}
        return floors_missed(result.total, LEVELS, scores)

    assert missed(100, 84) == [("level_1", "safety", D(85))]  # 92 reaches level 1's total
    assert missed(100, 60) == [("level_2", "safety", D(70))]  # 80 reaches level 2's only
    assert missed(100, 90) == []
    assert floors_missed(None, LEVELS, {"care": None, "safety": None}) == []


def test_a_mapping_of_floors_is_frozen_and_checked():
    band = GradeBand("x", D(50), {"a": D(60)})
    assert band.section_floors == (("a", D(60)),)
    hash(band)
    with pytest.raises(TypeError):
        GradeBand("x", D(50), {"a": 60.0})


# --- properties ------------------------------------------------------------------------

scores = st.integers(0, 1000).map(lambda n: D(n) / 10)
section_ids = ("a", "b", "c")


@st.composite
def banded(draw):
    """Descending bands, each but the last with random floors; and section scores (some None)."""
    minimums = sorted({draw(st.integers(1, 99)) for _ in range(draw(st.integers(1, 4)))},
                      reverse=True)
    bands = [GradeBand(f"g{n}", D(m), {sid: draw(scores) for sid in section_ids
                                         if draw(st.booleans())})
             for n, m in enumerate(minimums)] + [GradeBand("last", D(0))]
    section_scores = {sid: draw(st.none() | scores) for sid in section_ids}
    return tuple(bands), section_scores, draw(scores)


def _rank(bands, grade) -> int:
    """0 for the highest band."""
    return [b.grade for b in sorted(bands, key=lambda b: b.min_score, reverse=True)].index(grade)


def _without_floors(bands):
    return tuple(GradeBand(b.grade, b.min_score) for b in bands)


@given(banded())
def test_floors_never_raise_the_grade(case):
    bands, section_scores, total = case
    with_floors = grade_for(total, bands, section_scores)
    plain = grade_for(total, _without_floors(bands))
    assert _rank(bands, with_floors) >= _rank(bands, plain)


@given(banded())
def test_the_band_awarded_has_its_total_and_every_floor(case):
    bands, section_scores, total = case
    grade = grade_for(total, bands, section_scores)
    band = next(b for b in bands if b.grade == grade)
    if band.grade != "last":
        assert round_score(total) >= band.min_score
        for sid, floor in band.section_floors:
            value = section_scores[sid]
            assert value is None or round_score(value) >= floor
    # every higher band was missed for its total or one of its floors
    for higher in bands:
        if higher.min_score > band.min_score:
            assert round_score(total) < higher.min_score or higher.missed_floors(section_scores)


@given(banded(), st.sampled_from(section_ids), scores)
def test_a_lower_section_score_never_raises_the_grade(case, sid, lower):
    bands, section_scores, total = case
    if section_scores[sid] is None or lower > section_scores[sid]:
        return
    before = grade_for(total, bands, section_scores)
    after = grade_for(total, bands, {**section_scores, sid: lower})
    assert _rank(bands, after) >= _rank(bands, before)


@given(banded(), st.sampled_from(section_ids), st.integers(1, 200))
def test_raising_a_floor_never_raises_the_grade(case, sid, step):
    bands, section_scores, total = case
    stricter = tuple(GradeBand(b.grade, b.min_score, {
        **dict(b.section_floors), sid: min(D(100), dict(b.section_floors).get(sid, D(0))
                                               + D(step) / 10)})
        if b.grade != "last" else b for b in bands)
    assert _rank(bands, grade_for(total, stricter, section_scores)) >= \
        _rank(bands, grade_for(total, bands, section_scores))


@given(banded())
def test_floors_all_met_means_the_plain_grade(case):
    bands, section_scores, total = case
    met = {sid: D(100) for sid in section_ids}
    assert grade_for(total, bands, met) == grade_for(total, _without_floors(bands))
    assert floors_missed(total, bands, met) == []


@given(banded())
def test_floors_missed_is_empty_exactly_when_floors_change_nothing(case):
    bands, section_scores, total = case
    missed = floors_missed(total, bands, section_scores)
    same = grade_for(total, bands, section_scores) == grade_for(total, _without_floors(bands))
    assert (missed == []) == same
    assert all(isinstance(floor, Decimal) for _grade, _sid, floor in missed)
