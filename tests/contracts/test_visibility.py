"""Who sees which providers, facilities and contracts."""

from __future__ import annotations

import pytest

from app.errors import NotFound
from app.extensions import db
from contracts import services


def _ids(stmt):
    return {obj.id for obj in db.session.scalars(stmt)}


def test_provider_sees_only_own_contracts_facilities_and_record(
        make_user, make_contract, make_facility, qualified_provider):
    mine, theirs = qualified_provider(), qualified_provider()
    facility, other_facility = make_facility(), make_facility(name="乙福利院")
    own = make_contract(provider=mine, service_type="facility_operation", facility=facility,
                        targets={})
    foreign = make_contract(provider=theirs, service_type="facility_operation",
                            facility=other_facility, targets={})
    user = make_user("provider", provider=mine)
    assert _ids(services.visible_contracts(user)) == {own.id}
    assert _ids(services.visible_facilities(user)) == {facility.id}
    assert _ids(services.visible_providers(user)) == {mine.id}
    with pytest.raises(NotFound):
        services.get_visible_contract(user, foreign.id)
    assert services.get_visible_contract(user, str(own.id)) == own


def test_county_officer_sees_only_own_county(make_user, make_contract, make_facility):
    in_a, in_b = make_contract(region="a"), make_contract(region="b")
    village_contract = make_contract(region="village")
    officer_a = make_user("officer", region="a")
    assert _ids(services.visible_contracts(officer_a)) == {in_a.id, village_contract.id}
    assert in_b.id in _ids(services.visible_contracts(make_user("officer", region="city")))
    facility_b = make_facility(region="b1")
    assert facility_b.id not in _ids(services.visible_facilities(officer_a))
    with pytest.raises(NotFound):
        services.get_visible_facility(officer_a, facility_b.id)


def test_officers_see_every_provider_inspectors_those_of_their_contracts(
        make_user, make_contract, qualified_provider):
    in_a, in_b = make_contract(region="a"), make_contract(region="b")
    idle = qualified_provider()
    officer = make_user("officer", region="b")
    assert {in_a.provider_id, in_b.provider_id, idle.id} <= _ids(
        services.visible_providers(officer))
    inspector = make_user("inspector", region="a")
    assert _ids(services.visible_providers(inspector)) == {in_a.provider_id}
    assert _ids(services.visible_contracts(inspector)) == {in_a.id}


def test_procurements_by_region_and_none_for_providers(make_user, make_procurement):
    in_a, in_b = make_procurement(region="a"), make_procurement(region="b")
    assert _ids(services.visible_procurements(make_user("officer", region="b"))) == {in_b.id}
    assert _ids(services.visible_procurements(make_user("admin"))) == {in_a.id, in_b.id}
    assert _ids(services.visible_procurements(make_user("provider"))) == set()
