"""Review of providers: a county officer may change a provider only while every contract and
bid of it lies in the county, also when another county records a bid at that instant."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db as _db
from app.users.models import User
from contracts import services
from contracts.models import Procurement, Provider, ProviderStatus
from tests.locks import first_held_while_the_second_waits


def test_a_suspension_as_another_county_records_a_bid_is_refused(app, db, make_procurement,
                                                                 qualified_provider, make_user):
    """County B records the provider's bid; county A's officer, who saw no bid outside A,
    suspends it at that instant: B's award would be blocked by a county with no say."""
    provider = qualified_provider()
    in_b = make_procurement(region="b")
    officer_a = make_user("officer", region="a")
    provider_id, procurement_id, officer_id = provider.id, in_b.id, officer_a.id
    assert services.may_change_provider(officer_a, provider)

    outcomes = first_held_while_the_second_waits(
        app,
        lambda: services.submit_bid(_db.session.get(Procurement, procurement_id),
                                    provider=provider_id, price="90000"),
        lambda: services.set_provider_status(_db.session.get(Provider, provider_id),
                                             "suspended", "投诉查实",
                                             actor=_db.session.get(User, officer_id)))
    assert outcomes[0] is None and outcomes[1] is not None, outcomes
    assert "also works outside your region" in outcomes[1], outcomes
    db.session.expire_all()
    assert db.session.scalar(sa.select(Provider.status).where(Provider.id == provider_id)) \
        is ProviderStatus.ACTIVE
