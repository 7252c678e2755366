"""Contract numbers: the format, a sequence per year and service type, never one twice (one
transaction or two at once)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

import contracts.terms as terms
from app.extensions import db as _db
from contracts import services
from contracts.models import Contract
from tests.postgresql import postgresql_only
from tests.threads import at_once, committed_in_a_request, held


def test_numbers_follow_the_format_and_count_per_year_and_type(app, make_contract,
                                                               make_facility):
    first, second = make_contract(), make_contract()
    assert first.number == "XN-2026-HS-0001" and second.number == "XN-2026-HS-0002"
    assert make_contract(start_date=date(2027, 1, 1),
                         end_date=date(2027, 12, 31)).number == "XN-2027-HS-0001"
    assert make_contract(service_type="facility_operation", facility=make_facility(),
                         targets={}).number == "XN-2026-FO-0001"
    assert make_contract(service_type="entrusted_care", targets={"children": 40},
                         facility=make_facility(kind="child_welfare")
                         ).number == "XN-2026-EC-0001"


def test_numbers_stay_unique_within_one_transaction(db, regions, qualified_provider):
    provider = qualified_provider()
    made = [services.create_contract(
        title=f"合同{i}", service_type="other", provider=provider, region="100100",
        start_date=date(2026, 3, 1), end_date=date(2026, 12, 31), amount="1000")
        for i in range(5)]  # no commit in between
    db.session.commit()
    assert [c.number for c in made] == [f"XN-2026-OT-{i:04d}" for i in range(1, 6)]


@postgresql_only("SQLite lets one transaction write at a time: a draft's first write (its "
                 "provider held) comes before the counter is read")
def test_the_first_two_contracts_of_a_year_drafted_at_once_both_get_a_number(
        app, db, regions, qualified_provider, monkeypatch):
    """Both found no counter for 2027: the second insert of it failed, and that officer's
    draft was refused with a 409 "another record already has the same year". Two providers:
    two drafts of one are not numbered at once (each holds its provider first)."""
    first, second, region_id = qualified_provider().id, qualified_provider().id, regions["a"].id
    db.session.commit()
    held(monkeypatch, terms, "next_contract_number")

    def draft(title, provider_id):
        return lambda: committed_in_a_request(app, lambda: services.create_contract(
            title=title, service_type="household_survey", provider=provider_id,
            region=region_id, start_date=date(2027, 1, 1), end_date=date(2027, 12, 31),
            amount="100000.00", targets={"households": 100}))

    assert at_once(draft("甲", first), draft("乙", second)) == [None, None]
    _db.session.expire_all()
    assert sorted(db.session.scalars(sa.select(Contract.number).where(
        Contract.start_date == date(2027, 1, 1)))) == ["XN-2027-HS-0001", "XN-2027-HS-0002"]
