"""``/api/v1/providers``: officers register and edit; a provider sees only itself."""

import pytest
import sqlalchemy as sa

from contracts import services
from contracts.credit_code import make_credit_code
from contracts.models import Provider, ProviderStatus
from tests.clients import error_of

CODE = make_credit_code("52", "100100", "12345678")


def _one_char_changed(code: str) -> str:
    """The same code with its 5th character altered: the check character no longer fits."""
    changed = "9" if code[4] != "9" else "8"
    return code[:4] + changed + code[5:]


def test_officer_registers_a_provider(api_as, db):
    api, _ = api_as("officer", region="a")
    response = api.post("/api/v1/providers", json={
        "name": "甲区阳光社工服务中心", "credit_code": CODE.lower(), "kind": "private_nonprofit",
        "contact_name": "李敏", "contact_phone": "0715-8123456"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    provider = db.session.get(Provider, body["id"])
    assert provider.credit_code == CODE
    assert body == {
        "id": provider.id, "revision": 1, "name": "甲区阳光社工服务中心", "credit_code": CODE,
        "kind": "private_nonprofit", "contact_name": "李敏", "contact_phone": "0715-8123456",
        "contact_email": "", "address": "", "status": "active", "status_reason": "",
        "status_changed_at": None, "qualifications": []}


def test_credit_code_with_one_changed_character_is_422(api_as, db):
    api, _ = api_as("officer")
    response = api.post("/api/v1/providers", json={
        "name": "x", "credit_code": _one_char_changed(CODE), "kind": "social_org"})
    assert response.status_code == 422
    assert "credit_code" in error_of(response)["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Provider)) == 0


def test_duplicate_credit_code_is_a_409_conflict(api_as, make_provider):
    existing = make_provider()
    api, _ = api_as("admin")
    response = api.post("/api/v1/providers", json={
        "name": "另一家", "credit_code": existing.credit_code, "kind": "company"})
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"
    assert "credit_code" in error_of(response)["fields"]


@pytest.mark.parametrize("payload, field", [
    ({"name": "x", "credit_code": CODE, "kind": "charity"}, "kind"),
    ({"name": "x", "credit_code": CODE, "kind": "company", "colour": "red"}, "colour"),
    ({"name": ["x"], "credit_code": CODE, "kind": "company"}, "name"),
    ({"credit_code": CODE, "kind": "company"}, "name"),
    ({"name": "   ", "credit_code": CODE, "kind": "company"}, "name"),
])
def test_bad_provider_input_is_422_naming_the_field(api_as, payload, field):
    api, _ = api_as("officer")
    response = api.post("/api/v1/providers", json=payload)
    assert response.status_code == 422
    assert field in error_of(response)["fields"]


def test_patch_changes_only_the_given_fields(api_as, make_provider, db):
    provider = make_provider(contact_phone="111")
    api, _ = api_as("officer", region="b")
    response = api.patch(f"/api/v1/providers/{provider.id}", json={"contact_name": "王芳"})
    assert response.status_code == 200
    db.session.expire_all()
    assert (provider.contact_name, provider.contact_phone) == ("王芳", "111")
    bad = api.patch(f"/api/v1/providers/{provider.id}",
                    json={"credit_code": _one_char_changed(provider.credit_code)})
    assert bad.status_code == 422 and "credit_code" in error_of(bad)["fields"]


def test_a_patch_of_a_stale_revision_is_409_and_changes_nothing(api_as, make_provider, db):
    provider = make_provider(contact_phone="111")
    api, _ = api_as("officer")
    assert api.patch(f"/api/v1/providers/{provider.id}",
                     json={"contact_phone": "222", "revision": 1}).get_json()["revision"] == 2
    stale = api.patch(f"/api/v1/providers/{provider.id}",
                      json={"contact_phone": "333", "revision": 1})
    assert stale.status_code == 409 and error_of(stale)["code"] == "conflict"
    db.session.expire_all()
    assert (provider.contact_phone, provider.revision) == ("222", 2)


def test_a_patch_changing_nothing_answers_the_stored_revision(api_as, qualified_provider):
    """It echoed any revision sent (7 while 1 was stored): a stale client was told it was
    current."""
    api, _ = api_as("officer", region="city")
    provider = qualified_provider()
    stale = api.patch(f"/api/v1/providers/{provider.id}", json={"revision": 7})
    assert stale.status_code == 409 and error_of(stale)["code"] == "conflict"
    current = api.patch(f"/api/v1/providers/{provider.id}", json={"revision": 1})
    assert current.status_code == 200 and current.get_json()["revision"] == 1


def test_api_status_change_on_a_stale_revision_is_409(api_as, make_provider, db):
    """The client read the provider suspended; another officer debarred it since: the
    reinstatement sent on what the client read is refused, the debarment stands."""
    provider = make_provider("康乐养老中心", status=ProviderStatus.SUSPENDED)
    api, _ = api_as("officer")
    read = api.get(f"/api/v1/providers/{provider.id}").get_json()["revision"]
    services.set_provider_status(provider, "debarred", "虚报服务量", actor=None)
    db.session.commit()
    url = f"/api/v1/providers/{provider.id}/status"
    answer = api.post(url, json={"status": "active", "reason": "欠税已补缴", "revision": read})
    assert answer.status_code == 409 and error_of(answer)["code"] == "conflict"
    db.session.expire_all()
    assert db.session.get(Provider, provider.id).status is ProviderStatus.DEBARRED
    fresh = api.post(url, json={"status": "active", "reason": "欠税已补缴", "revision": read + 1})
    assert fresh.status_code == 200 and fresh.get_json()["revision"] == read + 2


def test_status_change_needs_a_reason(api_as, make_provider, db):
    provider = make_provider()
    api, _ = api_as("officer")
    url = f"/api/v1/providers/{provider.id}/status"
    assert "reason" in error_of(api.post(url, json={"status": "suspended", "reason": ""})
                                )["fields"]
    response = api.post(url, json={"status": "suspended", "reason": "年检不合格"})
    assert response.status_code == 200
    assert response.get_json()["status"] == "suspended"
    assert response.get_json()["status_reason"] == "年检不合格"
    db.session.expire_all()
    assert provider.status is ProviderStatus.SUSPENDED


def test_qualifications_are_added_and_listed(api_as, make_provider, db):
    provider = make_provider()
    api, _ = api_as("admin")
    response = api.post(f"/api/v1/providers/{provider.id}/qualifications", json={
        "cert_type": "民办非企业单位登记证书", "number": "民证字第001号",
        "valid_until": "2028-06-30"})
    assert response.status_code == 201
    qualification = response.get_json()
    assert qualification["valid_until"] == "2028-06-30" and qualification["issuer"] == ""
    listed = api.get(f"/api/v1/providers/{provider.id}").get_json()["qualifications"]
    assert listed == [qualification]
    bad = api.post(f"/api/v1/providers/{provider.id}/qualifications",
                   json={"cert_type": "x", "number": "1", "valid_until": "2028-13-01"})
    assert bad.status_code == 422 and "valid_until" in error_of(bad)["fields"]
    url = f"/api/v1/providers/{provider.id}/qualifications/{qualification['id']}"
    assert api.delete(url).status_code == 204
    assert api.get(f"/api/v1/providers/{provider.id}").get_json()["qualifications"] == []
    assert api.delete(url).status_code == 404


def test_provider_reads_only_itself_and_cannot_write(api_as, make_provider):
    other = make_provider()
    api, user = api_as("provider")
    assert api.get(f"/api/v1/providers/{user.provider_id}").status_code == 200
    response = api.get(f"/api/v1/providers/{other.id}")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    body = api.get("/api/v1/providers").get_json()
    assert [p["id"] for p in body["items"]] == [user.provider_id] and body["total"] == 1
    assert api.post("/api/v1/providers", json={
        "name": "x", "credit_code": CODE, "kind": "company"}).status_code == 403
    assert api.patch(f"/api/v1/providers/{user.provider_id}",
                     json={"name": "改名"}).status_code == 403
    assert api.post(f"/api/v1/providers/{user.provider_id}/status",
                    json={"status": "active", "reason": "x"}).status_code == 403


def test_inspector_cannot_write_providers(api_as):
    api, _ = api_as("inspector")
    response = api.post("/api/v1/providers", json={
        "name": "x", "credit_code": CODE, "kind": "company"})
    assert response.status_code == 403 and error_of(response)["code"] == "forbidden"


def test_list_filters_and_paginates(api_as, make_provider):
    make_provider("阳光社工"), make_provider("春晖养老"), make_provider("阳光护理")
    make_provider("阳光停业", status=ProviderStatus.SUSPENDED)
    api, _ = api_as("officer", region="a")
    body = api.get("/api/v1/providers?q=阳光&per_page=2").get_json()
    assert body["total"] == 3 and body["page"] == 1 and body["per_page"] == 2
    assert len(body["items"]) == 2
    second = api.get("/api/v1/providers?q=阳光&per_page=2&page=2").get_json()["items"]
    assert len(second) == 1
    suspended = api.get("/api/v1/providers?status=suspended").get_json()["items"]
    assert [p["name"] for p in suspended] == ["阳光停业"]
    assert api.get("/api/v1/providers?per_page=201").status_code == 422


def test_no_token_is_401(client):
    assert client.get("/api/v1/providers").status_code == 401
    assert client.post("/api/v1/providers", json={}).status_code == 401
