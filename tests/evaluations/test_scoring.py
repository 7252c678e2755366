"""Scoring rules of DESIGN.md §4, tested as pure functions: no app, no database.

Case tests pin each rule to numbers worked out by hand; property tests (hypothesis) check
the invariants over random templates and answers.
"""

from __future__ import annotations

from decimal import localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluations.item_kinds import get_kind
from evaluations.scoring import (
    DEFAULT_BANDS,
    Answer,
    GradeBand,
    ItemSpec,
    SectionSpec,
    grade_for,
    round_score,
    score,
)
from tests.evaluations.scoring_specs import D, answered, points_item, pts, section, yes_no_item


def one_item_inspection(points, max_points=1000):
    """A one-section template whose total is exactly 100 × points ÷ max_points."""
    return [section("s", 1, points_item("a", max_points))], answered(pts("a", points))


# --- section scores, N/A, dropping out -------------------------------------------------


def test_section_score_is_earned_over_possible():
    sections = [section("s", 1, points_item("a", 10), points_item("b", 10))]
    result = score(sections, answered(pts("a", 7), pts("b", 8)))
    (only,) = result.sections
    assert (only.earned, only.possible, only.score) == (D(15), D(20), D(75))
    assert result.total == D(75)
    assert result.grade == "good"
    assert result.failed_critical == ()


def test_na_item_leaves_both_numerator_and_denominator():
    sections = [section("s", 1, points_item("a", 10), points_item("b", 30, allow_na=True))]
    result = score(sections, answered(pts("a", 5), Answer("b", na=True)))
    (only,) = result.sections
    # Counting b as 0 of 30 would give 12.5; dropping only its points would give 5 ÷ 40.
    assert (only.earned, only.possible) == (D(5), D(10))
    assert result.total == D(50)


def test_section_without_applicable_item_drops_out_of_the_total():
    sections = [
        section("all_na", 1, points_item("a", 10, allow_na=True)),
        section("judged", 3, points_item("b", 10)),
    ]
    result = score(sections, answered(Answer("a", na=True), pts("b", 8)))
    dropped, judged = result.sections
    assert (dropped.earned, dropped.possible, dropped.score) == (D(0), D(0), None)
    assert dropped.rounded_score is None
    assert judged.score == D(80)
    assert result.total == D(80)  # 60 if the dropped section counted as 0


def test_every_section_dropping_out_gives_no_total_and_no_grade():
    sections = [section("s", 1, points_item("a", 10, allow_na=True))]
    result = score(sections, answered(Answer("a", na=True)))
    assert (result.total, result.rounded_total, result.grade) == (None, None, None)


# --- weights ---------------------------------------------------------------------------


def test_total_is_weighted_mean_of_section_scores():
    sections = [
        section("safety", "0.6", points_item("a", 10)),
        section("care", "0.4", points_item("b", 10)),
    ]
    result = score(sections, answered(pts("a", 9), pts("b", 5)))
    assert result.total == D(74)  # (0.6 × 90 + 0.4 × 50) ÷ 1.0
    assert result.grade == "pass"


def test_zero_weight_section_is_shown_but_does_not_count():
    sections = [section("info", 0, points_item("a", 10)), section("care", 2, points_item("b", 10))]
    result = score(sections, answered(pts("a", 0), pts("b", 8)))
    assert result.sections[0].score == D(0)
    assert result.total == D(80)


def test_all_weights_zero_gives_no_total():
    sections = [section("x", 0, points_item("a", 10)), section("y", 0, points_item("b", 10))]
    result = score(sections, answered(pts("a", 10), pts("b", 5)))
    assert [s.score for s in result.sections] == [D(100), D(50)]
    assert (result.total, result.grade) == (None, None)


def test_only_weighted_section_dropping_out_leaves_no_total():
    sections = [
        section("x", 0, points_item("a", 10)),
        section("y", 1, points_item("b", 10, allow_na=True)),
    ]
    result = score(sections, answered(pts("a", 10), Answer("b", na=True)))
    assert (result.total, result.grade) == (None, None)


def test_critical_item_in_zero_weight_section_still_vetoes():
    sections = [
        section("x", 0, points_item("a", 10, critical=True)),
        section("y", 1, points_item("b", 10)),
    ]
    result = score(sections, answered(pts("a", 0), pts("b", 10)))
    assert result.total == D(100)
    assert result.grade == "fail"
    assert result.failed_critical == ("a",)


