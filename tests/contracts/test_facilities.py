"""Facilities: wards and beds."""

from __future__ import annotations

import pytest

from app.errors import ValidationError
from contracts import services
from contracts.models import Ward


def test_wards_are_rows_and_beds_default_to_their_sum(make_facility):
    facility = make_facility()
    assert facility.beds == 100
    assert facility.ward_beds == {"self_care": 40, "semi_disabled": 30, "disabled": 30}
    services.update_facility(facility, wards={"disabled": 50}, beds=120)
    assert [(w.ward, w.beds) for w in facility.wards] == [(Ward.DISABLED, 50)]
    assert facility.beds == 120


def test_ward_names_list_as_in_the_api(make_facility):
    facility = make_facility(wards=["self_care", "disabled"], beds=80)
    assert facility.beds == 80 and set(facility.ward_beds) == {"self_care", "disabled"}


def test_bad_facility_input_names_the_fields(regions, make_facility):
    with pytest.raises(ValidationError) as caught:
        services.create_facility(kind="hospital", wards={"icu": 5}, region="999999", name="")
    assert set(caught.value.fields) == {"kind", "wards", "region_code", "name"}
    with pytest.raises(ValidationError) as caught:
        make_facility(beds=10)
    assert "beds" in caught.value.fields


def test_an_officer_places_a_facility_only_inside_their_own_region(db, regions, make_user):
    officer = make_user("officer", region="a")
    with pytest.raises(ValidationError) as caught:
        services.create_facility(name="乙一敬老院", kind="rural_home", region="100200101",
                                 actor=officer)
    assert "outside your own region" in caught.value.fields["region_code"][0]
    own = services.create_facility(name="甲一敬老院", kind="rural_home", region="100100001",
                                   actor=officer)
    with pytest.raises(ValidationError) as caught:
        services.update_facility(own, region="100200101", actor=officer)
    assert list(caught.value.fields) == ["region_code"]
    services.update_facility(own, name="甲一颐养院", actor=officer)  # region unchanged
    services.update_facility(own, region="100200101", actor=make_user("admin"))
    assert (own.name, own.region.code) == ("甲一颐养院", "100200101")
