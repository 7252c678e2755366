"""A claim reads the row again before its check decides (app.unit_of_work.claim_row): what
the check reads through a relationship too, not only the row's columns. The check ran twice,
before and after the claim, and the second reused the collection the first had loaded: a
qualification removed while the award waited for the provider still counted."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.extensions import db as _db
from contracts import services
from contracts.models import Bid, Contract, Qualification
from tests.locks import first_held_while_the_second_waits
from tests.postgresql import postgresql_only


@postgresql_only("SQLite lets one transaction write at a time")
def test_an_award_as_the_providers_only_qualification_is_removed_is_refused(
        app, db, make_procurement, qualified_provider, on_day):
    on_day(date(2026, 1, 20))
    provider = qualified_provider()
    bid = services.submit_bid(make_procurement(), provider=provider.id, price="90000")
    db.session.commit()
    bid_id, qualification_id = bid.id, provider.qualifications[0].id
    on_day(date(2026, 2, 1))

    outcomes = first_held_while_the_second_waits(
        app,
        lambda: services.remove_qualification(_db.session.get(Qualification, qualification_id)),
        lambda: services.award_bid(_db.session.get(Bid, bid_id), actor=None))

    assert outcomes[0] is None, outcomes
    assert outcomes[1] is not None and "holds no qualification" in outcomes[1], outcomes
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contract)) == 0
    assert not db.session.get(Bid, bid_id).awarded