# --- rounding --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [("74.95", "75.0"), ("74.85", "74.9"), ("74.94999", "74.9"), ("0.05", "0.1"),
     ("100", "100.0"), ("33.333333", "33.3"), ("66.66666", "66.7")],
)
def test_round_score_is_half_up_to_one_decimal(value, shown):
    rounded = round_score(D(value))
    assert rounded == D(shown)
    assert str(rounded) == shown  # one decimal place also when stored as text


def test_total_7495_is_kept_unrounded_and_shown_as_75_good():
    result = score(*one_item_inspection("749.5"))
    assert result.total == D("74.95")
    assert result.rounded_total == D("75.0")
    assert result.grade == "good"


def test_total_8995_grades_excellent_because_users_see_90():
    result = score(*one_item_inspection("899.5"))
    assert result.total == D("89.95")
    assert result.grade == "excellent"


def test_rounding_happens_only_at_the_end():
    # Sections 74.95 and 74.9: rounded first they would average 74.95 → 75.0 (good);
    # the exact mean is 74.925 → 74.9 (pass).
    sections = [section("x", 1, points_item("a", 1000)), section("y", 1, points_item("b", 1000))]
    result = score(sections, answered(pts("a", "749.5"), pts("b", 749)))
    assert [s.rounded_score for s in result.sections] == [D("75.0"), D("74.9")]
    assert result.total == D("74.925")
    assert result.rounded_total == D("74.9")
    assert result.grade == "pass"


def test_non_terminating_scores_keep_full_precision():
    sections = [section("s", 1, points_item("a", 3))]
    result = score(sections, answered(pts("a", 1)))
    assert result.total != round_score(result.total)
    assert abs(result.total * 3 - 100) < D("1e-40")
    assert result.rounded_total == D("33.3")


# --- critical veto ---------------------------------------------------------------------


def test_critical_item_at_zero_fails_whatever_the_total_and_is_listed():
    sections = [
        section("s1", 1, points_item("a", 99), points_item("fire_exits", 1, critical=True)),
        section("s2", 1, yes_no_item("food_licence", 5, critical=True), points_item("b", 95)),
    ]
    answers = answered(pts("a", 99), pts("fire_exits", 0), Answer("food_licence", yes=False),
                       pts("b", 95))
    result = score(sections, answers)
    assert result.total == D(97)  # (99 + 95) ÷ 2: excellent by the bands
    assert result.grade == "fail"
    assert result.failed_critical == ("fire_exits", "food_licence")  # template order


def test_critical_item_with_some_points_or_na_does_not_veto():
    sections = [section("s", 1, points_item("a", 10, critical=True),
                        points_item("b", 10, critical=True, allow_na=True), points_item("c", 10))]
    result = score(sections, answered(pts("a", "0.5"), Answer("b", na=True), pts("c", 10)))
    assert result.failed_critical == ()
    assert result.total == D("52.5")
    assert result.grade == "fail"  # by the bands: 52.5 < 60, not by veto


# --- grade bands -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "grade"),
    [("100", "excellent"), ("90", "excellent"), ("89.95", "excellent"), ("89.94", "good"),
     ("75", "good"), ("74.95", "good"), ("74.94", "pass"), ("60", "pass"), ("59.95", "pass"),
     ("59.94", "fail"), ("0", "fail")],
)
def test_default_bands_compare_the_rounded_total(total, grade):
    assert grade_for(D(total)) == grade
    assert grade_for(D(total), DEFAULT_BANDS) == grade


def test_custom_bands_in_any_order():
    bands = (GradeBand("B", D(70)), GradeBand("C", D(0)), GradeBand("A", D(85)))
    assert [grade_for(D(t), bands) for t in ("85", "84.94", "70", "69.9")] == ["A", "B", "B", "C"]
    result = score(*one_item_inspection(800), bands=bands)
    assert result.grade == "B"


def test_total_below_every_band_gets_the_lowest_band():
    assert grade_for(D(10), (GradeBand("ok", D(50)), GradeBand("poor", D(20)))) == "poor"


def test_veto_with_custom_bands_gives_the_lowest_band():
    bands = (GradeBand("A", D(85)), GradeBand("D", D(0)))
    sections = [section("s", 1, points_item("a", 10, critical=True), points_item("b", 100))]
    result = score(sections, answered(pts("a", 0), pts("b", 100)), bands=bands)
    assert (result.grade, result.failed_critical) == ("D", ("a",))


