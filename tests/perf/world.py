"""A small city of ``n`` of everything that lists show, built twice at two sizes by the
statement-count tests: contracts, homes, finalized inspections with answers, corrective
actions, reports, household records, appeals."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

from app.regions.models import Level
from app.regions.services import create_region
from contracts.households.services import import_households
from contracts.submissions.models import Submission, SubmissionStatus
from evaluations.actions.services import create_action
from evaluations.inspections.models import InspectionStatus
from evaluations.inspections.services import schedule_inspection
from tests.factories import hh_csv, hh_id

SENT = datetime(2026, 2, 3, 2, 0, tzinfo=UTC)


def base(make_user, make_provider, make_template) -> SimpleNamespace:
    """The template, the provider whose user looks, an inspector of A."""
    return SimpleNamespace(template=make_template("warm_winter"),
                           provider=make_provider(name="甲区阳光社会工作服务中心"),
                           inspector=make_user("inspector", region="a"))


def add(db, w: SimpleNamespace, n: int, *, make_contract, make_facility,
        make_operation_contract, make_scored_inspection) -> SimpleNamespace:
    """Add ``n`` of everything to ``w``; returns ``w`` with its last survey contract."""
    template, own, inspector = w.template, w.provider, w.inspector
    start = getattr(w, "size", 0)
    for i in range(start, start + n):
        facility = make_facility("a1", name=f"甲一福利院{i}")
        operation = make_operation_contract(facility, provider=own if i % 2 == 0 else None)
        world = SimpleNamespace(template=template, inspector=inspector, facility=facility)
        inspection = make_scored_inspection(world, {}, status=InspectionStatus.SUBMITTED,
                                            scheduled_for=date(2026, 3, 1 + i))
        inspection.total, inspection.grade = Decimal(90 - i), "excellent"
        inspection.status = InspectionStatus.FINALIZED
        db.session.commit()
        schedule_inspection(template=template, inspector=inspector, facility=facility,
                            scheduled_for=date(2026, 11, 21 + i % 5))  # due within a week
        create_action(description=f"整改{i}", severity="blue", deadline=date(2026, 12, 1),
                      inspection=inspection)
        survey = make_contract(region="a", status="active",
                               **({"provider": own} if i % 2 == 0 else {}))
        import_households(survey, hh_csv([{} for _ in range(3)], ), f"h{i}.csv", None)
        for contract in (operation, survey):
            db.session.add(Submission(contract_id=contract.id, period="2026-01",
                                      status=SubmissionStatus.SUBMITTED,
                                      submitted_at=SENT,
                                      first_submitted_at=SENT, data={}))
        if getattr(w, "survey", None) is not None:  # the first survey's own lists grow too
            village = create_region(f"1001000010{i + 10:02d}", f"甲一{i}村", Level.VILLAGE,
                                    "100100001", f"A1 Village {i}")
            import_households(w.survey, hh_csv([{"id_number": hh_id(100 + i),
                                                 "region_code": village.code}]),
                              f"more{i}.csv", None)
            db.session.add(Submission(contract_id=w.survey.id, period=f"2026-{i + 2:02d}",
                                      status=SubmissionStatus.SUBMITTED, submitted_at=SENT,
                                      first_submitted_at=SENT, data={}))
        db.session.commit()
    w.size, w.survey = start + n, getattr(w, "survey", None) or survey
    return w
