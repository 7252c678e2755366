"""One rule says which inspections a contract's performance counts (``counts_toward``): the
performance reads it from the contract, an appeal from the inspection to hold the payments
its result may change. Read both ways, it gives the same pairs (review of the money area, 4:
the two spelled it apart)."""

from datetime import date

from evaluations.inspections.services import finalize_inspection, submit_inspection
from reports.appeals.services import _installments_counting
from reports.performance.services import (
    Window,
    counted_inspections,
    linked_installment,
)
from tests.factories import fill_in, on


def _finalized(db, w, schedule, facility, day):
    on(day)
    inspection = schedule(scheduled_for=day, facility=facility)
    fill_in(db, inspection, w, value=lambda item: None)
    submit_inspection(inspection, actor=w.inspector)
    finalize_inspection(inspection, actor=w.officer)
    db.session.commit()
    return inspection


def test_an_appeal_holds_exactly_the_installments_whose_figures_count_it(
        db, inspection_world, schedule, make_facility, make_operation_contract):
    w = inspection_world
    other_home = make_facility("a1")
    other = make_operation_contract(other_home)
    results = [_finalized(db, w, schedule, w.facility, date(2026, 5, 10)),
               _finalized(db, w, schedule, other_home, date(2026, 6, 10))]
    on(date(2026, 12, 20))
    contracts = [w.contract, other]
    for inspection in results:
        by_appeal = {i.id for i in _installments_counting(inspection)}
        by_figures = {linked_installment(c).id for c in contracts if inspection in
                      counted_inspections(c, Window("term", c.start_date, c.end_date))}
        assert by_appeal == by_figures and len(by_appeal) == 1, inspection.facility_id
