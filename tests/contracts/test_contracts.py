"""Contracts: validation, numbers, payment schedule, state machine, amendments, overlaps."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.errors import Conflict, ValidationError
from app.extensions import db as _db
from contracts import providers, services
from contracts.models import Contract, ContractStatus, ContractTransition, Installment, Provider
from tests.locks import first_held_while_the_second_waits
from tests.threads import (
    read_then_act_after,
    read_then_act_at_once,
    stored_as,
    the_one_that_won,
)

ALL = [s.value for s in ContractStatus]
LEGAL = {("draft", "active"), ("active", "suspended"), ("active", "completed"),
         ("active", "terminated"), ("suspended", "active"), ("suspended", "terminated")}


# ---- validation --------------------------------------------------------------------------

def test_three_years_allowed_one_day_more_refused(make_contract):
    assert make_contract(start_date=date(2026, 1, 1), end_date=date(2028, 12, 31)).id
    with pytest.raises(ValidationError) as caught:
        make_contract(start_date=date(2026, 1, 1), end_date=date(2029, 1, 1))
    assert "three years" in caught.value.fields["end_date"][0]


def test_end_must_follow_start_and_amount_be_positive(make_contract):
    with pytest.raises(ValidationError) as caught:
        make_contract(end_date=date(2026, 1, 1), amount="0")
    assert set(caught.value.fields) == {"end_date", "amount"}


def test_facility_rules(make_contract, make_facility):
    with pytest.raises(ValidationError) as caught:
        make_contract(service_type="facility_operation", targets={"beds": 100})
    assert "needs a facility" in caught.value.fields["facility_id"][0]
    with pytest.raises(ValidationError) as caught:
        make_contract(service_type="facility_operation", facility=make_facility(region="b1"))
    assert "outside" in caught.value.fields["facility_id"][0]
    contract = make_contract(service_type="facility_operation", facility=make_facility(),
                             targets={"beds": 120, "occupancy": 85})
    assert contract.targets == {"beds": 120, "occupancy": 85}


@pytest.mark.parametrize("targets", [{"beds": 10}, {"households": 0}, {"households": "many"},
                                     {"households": -5}])
def test_targets_must_fit_the_service_type_and_be_positive(make_contract, targets):
    with pytest.raises(ValidationError) as caught:
        make_contract(targets=targets)
    assert "targets" in caught.value.fields


def test_children_entrusted_are_at_most_what_a_roster_reports(make_contract, make_facility):
    """The monthly roster names each child, 1000 rows at most: more could never be reported."""
    centre = make_facility(kind="child_welfare")
    with pytest.raises(ValidationError) as caught:
        make_contract(service_type="entrusted_care", targets={"children": 1001}, facility=centre)
    assert "at most 1000" in caught.value.fields["targets"][0]
    contract = make_contract(service_type="entrusted_care", targets={"children": 1000},
                             facility=centre)
    assert contract.targets == {"children": 1000}


def test_weights_must_sum_to_100(make_contract):
    assert make_contract().weights == {"inspection": 60, "timeliness": 20, "targets": 20}
    with pytest.raises(ValidationError) as caught:
        make_contract(weights={"inspection": 60, "timeliness": 20, "targets": 30})
    assert "sum to 100" in caught.value.fields["weights"][0]


def test_officer_cannot_contract_outside_own_region(make_contract, make_user):
    officer = make_user("officer", region="a")
    with pytest.raises(ValidationError) as caught:
        make_contract(region="b", actor=officer)
    assert "region_code" in caught.value.fields


# ---- payment schedule --------------------------------------------------------------------

def test_default_schedule_is_50_50_with_the_last_linked(make_contract):
    contract = make_contract()
    assert [(i.seq, i.share_percent, i.performance_linked) for i in contract.installments] == [
        (1, Decimal(50), False), (2, Decimal(50), True)]
    assert contract.installments[1].due_date == date(2027, 1, 30)
    assert contract.installments[0].amount == Decimal("60000.00")


def test_shares_must_sum_to_exactly_100(make_contract):
    with pytest.raises(ValidationError) as caught:
        make_contract(installments=[
            {"share_percent": "30", "due_date": date(2026, 1, 1)},
            {"share_percent": "69.99", "due_date": date(2027, 1, 31)}])
    assert "exactly 100" in caught.value.fields["installments"][0]


def test_only_the_last_installment_is_performance_linked(make_contract):
    with pytest.raises(ValidationError) as caught:
        make_contract(installments=[
            {"share_percent": 40, "due_date": date(2026, 1, 1), "performance_linked": True},
            {"share_percent": 60, "due_date": date(2027, 1, 31), "performance_linked": False}])
    assert "last installment" in caught.value.fields["installments"][0]
    contract = make_contract(installments=[
        {"share_percent": 30, "due_date": date(2026, 1, 1)},
        {"share_percent": 30, "due_date": date(2026, 7, 1)},
        {"share_percent": 40, "due_date": date(2027, 1, 31)}])
    assert [i.performance_linked for i in contract.installments] == [False, False, True]


def test_installments_add_up_to_the_contract_amount(make_contract):
    """50/50 of ¥100,000.01: each share rounds half up, the last takes the remainder (rounded
    each on its own, they came to 100,000.00)."""
    contract = make_contract(amount=Decimal("100000.01"))
    assert [i.amount for i in contract.installments] == [Decimal("50000.01"),
                                                         Decimal("50000.00")]


def test_schedule_changes_only_on_a_draft(make_contract):
    contract = make_contract()
    services.set_payment_schedule(contract, [{"share_percent": 100,
                                              "due_date": date(2027, 1, 15)}])
    assert len(contract.installments) == 1
    services.transition_contract(contract, "active", actor=None)
    with pytest.raises(Conflict):
        services.set_payment_schedule(contract, [{"share_percent": 100,
                                                  "due_date": date(2027, 1, 15)}])


def _contract(contract_id):
    return lambda: _db.session.get(Contract, contract_id)


def _to(status, reason=""):
    return lambda contract: services.transition_contract(contract, status, actor=None,
                                                         reason=reason)


@pytest.mark.parametrize("edit, refusal", [
    (lambda c: services.set_payment_schedule(c, [{"share_percent": 100,
                                                  "due_date": date(2027, 1, 15)}]),
     "only while the contract is a draft"),
    (lambda c: services.update_contract(c, amount="90000.00"), "Only a draft can be edited"),
], ids=["schedule", "terms"])
def test_a_draft_edit_sent_after_the_activation_is_refused(app, make_contract, db, edit,
                                                           refusal):
    """The draft's page was opened before another officer activated it. The contract's
    revision refused the edit as a record changed since it was loaded; the claim now says why:
    the contract is no longer a draft."""
    contract_id = make_contract().id
    outcomes = read_then_act_after(app, _contract(contract_id), _to("active"), edit,
                                   stored_as(Contract, contract_id, "active"))
    assert outcomes[0] is None and refusal in outcomes[1], outcomes
    db.session.expire_all()
    contract = db.session.get(Contract, contract_id)
    assert contract.amount == Decimal("120000.00") and len(contract.installments) == 2


def test_completed_and_terminated_at_once_only_one_happens(app, make_contract, db):
    """Both officers read the contract active: one step is taken, and the other is refused
    with the reason (the contract is no longer active), not as a record changed since it was
    loaded."""
    contract_id = make_contract(status="active").id
    outcomes = read_then_act_at_once(app, _contract(contract_id), _to("completed"),
                                     _to("terminated", "服务中止"))
    winner = ("completed", "terminated")[the_one_that_won(outcomes, "cannot become")]
    db.session.expire_all()
    contract = db.session.get(Contract, contract_id)
    assert contract.status is ContractStatus(winner)
    assert [t.to_status.value for t in contract.transitions] == ["active", winner]


def test_an_amendment_sent_after_the_termination_is_refused(app, make_contract, db):
    contract_id = make_contract(status="active").id
    outcomes = read_then_act_after(
        app, _contract(contract_id), _to("terminated", "服务中止"),
        lambda c: services.amend_contract(c, reason="追加", amount="150000.00", actor=None),
        stored_as(Contract, contract_id, "terminated"))
    assert outcomes[0] is None and "cannot be amended" in outcomes[1], outcomes
    db.session.expire_all()
    contract = db.session.get(Contract, contract_id)
    assert contract.amount == Decimal("120000.00") and contract.amendments == []


# ---- state machine -----------------------------------------------------------------------

@pytest.mark.parametrize("start", ALL)
@pytest.mark.parametrize("to", ALL)
def test_transition_table(db, make_contract, make_user, start, to):
    officer = make_user("officer", region="a")
    contract = make_contract()
    path = {"draft": [], "active": ["active"], "suspended": ["active", "suspended"],
            "completed": ["active", "completed"], "terminated": ["active", "terminated"]}
    for step in path[start]:
        services.transition_contract(contract, step, actor=officer, reason="准备")
    before = len(contract.transitions)
    if (start, to) in LEGAL:
        row = services.transition_contract(contract, to, actor=officer, reason="依约")
        db.session.commit()
        assert contract.status.value == to
        assert (row.from_status.value, row.to_status.value, row.actor_id, row.reason) == (
            start, to, officer.id, "依约")
        assert row.at is not None
    else:
        with pytest.raises(Conflict):
            services.transition_contract(contract, to, actor=officer, reason="试图")
        assert contract.status.value == start and len(contract.transitions) == before


@pytest.mark.parametrize("to", ["suspended", "terminated"])
def test_suspend_and_terminate_need_a_reason(make_contract, to):
    contract = make_contract(status="active")
    with pytest.raises(ValidationError) as caught:
        services.transition_contract(contract, to, actor=None, reason=" ")
    assert "reason" in caught.value.fields
    assert contract.status is ContractStatus.ACTIVE


def test_unknown_status_is_a_validation_error(make_contract):
    with pytest.raises(ValidationError) as caught:
        services.transition_contract(make_contract(), "archived", actor=None)
    assert "to" in caught.value.fields


def test_activation_refused_for_a_suspended_provider(make_contract):
    contract = make_contract()
    services.set_provider_status(contract.provider, "suspended", "调查中")
    with pytest.raises(ValidationError, match="Suspended"):
        services.transition_contract(contract, "active", actor=None)


# ---- facility operation overlaps ---------------------------------------------------------

@pytest.fixture
def operation(make_contract, make_facility):
    facility = make_facility()

    def make(start, end, status="draft"):
        return make_contract(service_type="facility_operation", facility=facility,
                             targets={"beds": 100}, start_date=start, end_date=end,
                             status=status)

    return make


def test_overlapping_operations_refused_on_activation(operation, db):
    first = operation(date(2026, 1, 1), date(2026, 12, 31), status="active")
    second = operation(date(2026, 12, 31), date(2027, 12, 30))
    with pytest.raises(Conflict) as caught:
        services.transition_contract(second, "active", actor=None)
    assert first.number in caught.value.message
    assert second.status is ContractStatus.DRAFT
    assert db.session.query(ContractTransition).filter_by(contract_id=second.id).count() == 0


def test_two_overlapping_operations_activated_at_once_only_one_stands(app, operation, db):
    """Two officers activated two contracts of one home at the same instant; each found the
    other still a draft, and the home had two operators."""
    first = operation(date(2026, 1, 1), date(2026, 12, 31)).id
    second = operation(date(2026, 7, 1), date(2027, 6, 30)).id
    outcomes = first_held_while_the_second_waits(
        app, lambda: _to("active")(_db.session.get(Contract, first)),
        lambda: _to("active")(_db.session.get(Contract, second)))
    assert outcomes[0] is None and "the periods overlap" in outcomes[1], outcomes
    db.session.expire_all()
    assert db.session.get(Contract, second).status is ContractStatus.DRAFT


def test_a_contract_activated_as_its_provider_is_suspended_stays_a_draft(app, make_contract,
                                                                         db):
    contract = make_contract()
    contract_id, provider_id = contract.id, contract.provider_id
    outcomes = first_held_while_the_second_waits(
        app, lambda: providers.set_provider_status(_db.session.get(Provider, provider_id),
                                                   "suspended", "资质过期"),
        lambda: _to("active")(_db.session.get(Contract, contract_id)))
    assert outcomes[0] is None and "cannot be activated" in outcomes[1], outcomes
    db.session.expire_all()
    assert db.session.get(Contract, contract_id).status is ContractStatus.DRAFT


def test_adjacent_operations_allowed_and_current_operator_follows(operation, make_facility):
    first = operation(date(2026, 1, 1), date(2026, 12, 31), status="active")
    second = operation(date(2027, 1, 1), date(2027, 12, 31))
    services.transition_contract(second, "active", actor=None)
    facility = first.facility
    assert services.current_operator(facility, on=date(2026, 12, 31)) == first.provider
    assert services.current_operator(facility, on=date(2027, 1, 1)) == second.provider
    assert services.current_operator(facility, on=date(2028, 1, 1)) is None


def test_overlap_checked_when_resuming_and_when_extending(operation):
    first = operation(date(2026, 1, 1), date(2026, 6, 30), status="active")
    second = operation(date(2026, 7, 1), date(2026, 12, 31), status="active")
    with pytest.raises(Conflict):
        services.amend_contract(first, end_date=date(2026, 7, 31), reason="延期", actor=None)
    assert first.end_date == date(2026, 6, 30) and first.version == 1
    services.transition_contract(second, "suspended", actor=None, reason="整改")
    services.amend_contract(first, end_date=date(2026, 7, 31), reason="过渡期", actor=None)
    with pytest.raises(Conflict):
        services.transition_contract(second, "active", actor=None)


# ---- drafts and amendments ---------------------------------------------------------------

def test_drafts_are_edited_freely_and_renumbered_when_year_changes(make_contract):
    contract = make_contract(amount="1000")
    services.update_contract(contract, amount="2000", start_date=date(2027, 2, 1),
                             end_date=date(2028, 1, 31))
    assert contract.amount == Decimal("2000") and contract.number == "XN-2027-HS-0001"
    assert contract.version == 1 and contract.amendments == []


@pytest.mark.parametrize("due_days", ["²", "9" * 5000])
def test_report_due_days_are_ascii_digits_int_can_read(make_contract, due_days):
    # "²".isdigit() is true, yet int() reads neither it nor 5000 digits
    with pytest.raises(ValidationError) as refused:
        services.update_contract(make_contract(), report_due_days=due_days)
    assert "report_due_days" in refused.value.fields


def test_active_contract_cannot_be_edited_silently(make_contract):
    contract = make_contract(status="active")
    with pytest.raises(Conflict, match="amend"):
        services.update_contract(contract, amount="1")


def test_amendments_are_versions_keeping_old_and_new(db, make_contract, make_user):
    officer = make_user("officer", region="a")
    contract = make_contract(status="active")
    first = services.amend_contract(contract, amount="150000.00", reason="增加服务量",
                                    actor=officer)
    second = services.amend_contract(contract, end_date="2027-03-31",
                                     targets={"households": 1500}, reason="延期并增加户数",
                                     actor=officer)
    db.session.commit()
    assert contract.version == 3 and [a.version for a in contract.amendments] == [2, 3]
    assert first.changes == {"amount": ["120000.00", "150000.00"]}
    assert second.changes == {"end_date": ["2026-12-31", "2027-03-31"],
                              "targets": [{"households": 1200}, {"households": 1500}]}
    assert second.actor_id == officer.id and second.reason == "延期并增加户数"
    assert contract.amount == Decimal("150000.00") and contract.end_date == date(2027, 3, 31)


def test_amendment_needs_a_reason_a_change_and_an_open_contract(make_contract):
    contract = make_contract(status="active")
    with pytest.raises(ValidationError) as caught:
        services.amend_contract(contract, amount="1", reason="", actor=None)
    assert "reason" in caught.value.fields
    with pytest.raises(ValidationError, match="changes nothing"):
        services.amend_contract(contract, amount="120000", reason="无", actor=None)
    with pytest.raises(ValidationError) as caught:
        services.amend_contract(contract, end_date=date(2029, 1, 1), reason="延期", actor=None)
    assert "end_date" in caught.value.fields
    with pytest.raises(Conflict):
        services.amend_contract(make_contract(), amount="1", reason="草稿", actor=None)
    services.transition_contract(contract, "completed", actor=None)
    with pytest.raises(Conflict):
        services.amend_contract(contract, amount="1", reason="已完成", actor=None)


def test_an_extension_moves_the_unpaid_linked_installment_after_the_new_end(db, make_contract):
    """It pays for performance known only after the service ends (30 days after, by default)."""
    contract = make_contract(status="active", end_date=date(2026, 12, 31))
    linked = contract.installments[-1]
    assert linked.due_date == date(2027, 1, 30)
    services.amend_contract(contract, reason="延期半年", actor=None, end_date=date(2027, 6, 30))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Installment, linked.id).due_date == date(2027, 7, 30)
    services.amend_contract(contract, reason="缩短", actor=None, end_date=date(2027, 3, 31))
    assert db.session.get(Installment, linked.id).due_date == date(2027, 7, 30)


def test_a_paid_linked_installment_refuses_an_extension(db, make_contract):
    contract = make_contract(status="active", end_date=date(2026, 12, 31))
    linked = contract.installments[-1]
    linked.paid_amount, linked.paid_at = linked.amount, datetime(2027, 1, 30, tzinfo=UTC)
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        services.amend_contract(contract, reason="延期", actor=None, end_date=date(2027, 6, 30))
    assert "already paid" in refused.value.fields["end_date"][0]
    _db.session.rollback()
    assert db.session.get(Contract, contract.id).end_date == date(2026, 12, 31)
