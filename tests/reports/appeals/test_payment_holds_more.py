"""What holds the performance-linked installment back: a decision whose figures have since
changed (an inspection it counted corrected) is not paid on; and an appeal of a counted
inspection lodged at the instant of a payment is ordered with it."""

from datetime import date
from html import unescape

import pytest

from app.extensions import db as _db
from app.users.models import User
from contracts import services as contract_services
from contracts.models import Installment
from evaluations.inspections.models import Inspection
from evaluations.inspections.services import (
    correct_inspection,
    finalize_inspection,
    submit_inspection,
)
from reports.appeals import services as appeals
from reports.appeals.models import Appeal, AppealStatus
from reports.performance import figures
from reports.performance.decisions import (
    decided_amount,
    record_payment_decision,
    revoke_payment_decision,
)
from reports.performance.services import contract_performance, linked_installment
from tests.answers import fill_in
from tests.clients import Browser
from tests.factories import on
from tests.locks import first_held_while_the_second_waits, held_inside_while_the_second_waits
from tests.reports.money import VETO, finalized, reports_on_time

APPEAL_HOLDS = "An appeal may still change this installment's payment decision"
FIGURES_CHANGED = "that the payment decision of 2026-11-12 rests on have changed since"


@pytest.fixture
def decided(db, inspection_world, schedule):
    """The home's inspection of 2026-11-10 at full marks, its reports on time, and the year
    decided on it (pay) on 2026-11-12, within the inspection's appeal window."""
    w = inspection_world
    w.inspection = finalized(db, w, schedule)
    reports_on_time(db, w.contract)
    on(date(2026, 11, 12))
    w.decision = record_payment_decision(w.contract, "2026", decision="pay", renew=True,
                                         comment="按绩效支付", actor=w.officer)
    db.session.commit()
    w.installment = linked_installment(w.contract)
    return w


def _officer_browser(app, w) -> Browser:
    browser = Browser(app.test_client())
    browser.login(w.officer)
    return browser


def _pay_url(w, installment) -> str:
    return f"/contracts/{w.contract.id}/installments/{installment.id}/pay"


# ---- 2. a decision on figures that have since changed --------------------------------------

def _corrected_with_a_failed_veto(db, w) -> Inspection:
    """The counted inspection corrected (no appeal): its veto item now fails, the grade with it."""
    correction = correct_inspection(w.inspection, actor=w.officer, reason="复查发现烟感缺失")
    db.session.commit()
    fill_in(db, correction, w, value=lambda item: False if item.key == VETO else None)
    submit_inspection(correction, actor=w.inspector)
    finalize_inspection(correction, actor=w.officer)
    db.session.commit()
    return correction


def test_a_decision_whose_figures_changed_is_not_paid_on_until_decided_again(app, db, decided):
    w = decided
    assert w.decision.grade != "fail"
    _corrected_with_a_failed_veto(db, w)
    browser = _officer_browser(app, w)
    browser.get(f"/contracts/{w.contract.id}")
    refused = browser.post(_pay_url(w, w.installment),
                           {"paid_amount": str(decided_amount(w.installment))})
    message = unescape(refused.get_data(as_text=True))
    assert refused.status_code == 409 and FIGURES_CHANGED in message
    assert "revoke the decision" in message
    db.session.expire_all()
    assert db.session.get(Installment, w.installment.id).paid_at is None

    revoke_payment_decision(w.decision, reason="检查结果已更正", actor=w.officer)
    again = record_payment_decision(w.contract, "2026", decision="withhold", renew=False,
                                    comment="一票否决", actor=w.officer)
    db.session.commit()
    assert again.grade == "fail"
    # the new decision withholds: nothing is paid, the installment stays open to revision
    withheld = browser.post(_pay_url(w, w.installment), {"paid_amount": "0"})
    assert withheld.status_code == 409
    assert "Withheld by its payment decision" in unescape(withheld.get_data(as_text=True))


