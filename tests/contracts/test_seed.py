"""The demo city's providers, facilities, procurements and contracts: enough of each, all of
them within the rules, the demo provider user with live contracts, and safe to run twice."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app import clock
from app.users.models import User
from contracts import services
from contracts.credit_code import validate_credit_code
from contracts.models import (
    Bid,
    Contract,
    ContractAmendment,
    Facility,
    Procurement,
    Provider,
    Qualification,
)
from contracts.term_length import last_allowed_end

TODAY = datetime(2026, 3, 16, 2, 0, tzinfo=UTC)  # 10:00 in Xianning
LATE_IN_THE_YEAR = datetime(2026, 12, 20, 2, 0, tzinfo=UTC)


def seed(runner) -> None:
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output


def all_of(db, model) -> list:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(model)))


def check_counts(db) -> None:
    providers, facilities = all_of(db, Provider), all_of(db, Facility)
    contracts, procurements = all_of(db, Contract), all_of(db, Procurement)
    assert 35 <= len(providers) <= 45 and 25 <= len(facilities) <= 35
    assert 70 <= len(contracts) <= 90 and len(procurements) >= 4
    assert {c.status.value for c in contracts} == {"draft", "active", "suspended", "completed",
                                                   "terminated"}
    assert {c.service_type.value for c in contracts} == {"household_survey",
                                                         "facility_operation",
                                                         "entrusted_care", "other"}
    assert {p.kind.value for p in providers} == {"social_org", "private_nonprofit",
                                                 "foundation", "company", "other"}
    assert {f.kind.value for f in facilities} == {"elderly_home", "rural_home", "child_welfare"}
    assert {p.method.value for p in procurements} == {"open_tender", "competitive_consultation",
                                                      "single_source", "request_for_quotation"}
    assert any(p.status.value == "awarded" and p.awarded_bid for p in procurements)
    assert all(p.justification for p in procurements if p.method.value == "single_source")
    assert len(all_of(db, Bid)) > len(procurements)
    assert len(all_of(db, ContractAmendment)) >= 3


def check_providers(db) -> None:
    providers = all_of(db, Provider)
    for provider in providers:
        assert validate_credit_code(provider.credit_code) == provider.credit_code
        assert provider.qualifications
    statuses = Counter(p.status.value for p in providers)
    assert statuses["suspended"] >= 2 and statuses["debarred"] >= 1
    assert all(p.status_reason for p in providers if p.status.value != "active")
    today = clock.today()
    assert len(services.expiring_qualifications(today=today, within_days=60)) >= 2
    expired = [q for q in all_of(db, Qualification) if not q.is_valid_on(today)]
    assert len(expired) >= 2


def check_contracts(db) -> None:
    today = clock.today()
    contracts = all_of(db, Contract)
    operations = defaultdict(list)
    for c in contracts:
        assert c.start_date < c.end_date <= last_allowed_end(c.start_date), c.number
        assert c.amount > 0 and c.number.split("-")[1] == str(c.start_date.year)
        assert sum(i.share_percent for i in c.installments) == 100, c.number
        assert [i.performance_linked for i in c.installments][-1] is True
        assert sum(i.performance_linked for i in c.installments) == 1
        assert all(i.paid_amount <= i.amount for i in c.installments if i.paid_at), c.number
        assert (c.transitions[-1].to_status if c.transitions else "draft") == c.status
        assert all(t.reason for t in c.transitions
                   if t.to_status.value in ("suspended", "terminated"))
        if c.status.value == "draft":
            assert not any(i.paid_at for i in c.installments)
        if c.status.value in ("active", "suspended"):
            assert c.provider.status.value == "active", c.number
        if c.service_type.value == "facility_operation":
            assert c.facility is not None and c.facility.region.code.startswith(c.region.code)
            if c.status.value == "active":
                operations[c.facility_id].append(c)
            years = max(1, round((c.end_date - c.start_date).days / 365))
            assert Decimal(300_000) <= c.amount / years <= Decimal(3_000_000), c.number
        if c.service_type.value == "household_survey":
            assert Decimal(80_000) <= c.amount <= Decimal(700_000), c.number
            assert c.targets["households"] > 0
    for active in operations.values():
        active.sort(key=lambda c: c.start_date)
        for earlier, later in zip(active, active[1:], strict=False):
            assert earlier.end_date < later.start_date
    assert sum(c.status.value == "active" and c.covers(today) for c in contracts) >= 30
    # the dashboard's "ending soon" has something to show
    assert any(c.status.value == "active" and today <= c.end_date <= today + timedelta(days=90)
               for c in contracts)


def check_demo_provider_user(db) -> None:
    user = db.session.scalar(sa.select(User).where(
        User.email == "provider@demo.careprocure.cn"))
    assert user is not None and user.provider_id is not None
    assert db.session.get(Provider, user.provider_id).status.value == "active"
    mine = db.session.scalars(sa.select(Contract).where(
        Contract.provider_id == user.provider_id, Contract.status == "active")).all()
    assert len(mine) >= 2


def table_counts(db) -> dict[str, int]:
    db.session.expire_all()
    return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
            for t in db.metadata.sorted_tables}


@pytest.mark.slow
def test_flask_demo_seed_fills_the_contracts_feature_within_the_rules(db, runner):
    clock.set_clock(lambda: TODAY)
    seed(runner)
    check_counts(db)
    check_providers(db)
    check_contracts(db)
    check_demo_provider_user(db)
    before = table_counts(db)
    seed(runner)  # running it again changes nothing
    assert table_counts(db) == before


def test_the_contracts_step_is_deterministic(db, truncate):
    from app.demo.seed import seed_regions, seed_users
    from contracts.seed import seed_contracts

    def run() -> list[tuple]:
        seed_users(seed_regions())
        seed_contracts()
        db.session.commit()
        db.session.expire_all()
        return sorted((c.number, c.title, c.provider.name, str(c.amount), c.start_date,
                       c.status.value) for c in db.session.scalars(sa.select(Contract)))

    clock.set_clock(lambda: LATE_IN_THE_YEAR)
    first = run()
    check_contracts(db)
    check_providers(db)
    truncate()
    assert run() == first
    seed_contracts()  # a second call finds the providers and adds nothing
    assert len(all_of(db, Contract)) == len(first)