def test_no_bands_is_an_error():
    with pytest.raises(ValueError):
        grade_for(D(50), ())
    with pytest.raises(ValueError):
        score(*one_item_inspection(500), bands=())


# --- yes_no ----------------------------------------------------------------------------


def test_yes_earns_max_and_no_earns_zero():
    sections = [section("s", 1, yes_no_item("y", 5), yes_no_item("n", 5), points_item("p", 10))]
    result = score(sections, answered(Answer("y", yes=True), Answer("n", yes=False), pts("p", 7)))
    assert (result.sections[0].earned, result.sections[0].possible) == (D(12), D(20))
    assert result.total == D(60)
    assert get_kind("yes_no").earned(yes_no_item("y", "2.5"), Answer("y", yes=True)) == D("2.5")


# --- properties ------------------------------------------------------------------------


@st.composite
def inspections(draw, allow_na=True, all_max=False):
    """A random template with complete, valid answers: (sections, answers)."""
    sections, answers = [], {}
    for s in range(draw(st.integers(1, 4))):
        items = []
        for i in range(draw(st.integers(1, 5))):
            item_id = f"s{s}i{i}"
            max_halves = draw(st.integers(1, 40))
            na_allowed = allow_na and draw(st.booleans())
            item = ItemSpec(item_id, draw(st.sampled_from(["points", "yes_no"])),
                            D(max_halves) / 2, critical=draw(st.booleans()), allow_na=na_allowed)
            items.append(item)
            if na_allowed and draw(st.booleans()):
                answers[item_id] = Answer(item_id, na=True)
            elif item.kind == "points":
                halves = max_halves if all_max else draw(st.integers(0, max_halves))
                answers[item_id] = Answer(item_id, points=D(halves) / 2)
            else:
                answers[item_id] = Answer(item_id, yes=all_max or draw(st.booleans()))
        weight = D(draw(st.integers(0 if not all_max else 1, 1000))) / 100
        sections.append(SectionSpec(f"s{s}", weight, tuple(items)))
    return sections, answers


@given(inspections())
def test_total_stays_between_0_and_100(inspection):
    result = score(*inspection)
    for section_result in result.sections:
        assert section_result.score is None or 0 <= section_result.score <= 100
    if result.total is not None:
        assert 0 <= result.total <= 100
        assert 0 <= result.rounded_total <= 100


@given(inspections())
def test_total_is_the_weighted_mean_of_section_scores(inspection):
    sections, answers = inspection
    result = score(sections, answers)
    counted = [(spec.weight, res.score) for spec, res in zip(sections, result.sections, strict=True)
               if res.score is not None]
    weight_sum = sum(weight for weight, _ in counted)
    if not weight_sum:
        assert result.total is None
        return
    # The weighted deviations from a weighted mean cancel out (up to 50-digit arithmetic).
    with localcontext(prec=80):
        residual = sum(weight * (value - result.total) for weight, value in counted)
    assert abs(residual) < D("1e-40")
    for spec, res in zip(sections, result.sections, strict=True):
        applicable = [item for item in spec.items if not answers[item.id].na]
        assert res.possible == sum((item.max_points for item in applicable), D(0))


@given(inspections(), st.data())
def test_total_never_decreases_when_an_item_earns_more(inspection, data):
    sections, answers = inspection
    raisable = [item for spec in sections for item in spec.items
                if not answers[item.id].na and get_kind(item.kind).earned(item, answers[item.id])
                < item.max_points]
    if not raisable:
        return
    item = data.draw(st.sampled_from(raisable))
    before = answers[item.id]
    if item.kind == "points":
        extra = D(data.draw(st.integers(1, int((item.max_points - before.points) * 2)))) / 2
        after = Answer(item.id, points=before.points + extra)
    else:
        after = Answer(item.id, yes=True)
    old, new = score(sections, answers), score(sections, {**answers, item.id: after})
    if old.total is None:
        assert new.total is None
    else:
        assert new.total >= old.total
    assert set(new.failed_critical) <= set(old.failed_critical)


@settings(max_examples=50)
@given(inspections(allow_na=False, all_max=True))
def test_all_max_without_na_scores_exactly_100(inspection):
    result = score(*inspection)
    assert result.total == D(100)
    assert str(result.rounded_total) == "100.0"
    assert (result.grade, result.failed_critical) == ("excellent", ())
