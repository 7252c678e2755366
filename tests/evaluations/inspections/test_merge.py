"""The server's merge rule for answers changed on two devices: different items merge, the same
item changed since is a conflict with both values, and nothing is overwritten silently."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from app.errors import ValidationError
from evaluations.inspections import services as svc
from evaluations.inspections.models import Inspection, InspectionAnswer
from evaluations.inspections.sync import Change, Stored, merge_rule
from tests.factories import item_of

# ---- the rule itself -------------------------------------------------------------------------

def _stored(version: int, yes=True, note="") -> Stored:
    return Stored(points=None, yes=yes, na=False, note=note, version=version)


def _change(item_id: int, base: int, yes=True, note=None) -> Change:
    return Change(item_id=item_id, points=None, yes=yes, na=False, note=note, base_version=base)


def test_a_change_to_an_answer_nobody_changed_since_is_applied():
    apply, conflicts = merge_rule({1: _stored(3)}, [_change(1, base=3, yes=False)])
    assert [c.item_id for c in apply] == [1] and conflicts == []


def test_a_change_to_an_item_without_an_answer_is_applied():
    apply, conflicts = merge_rule({}, [_change(7, base=0)])
    assert [c.item_id for c in apply] == [7] and conflicts == []


def test_a_change_based_on_an_older_answer_is_a_conflict_with_both_values():
    stored = _stored(5, yes=False, note="灭火器过期")
    apply, conflicts = merge_rule({1: stored}, [_change(1, base=3, yes=True)])
    assert apply == []
    [conflict] = conflicts
    assert conflict.item_id == 1
    assert conflict.yours.yes is True and conflict.theirs.yes is False
    assert conflict.theirs.note == "灭火器过期" and conflict.theirs.version == 5


def test_the_same_change_from_two_devices_is_no_conflict_and_nothing_to_do():
    apply, conflicts = merge_rule({1: _stored(5, yes=True, note="ok")},
                                  [_change(1, base=2, yes=True, note="ok"),
                                   _change(1, base=2, yes=True)])  # no note: keeps the stored
    assert apply == [] and conflicts == []


def test_an_item_created_on_another_device_meanwhile_is_a_conflict():
    apply, conflicts = merge_rule({1: _stored(4, yes=False)}, [_change(1, base=0, yes=True)])
    assert apply == [] and [c.item_id for c in conflicts] == [1]


@given(st.lists(st.tuples(st.integers(1, 6), st.integers(0, 9), st.booleans()), max_size=12),
       st.dictionaries(st.integers(1, 6), st.tuples(st.integers(0, 9), st.booleans())))
def test_every_change_is_applied_refused_or_already_there_never_silently_lost(raw_changes,
                                                                               raw_stored):
    stored = {item: _stored(version, yes) for item, (version, yes) in raw_stored.items()}
    changes = [_change(item, base, yes) for item, base, yes in raw_changes]
    apply, conflicts = merge_rule(stored, changes)
    conflicted = [c.yours for c in conflicts]
    for change in changes:
        current = stored.get(change.item_id)
        if change in apply:
            assert current is None or current.version <= change.base_version
        elif change in conflicted:
            assert current.version > change.base_version and current.yes != change.yes
        else:  # neither: the server already holds exactly this value
            assert current is not None and current.yes == change.yes


# ---- the service: item by item, one atomic version -----------------------------------------

def _answers(db, inspection_id) -> dict[int, InspectionAnswer]:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(InspectionAnswer)
                              .where(InspectionAnswer.inspection_id == inspection_id))
    return {row.item_id: row for row in rows}


def test_two_devices_changing_different_items_both_survive(db, schedule, inspection_world):
    w = inspection_world
    inspection = schedule()
    first, second = w.template.items[0], item_of(w.template, "room_temperature")
    # device A saved item 1 online; both devices then started from that state
    assert svc.save_changes(inspection, answers=[{"item_id": first.id, "yes": True,
                                                  "base_version": 0}], actor=w.inspector) == []
    db.session.commit()
    base = _answers(db, inspection.id)[first.id].version
    # device B changes the room temperature, device A (offline) item 1 again
    svc.save_changes(inspection, answers=[{"item_id": second.id, "reading": "18.5",
                                           "base_version": 0}], actor=w.inspector)
    db.session.commit()
    conflicts = svc.save_changes(inspection, answers=[
        {"item_id": first.id, "yes": False, "note": "门窗漏风", "base_version": base}],
        actor=w.inspector)
    db.session.commit()
    assert conflicts == []
    rows = _answers(db, inspection.id)
    assert rows[first.id].yes is False and rows[first.id].note == "门窗漏风"
    assert rows[second.id].reading == Decimal("18.5")
    assert rows[first.id].version == db.session.get(Inspection, inspection.id).version


def test_the_same_item_changed_since_is_returned_and_not_stored(db, schedule, inspection_world):
    w = inspection_world
    inspection = schedule()
    room = item_of(w.template, "room_temperature")
    svc.save_changes(inspection, answers=[{"item_id": room.id, "reading": 22, "note": "客厅",
                                           "base_version": 0}], actor=w.inspector)
    db.session.commit()
    base = _answers(db, inspection.id)[room.id].version
    svc.save_changes(inspection, answers=[{"item_id": room.id, "reading": 15, "note": "卧室",
                                           "base_version": base}], actor=w.inspector)
    db.session.commit()
    other = w.template.items[0]
    conflicts = svc.save_changes(inspection, answers=[
        {"item_id": room.id, "reading": 17, "base_version": base},    # stale: conflict
        {"item_id": other.id, "yes": True, "base_version": 0}],        # new item: merges
        actor=w.inspector)
    db.session.commit()
    [conflict] = conflicts
    assert conflict.item_id == room.id
    assert conflict.yours.reading == Decimal("17") and conflict.theirs.reading == Decimal("15")
    assert conflict.theirs.note == "卧室"
    rows = _answers(db, inspection.id)
    assert rows[room.id].reading == Decimal("15") and rows[other.id].yes is True
    assert rows[room.id].points == 0  # below the half-credit 16 ℃

    # the inspector chose their own value: sent again on the version they were shown, it wins
    svc.save_changes(inspection, answers=[{"item_id": room.id, "reading": 17,
                                           "base_version": conflict.theirs.version}],
                     actor=w.inspector)
    db.session.commit()
    assert _answers(db, inspection.id)[room.id].reading == Decimal("17")
    assert _answers(db, inspection.id)[room.id].points == Decimal("2.5")


@pytest.mark.parametrize("base, field", [(None, "answers[0].base_version"),
                                         ("x", "answers[0].base_version"),
                                         (-1, "answers[0].base_version"),
                                         (2**70, "answers[0].base_version"),
                                         (float("inf"), "answers[0].base_version"),
                                         (True, "answers[0].base_version"),
                                         (2.5, "answers[0].base_version"),
                                         ("١", "answers[0].base_version")])
def test_a_change_without_a_valid_base_version_is_refused(db, schedule, inspection_world,
                                                          base, field):
    w = inspection_world
    inspection = schedule()
    change = {"item_id": w.template.items[0].id, "yes": True}
    if base is not None:
        change["base_version"] = base
    with pytest.raises(ValidationError) as error:
        svc.save_changes(inspection, answers=[change], actor=w.inspector)
    assert field in error.value.fields
    db.session.rollback()
    assert _answers(db, inspection.id) == {}
    assert db.session.get(Inspection, inspection.id).version == 1


def test_invalid_values_and_bases_are_named_together(db, schedule, inspection_world):
    w = inspection_world
    inspection = schedule()
    room = item_of(w.template, "room_temperature")
    with pytest.raises(ValidationError) as error:
        svc.save_changes(inspection, answers=[
            {"item_id": room.id, "points": 9, "base_version": 0},
            {"item_id": w.template.items[0].id, "yes": True}], actor=w.inspector)
    assert {"answers[0].points", "answers[1].base_version"} <= set(error.value.fields)
