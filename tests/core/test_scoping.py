"""The scoping helper on its own, over a small region tree."""

import pytest
import sqlalchemy as sa

from app.regions.models import Region
from app.scoping import region_subtree, scope
from app.users.models import Role, User


def visible_codes(db, user) -> set[str]:
    stmt = scope(sa.select(Region.code), user, region=Region.id)
    return set(db.session.scalars(stmt))


def test_admin_sees_everything(db, regions):
    admin = User(role=Role.ADMIN)
    assert visible_codes(db, admin) == {r.code for r in regions.values()}


def test_county_officer_sees_only_the_county_subtree(db, regions):
    officer = User(role=Role.OFFICER, region=regions["a"])
    assert visible_codes(db, officer) == {"100100", "100100001", "100100001001"}


def test_city_officer_sees_the_whole_city(db, regions):
    officer = User(role=Role.OFFICER, region=regions["city"])
    assert len(visible_codes(db, officer)) == len(regions)


def test_township_inspector_sees_township_and_below(db, regions):
    inspector = User(role=Role.INSPECTOR, region=regions["a1"])
    assert visible_codes(db, inspector) == {"100100001", "100100001001"}


def test_sibling_prefix_is_not_a_subtree(db, regions):
    # "/1/2/" must not match "/1/23/": paths end with a slash
    ids = set(db.session.scalars(region_subtree(regions["a"])))
    assert regions["b"].id not in ids and regions["b1"].id not in ids


def test_provider_sees_own_rows_by_provider_column(db, regions, make_provider):
    mine, theirs = make_provider(), make_provider()
    from contracts.models import Provider

    user = User(role=Role.PROVIDER, provider_id=mine.id)
    stmt = scope(sa.select(Provider.id), user, provider=Provider.id)
    assert set(db.session.scalars(stmt)) == {mine.id}
    assert theirs.id not in set(db.session.scalars(stmt))


def test_role_without_a_named_column_sees_nothing(db, regions):
    provider_user = User(role=Role.PROVIDER, provider_id=1)
    assert visible_codes(db, provider_user) == set()  # regions carry no provider column
    officer = User(role=Role.OFFICER, region=regions["a"])
    from contracts.models import Provider

    stmt = scope(sa.select(Provider.id), officer, provider=Provider.id)
    assert "false" in str(stmt.compile(compile_kwargs={"literal_binds": True})).lower() or \
        list(db.session.scalars(stmt)) == []


@pytest.mark.parametrize("path", [
    "/api/v1/contracts/{big}", "/api/v1/inspections/{big}", "/api/v1/corrective-actions/{big}",
    "/api/v1/campaigns/{big}", "/api/v1/documents/{big}", "/api/v1/spot-checks/{big}",
])
def test_an_id_beyond_any_key_is_missing_not_an_error(api_as, path):
    api, _ = api_as("admin")
    assert api.get(path.format(big=2**64 + 1)).status_code == 404
    assert api.get(path.format(big=2**63 - 1)).status_code == 404
    assert api.get(path.format(big=2**31)).status_code == 404
