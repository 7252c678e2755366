"""An admin binding a provider user to its organization among a city's ~500: a typeahead
above 100, sending the id picked or, without script, the organization's whole name or credit
code."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import lookups
from app.users.models import User


@pytest.fixture
def providers(monkeypatch, make_provider):
    monkeypatch.setattr(lookups, "LIST_MAX", 2)
    return [make_provider(name=f"乙县社工服务中心{n}") for n in range(3)]


def _create(browser, **fields):
    return browser.post("/admin/users/new", {
        "email": "worker@example.cn", "role": "provider", "password": "long-enough-1"} | fields)


def test_an_organization_named_by_its_credit_code_gets_the_user(db, as_user, providers):
    admin, _ = as_user("admin")
    page = admin.get("/admin/users/new").get_data(as_text=True)
    assert 'data-typeahead="/admin/users/new/providers"' in page
    assert "乙县社工服务中心" not in page
    response = _create(admin, provider_id_text=providers[2].credit_code)
    assert response.status_code == 302, response.get_data(as_text=True)
    user = db.session.scalar(sa.select(User).where(User.email == "worker@example.cn"))
    assert user.provider_id == providers[2].id
    edit = admin.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert f'name="provider_id" value="{providers[2].id}"' in edit
    assert f'value="{providers[2].name}"' in edit


@pytest.mark.parametrize("fields, message", [
    ({"provider_id_text": "乙县社工"}, "Nothing matches"),
    ({"provider_id": "424242"}, "Not among the ones you may choose"),
    ({}, "A provider user must belong to a provider organization."),
])
def test_no_organization_named_creates_no_user(db, as_user, providers, fields, message):
    admin, _ = as_user("admin", locale="en")
    response = _create(admin, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "worker@example.cn")) is None


def test_only_admins_ask_for_organizations(as_user, providers):
    admin, _ = as_user("admin")
    found = admin.get("/admin/users/new/providers?q=服务中心").get_json()
    assert [o["id"] for o in found["options"]] == [p.id for p in providers]
    officer, _ = as_user("officer")
    assert officer.get("/admin/users/new/providers?q=服务中心").status_code == 403
