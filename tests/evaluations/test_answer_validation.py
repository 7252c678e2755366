"""Answers checked before scoring (DESIGN.md §4): each error code, malformed templates, and the
registry of item kinds. Pure functions: no app, no database."""

from __future__ import annotations

import pytest

from evaluations import item_kinds
from evaluations.item_kinds import KINDS, ItemKind, UnknownItemKind, get_kind, register
from evaluations.scoring import (
    Answer,
    GradeBand,
    IncompleteAnswers,
    InvalidAnswers,
    ItemSpec,
    SectionSpec,
    score,
    validate_answers,
)
from tests.evaluations.scoring_specs import D, answered, points_item, pts, section, yes_no_item

TEMPLATE = [
    section("s1", 1, points_item("p", 10), points_item("p_na", 10, allow_na=True)),
    section("s2", 1, yes_no_item("y", 5)),
]


def error_codes(answers, **options):
    errors = validate_answers(TEMPLATE, answered(*answers), **options)
    return {item_id: [error.code for error in item_errors] for item_id, item_errors in errors.items()}


def test_valid_complete_answers_have_no_errors():
    answers = [pts("p", "9.5"), Answer("p_na", na=True), Answer("y", yes=False)]
    assert error_codes(answers, require_complete=True) == {}


def test_partial_draft_is_valid_until_completeness_is_required():
    assert error_codes([pts("p", 3), Answer("y")]) == {}
    assert error_codes([pts("p", 3), Answer("y")], require_complete=True) == {
        "p_na": ["answer_missing"],
        "y": ["answer_missing"],
    }


@pytest.mark.parametrize(
    ("answer", "codes"),
    [
        (pts("p", "10.5"), ["points_above_max"]),
        (pts("p", -1), ["points_negative"]),
        (pts("p", "-0.25"), ["points_negative", "points_not_half_step"]),
        (pts("p", "7.25"), ["points_not_half_step"]),
        (pts("p", "0.5000000000000000000000000000000001"), ["points_not_half_step"]),
        (pts("p", "1E+40"), ["points_above_max"]),
        # exponents no arithmetic context holds: judged as written, never rounded to 0
        (pts("p", "1E+9999999"), ["points_above_max"]),
        (pts("p", "1E-9999999"), ["points_not_half_step"]),
        (pts("p", "-1E+999999999"), ["points_negative"]),
        (Answer("p", points=7.5), ["points_not_a_number"]),  # float: inexact
        (Answer("p", points=True), ["points_not_a_number"]),
        (pts("p", "NaN"), ["points_not_a_number"]),
        (Answer("p", na=True), ["na_not_allowed"]),
        (Answer("p_na", na=True, points=D(3)), ["na_with_value"]),
        (Answer("p", yes=True), ["yes_no_on_points"]),
        (Answer("y", points=D(5)), ["points_on_yes_no"]),
        (Answer("y", yes=1), ["yes_not_a_boolean"]),
    ],
)
def test_each_invalid_answer_is_reported_with_its_code(answer, codes):
    assert error_codes([answer]) == {answer.item_id: codes}


def test_error_carries_english_message_and_params():
    [error] = validate_answers(TEMPLATE, answered(pts("p", 11)))["p"]
    assert error.code == "points_above_max"
    assert "10" in error.message
    assert error.params == {"points": D(11), "max_points": D(10)}


def test_answer_for_an_item_of_another_template_is_unknown():
    assert error_codes([pts("elsewhere", 1)]) == {"elsewhere": ["unknown_item"]}


def test_answer_filed_under_the_wrong_item_id_is_reported():
    errors = validate_answers(TEMPLATE, {"p": pts("p_na", 3)})
    assert [e.code for e in errors["p"]] == ["item_id_mismatch"]


def test_score_refuses_incomplete_answers_listing_them_in_template_order():
    with pytest.raises(IncompleteAnswers) as caught:
        score(TEMPLATE, answered(Answer("y"), pts("p_na", 2)))
    assert caught.value.missing_item_ids == ("p", "y")


def test_score_refuses_invalid_answers():
    answers = answered(pts("p", 11), pts("p_na", 2), Answer("y", yes=True), pts("other", 1))
    with pytest.raises(InvalidAnswers) as caught:
        score(TEMPLATE, answers)
    assert set(caught.value.errors) == {"p", "other"}


def test_two_answers_for_one_item_are_refused():
    with pytest.raises(ValueError, match="two answers"):
        answered(pts("p", 1), pts("p", 2))


@pytest.mark.parametrize(
    "build",
    [
        lambda: ItemSpec("a", "points", 10.0),
        lambda: ItemSpec("a", "points", D(0)),
        lambda: ItemSpec("a", "stars", D(5)),
        lambda: SectionSpec("s", D(-1), ()),
        lambda: SectionSpec("s", 0.5, ()),
        lambda: GradeBand("A", 90),
        lambda: score([section("s", 1, points_item("a", 1)), section("t", 1, points_item("a", 1))],
                      answered(pts("a", 1))),
    ],
)
def test_malformed_templates_are_refused(build):
    with pytest.raises((TypeError, ValueError, KeyError)):
        build()


# --- the kind registry -----------------------------------------------------------------


def test_builtin_kinds_are_registered():
    assert {"points", "yes_no"} <= set(KINDS)
    assert get_kind("points").key == "points"
    with pytest.raises(UnknownItemKind):
        get_kind("stars")


def test_a_new_kind_is_one_class_and_register(monkeypatch):
    monkeypatch.setattr(item_kinds, "KINDS", dict(KINDS))

    @register
    class AllOrHalf(ItemKind):
        key = "all_or_half"
        label = "All or half"

        def is_answered(self, answer):
            return answer.yes is not None

        def validate_value(self, item, answer):
            return []

        def earned(self, item, answer):
            return item.max_points if answer.yes else item.max_points / 2

    sections = [section("s", 1, ItemSpec("a", "all_or_half", D(10)), points_item("b", 10))]
    assert score(sections, answered(Answer("a", yes=False), pts("b", 10))).total == D(75)
    with pytest.raises(ValueError, match="already registered"):
        register(AllOrHalf)
