"""Review of providers: a county officer may change a provider only while every contract and
bid of it lies in the county, also when another county records a bid at that instant."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db as _db
from app.users.models import User
from contracts import services
from contracts.models import Contract, Procurement, Provider, ProviderStatus
from tests.locks import first_held_while_the_second_waits


def suspended_behind(app, db, provider, officer, record) -> None:
    """``record`` (county B recording something of ``provider``) holds its work uncommitted
    while county A's ``officer``, who saw nothing of the provider outside A, suspends it: the
    suspension waits, then is refused, and the provider stays active."""
    provider_id, officer_id = provider.id, officer.id
    assert services.may_change_provider(officer, provider)
    outcomes = first_held_while_the_second_waits(
        app, record,
        lambda: services.set_provider_status(_db.session.get(Provider, provider_id),
                                             "suspended", "投诉查实",
                                             actor=_db.session.get(User, officer_id)))
    assert outcomes[0] is None and outcomes[1] is not None, outcomes
    assert "also works outside your region" in outcomes[1], outcomes
    db.session.expire_all()
    assert db.session.scalar(sa.select(Provider.status).where(Provider.id == provider_id)) \
        is ProviderStatus.ACTIVE


def test_a_suspension_as_another_county_records_a_bid_is_refused(app, db, make_procurement,
                                                                 qualified_provider, make_user):
    """A bid of county B: B's award would be blocked by a county with no say."""
    provider, procurement_id = qualified_provider(), make_procurement(region="b").id
    suspended_behind(app, db, provider, make_user("officer", region="a"), lambda: (
        services.submit_bid(_db.session.get(Procurement, procurement_id),
                            provider=provider.id, price="90000")))


def test_a_suspension_as_another_county_records_a_contract_is_refused(
        app, db, qualified_provider, make_user, regions):
    """The same with a contract county B records for the provider at that instant."""
    provider, region_b = qualified_provider(), regions["b"].id
    provider_id = provider.id
    suspended_behind(app, db, provider, make_user("officer", region="a"), lambda: (
        services.create_contract(
            title="乙区入户调查", service_type="household_survey", provider=provider_id,
            region=region_b, start_date="2026-01-01", end_date="2026-12-31",
            amount="100000", targets={"households": 100})))


def test_a_suspension_as_another_county_gives_a_draft_to_the_provider_is_refused(
        app, db, qualified_provider, make_user, make_contract):
    """The same with a draft of county B handed to the provider at that instant."""
    provider, draft = qualified_provider(), make_contract(region="b")
    provider_id, draft_id = provider.id, draft.id
    suspended_behind(app, db, provider, make_user("officer", region="a"), lambda: (
        services.update_contract(_db.session.get(Contract, draft_id), provider=provider_id)))
