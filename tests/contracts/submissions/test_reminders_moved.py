"""A report's deadline that moves (a contract extended: its last, shortened period now ends
later) is reminded again at the new deadline; reminders sent before the deadline was part of
their key are not sent twice."""

from __future__ import annotations

from datetime import date

import pytest

from app.notifications import kinds
from app.notifications import services as notifications
from contracts import services
from tests.factories import notices, on, run_ok

JOB = "contracts.submission_reminders"


@pytest.fixture
def short(db, make_contract, make_user):
    """An active contract ending 15 March 2026: its March report is due on 25 March."""
    on(date(2026, 1, 5))
    contract = make_contract(status="active", end_date=date(2026, 3, 15))
    staff = make_user("provider", provider=contract.provider, locale="en")
    db.session.commit()
    return contract, staff


def _march(db, staff) -> list[tuple[str, str]]:
    return [(n.kind, n.title) for n in notices(db, staff) if "2026-03 " in n.title]


def test_an_extended_contract_is_reminded_of_its_last_reports_new_deadline(app, db, short):
    contract, staff = short
    on(date(2026, 3, 22))
    run_ok(app, JOB)
    on(date(2026, 3, 26))
    run_ok(app, JOB)
    assert [kind for kind, _ in _march(db, staff)] == [kinds.SUBMISSION_DUE,
                                                        kinds.SUBMISSION_OVERDUE]

    services.amend_contract(contract, reason="服务延期至月底", actor=None,
                            end_date=date(2026, 3, 31))
    db.session.commit()
    on(date(2026, 4, 7))
    run_ok(app, JOB)
    on(date(2026, 4, 11))
    run_ok(app, JOB)
    march = _march(db, staff)
    assert [kind for kind, _ in march] == [kinds.SUBMISSION_DUE, kinds.SUBMISSION_OVERDUE] * 2
    assert "2026-04-10" in march[2][1]  # told of the new deadline


def test_a_stage_told_under_the_key_without_the_deadline_is_not_told_again(app, db, short):
    contract, staff = short
    on(date(2026, 3, 22))
    notifications.notify(staff, kinds.SUBMISSION_DUE, "Report 2026-03 of the contract is due",
                         dedupe_key=f"submission-due:{contract.id}:2026-03:d-3:{staff.id}")
    db.session.commit()
    on(date(2026, 3, 23))
    run_ok(app, JOB)
    assert len(_march(db, staff)) == 1

    on(date(2026, 3, 25))  # the deadline day is another stage
    run_ok(app, JOB)
    assert [kind for kind, _ in _march(db, staff)] == [kinds.SUBMISSION_DUE] * 2
