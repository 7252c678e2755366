"""Who answers for a visit to a home is the operator running it on the visit's day, as known
when the inspector submits: a visit planned before the operation contract was activated (a
campaign scheduled weeks ahead, a home handed over meanwhile) is the operator's to read once
finalized, to appeal and to be judged by, not nobody's or the previous operator's."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from app import clock
from app.errors import NotFound
from contracts import services as contracts
from evaluations.inspections import services as svc
from tests.answers import fill_in
from tests.factories import activate


def _operation(facility, provider, regions, start: date, end: date):
    return contracts.create_contract(
        title="公建民营运营", service_type="facility_operation", provider=provider,
        region=regions["a"], facility=facility, start_date=start, end_date=end,
        amount=Decimal("300000.00"), targets={})


def _visit(db, inspection, w):
    fill_in(db, inspection, w)
    svc.submit_inspection(inspection, actor=w.inspector)
    db.session.commit()
    svc.finalize_inspection(inspection, actor=w.officer)
    db.session.commit()


def test_a_visit_planned_before_its_operator_was_activated_is_that_operators(
        db, inspection_world, make_facility, make_provider, make_user):
    w = inspection_world
    home = make_facility("a1", name="甲一敬老院")
    operator = make_provider()
    contract = _operation(home, operator, w.regions, date(2026, 1, 1), date(2026, 12, 31))
    db.session.commit()                                    # a draft when the visit is planned
    inspection = svc.schedule_inspection(template=w.template, inspector=w.inspector,
                                         facility=home, scheduled_for=date(2026, 11, 10),
                                         actor=w.officer)
    db.session.commit()
    assert inspection.provider_id is None
    activate(contract)
    db.session.commit()

    _visit(db, inspection, w)
    assert (inspection.provider_id, inspection.contract_id) == (operator.id, contract.id)
    reader = make_user("provider", provider=operator)
    assert svc.get_visible_inspection(reader, inspection.id).id == inspection.id


def test_a_home_handed_over_before_the_visit_is_answered_for_by_the_new_operator(
        db, inspection_world, make_provider, make_user):
    w = inspection_world
    day = clock.today() + timedelta(days=10)
    inspection = svc.schedule_inspection(template=w.template, inspector=w.inspector,
                                         facility=w.facility, scheduled_for=day,
                                         actor=w.officer)
    db.session.commit()
    assert inspection.provider_id == w.provider.id           # the operator when planned
    contracts.transition_contract(w.contract, "terminated", actor=None, reason="经营不善")
    successor = make_provider()
    handed = _operation(w.facility, successor, w.regions, clock.today() + timedelta(days=1),
                        date(day.year + 1, 12, 31))
    activate(handed)
    db.session.commit()

    _visit(db, inspection, w)
    assert (inspection.provider_id, inspection.contract_id) == (successor.id, handed.id)
    assert svc.get_visible_inspection(make_user("provider", provider=successor),
                                      inspection.id).id == inspection.id
    try:
        svc.get_visible_inspection(w.provider_user, inspection.id)
    except NotFound:
        pass
    else:
        raise AssertionError("the previous operator reads a visit to a home it no longer ran")
