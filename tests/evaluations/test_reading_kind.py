"""The ``reading`` item kind: a measured value scored against the template's thresholds."""

from decimal import Decimal

import pytest

from evaluations.item_kinds import ReadingRule
from evaluations.scoring import Answer, ItemSpec, SectionSpec, score, validate_answers

D = Decimal
RULE = ReadingRule(full_at=D(18), half_at=D(16), low=D(-10), high=D(40), unit="℃")


def room(rule=RULE, **flags):
    return ItemSpec(id="room", kind="reading", max_points=D(5), reading=rule, **flags)


def total_for(reading, item=None):
    item = item or room()
    sections = (SectionSpec("heating", D(1), (item,)),)
    result = score(sections, {"room": Answer("room", reading=reading)})
    return result.sections[0].earned


@pytest.mark.parametrize(("reading", "earned"), [
    ("18.0", 5), ("25", 5), ("17.9", "2.5"), ("16.5", "2.5"), ("16", "2.5"), ("15.9", 0),
    ("-10", 0)])
def test_full_at_or_above_the_first_parameter_half_at_the_second(reading, earned):
    assert total_for(D(reading)) == D(earned)


def test_a_changed_parameter_changes_the_score():
    local = ReadingRule(full_at=D(20), half_at=D(18), low=D(-10), high=D(40), unit="℃")
    assert total_for(D("18.0")) == 5
    assert total_for(D("18.0"), room(local)) == D("2.5")
    assert total_for(D("17.5"), room(local)) == 0


def test_without_a_half_credit_parameter_below_full_earns_nothing():
    strict = ReadingRule(full_at=D(18), half_at=None, low=D(0), high=D(40))
    assert total_for(D("17.9"), room(strict)) == 0


def test_a_failed_critical_reading_vetoes():
    sections = (SectionSpec("heating", D(1), (room(critical=True),)),)
    result = score(sections, {"room": Answer("room", reading=D("12.0"))})
    assert result.failed_critical == ("room",) and result.grade == "fail"


def codes(answer, item=None):
    sections = (SectionSpec("heating", D(1), (item or room(),)),)
    return [e.code for e in validate_answers(sections, {"room": answer},
                                             require_complete=True).get("room", [])]


def test_out_of_range_and_too_precise_readings_are_refused_with_the_range():
    sections = (SectionSpec("heating", D(1), (room(),)),)
    error = validate_answers(sections, {"room": Answer("room", reading=D("60"))})["room"][0]
    assert error.code == "reading_out_of_range"
    assert error.message == "The reading must lie between -10 and 40℃."
    assert codes(Answer("room", reading=D("-10.1"))) == ["reading_out_of_range"]
    assert codes(Answer("room", reading=D("17.55"))) == ["reading_too_precise"]
    assert codes(Answer("room", reading=D("NaN"))) == ["reading_not_a_number"]
    assert codes(Answer("room", reading=D("40.0"))) == []


def test_a_missing_reading_is_unanswered_and_points_are_refused():
    assert codes(Answer("room")) == ["answer_missing"]
    assert codes(Answer("room", points=D(5))) == ["value_on_reading", "answer_missing"]
    assert codes(Answer("room", yes=True)) == ["value_on_reading", "answer_missing"]


def test_na_works_where_allowed_and_never_with_a_reading():
    assert codes(Answer("room", na=True), room(allow_na=True)) == []
    assert codes(Answer("room", na=True)) == ["na_not_allowed"]
    assert codes(Answer("room", na=True, reading=D(18)), room(allow_na=True)) == ["na_with_value"]


def test_other_kinds_refuse_a_reading():
    item = ItemSpec(id="room", kind="points", max_points=D(5))
    assert codes(Answer("room", points=D(5), reading=D(18)), item) == ["reading_not_taken"]


def test_a_reading_item_needs_its_thresholds():
    with pytest.raises(ValueError):
        ItemSpec(id="room", kind="reading", max_points=D(5))