def test_a_payment_as_a_correction_is_finalized_waits_and_is_refused(
        app, db, decided, monkeypatch):
    """The payment read the figures the correction was replacing and paid on them; now it
    waits for the correction's commit (its figures refreshed, not yet committed) and reads
    the new ones."""
    w = decided
    correction = correct_inspection(w.inspection, actor=w.officer, reason="复查发现烟感缺失")
    db.session.commit()
    fill_in(db, correction, w, value=lambda item: False if item.key == VETO else None)
    submit_inspection(correction, actor=w.inspector)
    db.session.commit()
    ids = {"correction": correction.id, "officer": w.officer.id,
           "installment": w.installment.id}

    def finalize() -> None:
        finalize_inspection(_db.session.get(Inspection, ids["correction"]),
                            actor=_db.session.get(User, ids["officer"]))

    def pay() -> None:
        installment = _db.session.get(Installment, ids["installment"])
        contract_services.record_payment(installment, decided_amount(installment))

    outcomes = held_inside_while_the_second_waits(app, monkeypatch, figures, "refresh",
                                                  finalize, pay)
    assert outcomes[0] is None and "have changed since" in (outcomes[1] or ""), outcomes
    db.session.expire_all()
    assert db.session.get(Installment, w.installment.id).paid_at is None


def test_unchanged_figures_do_not_hold_the_payment(db, decided):
    w = decided
    contract_services.record_payment(w.installment, decided_amount(w.installment))
    db.session.commit()
    assert linked_installment(w.contract).paid_at is not None


def test_a_composite_moved_within_its_grade_does_not_hold_the_payment(db, decided):
    """Decided in November, paid in January: December's report, never sent, is overdue by
    then and lowers the composite, but not the grade, which alone sets what may be paid."""
    w = decided
    on(date(2027, 1, 20))
    now = contract_performance(w.contract, "2026")
    assert now.rounded("composite") != w.decision.composite and now.grade == w.decision.grade
    contract_services.record_payment(w.installment, decided_amount(w.installment))
    db.session.commit()
    assert linked_installment(w.contract).paid_at is not None


# ---- 3. an appeal of a counted inspection and a payment at the same instant -----------------

def _lodge_and_pay(decided):
    w = decided
    ids = {"inspection": w.inspection.id, "provider_user": w.provider_user.id,
           "installment": w.installment.id}

    def lodge() -> None:
        appeals.open_inspection_appeal(_db.session.get(Inspection, ids["inspection"]),
                                       reason="检查当日停电",
                                       actor=_db.session.get(User, ids["provider_user"]))

    def pay() -> None:
        installment = _db.session.get(Installment, ids["installment"])
        contract_services.record_payment(installment, decided_amount(installment))

    return lodge, pay


def test_an_inspection_appeal_lodged_first_holds_a_payment_at_the_same_instant(
        app, db, decided):
    """The payment read no appeal (not yet committed) and was recorded: paid while an appeal
    that holds it was open. Now it waits for the appeal, and is held as a moment later."""
    lodge, pay = _lodge_and_pay(decided)
    outcomes = first_held_while_the_second_waits(app, lodge, pay)
    assert outcomes[0] is None and "may still change" in (outcomes[1] or ""), outcomes
    db.session.expire_all()
    assert db.session.get(Installment, decided.installment.id).paid_at is None


def test_a_payment_recorded_first_stands_and_the_appeal_waits_for_it(app, db, decided):
    lodge, pay = _lodge_and_pay(decided)
    outcomes = first_held_while_the_second_waits(app, pay, lodge)
    assert outcomes == [None, None], outcomes
    db.session.expire_all()
    assert db.session.get(Installment, decided.installment.id).paid_at is not None
    [appeal] = db.session.query(Appeal).all()
    assert appeal.status is AppealStatus.OPEN and appeal.inspection_id == decided.inspection.id
