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


def test_officers_see_every_provider_inspectors_those_of_their_inspections(
        make_user, make_contract, qualified_provider, assign_inspection):
    in_a, in_b = make_contract(region="a"), make_contract(region="b")
    other_in_a = make_contract(region="a")
    idle = qualified_provider()
    officer = make_user("officer", region="b")
    assert {in_a.provider_id, in_b.provider_id, idle.id} <= _ids(
        services.visible_providers(officer))
    inspector = make_user("inspector", region="a")
    assert _ids(services.visible_providers(inspector)) == set()
    assert _ids(services.visible_contracts(inspector)) == set()
    assign_inspection(inspector, contract=in_a)
    assert _ids(services.visible_providers(inspector)) == {in_a.provider_id}
    assert _ids(services.visible_contracts(inspector)) == {in_a.id}
    assert other_in_a.id not in _ids(services.visible_contracts(inspector))
    # another inspector of the same county sees none of it
    colleague = make_user("inspector", region="a")
    assert _ids(services.visible_contracts(colleague)) == set()


def test_inspector_sees_a_facility_only_through_an_inspection_of_it(
        make_user, make_facility, make_contract, assign_inspection):
    home = make_facility("a1")
    other_home = make_facility("a1", name="甲二福利院")
    operation = make_contract(service_type="facility_operation", facility=home, targets={},
                              status="active")
    inspector = make_user("inspector", region="a")
    assert _ids(services.visible_facilities(inspector)) == set()
    with pytest.raises(NotFound):
        services.get_visible_facility(inspector, home.id)
    assign_inspection(inspector, facility=home)
    assert _ids(services.visible_facilities(inspector)) == {home.id}
    assert services.get_visible_facility(inspector, home.id) == home
    # the home's operation contract on the day, and its operator, come with the inspection
    assert _ids(services.visible_contracts(inspector)) == {operation.id}
    assert _ids(services.visible_providers(inspector)) == {operation.provider_id}
    with pytest.raises(NotFound):
        services.get_visible_facility(inspector, other_home.id)


def test_inspector_sees_the_contract_of_a_spot_check_assigned_to_them(
        db, make_user, make_contract):
    from contracts.households.models import SpotCheck

    contract = make_contract()
    inspector = make_user("inspector", region="a")
    assert _ids(services.visible_contracts(inspector)) == set()
    db.session.add(SpotCheck(contract_id=contract.id, period="2026-03", seed=1, size=1,
                             population=1, inspector_id=inspector.id))
    db.session.commit()
    assert _ids(services.visible_contracts(inspector)) == {contract.id}
    assert _ids(services.visible_providers(inspector)) == {contract.provider_id}


def test_procurements_by_region_and_none_for_providers(make_user, make_procurement):
    in_a, in_b = make_procurement(region="a"), make_procurement(region="b")
    assert _ids(services.visible_procurements(make_user("officer", region="b"))) == {in_b.id}
    assert _ids(services.visible_procurements(make_user("admin"))) == {in_a.id, in_b.id}
    assert _ids(services.visible_procurements(make_user("provider"))) == set()
