"""Assistance standards by county, year and area: defaults, validation, history, the pages and
``/api/v1/assistance-standards``; a county officer edits only their county's."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.errors import ValidationError
from contracts.households import standards
from contracts.households.models import AssistanceStandard, AssistanceStandardChange

BODY = {"region_code": "100100", "year": 2026, "area": "rural", "dibao_monthly": "600.00"}


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_tekun_and_near_poor_default_to_their_multiples_and_stay_editable(db, regions):
    standard, created = standards.save_standard(region="100100", year=2026, area="rural",
                                                dibao_monthly="615.50", actor=None)
    assert created
    assert (standard.tekun_monthly, standard.near_poor_monthly) == (Decimal("800.15"),
                                                                    Decimal("923.25"))
    assert standard.asset_limit_per_person is None
    again, created = standards.save_standard(region="100100", year=2026, area="rural",
                                             dibao_monthly="615.50", tekun_monthly="900",
                                             near_poor_monthly="1000",
                                             asset_limit_per_person="30000", actor=None)
    assert not created and again.id == standard.id
    assert (again.tekun_monthly, again.near_poor_monthly, again.asset_limit_per_person) == (
        Decimal("900.00"), Decimal("1000.00"), Decimal("30000.00"))
    assert [c.before for c in again.changes] == [{}, {
        "dibao_monthly": "615.50", "tekun_monthly": "800.15", "near_poor_monthly": "923.25",
        "asset_limit_per_person": None}]
    assert again.changes[1].after["tekun_monthly"] == "900.00"


@pytest.mark.parametrize(("changes", "field"), [
    ({"region_code": "100100001"}, "region_code"),  # a township: standards are per county
    ({"region_code": "999999"}, "region_code"),
    ({"year": 1999}, "year"),
    ({"year": "²⁰²⁶"}, "year"),  # digits to isdigit(), no number to int()
    ({"year": "1" * 5000}, "year"),
    ({"area": "suburban"}, "area"),
    ({"dibao_monthly": "0"}, "dibao_monthly"),
    ({"dibao_monthly": "12.345"}, "dibao_monthly"),
    ({"dibao_monthly": "NaN"}, "dibao_monthly"),
    ({"tekun_monthly": "-1"}, "tekun_monthly"),
    ({"near_poor_monthly": "500"}, "near_poor_monthly"),  # below the 低保 standard
    ({"asset_limit_per_person": "abc"}, "asset_limit_per_person"),
])
def test_bad_input_names_the_field_and_stores_nothing(db, regions, changes, field):
    values = BODY | changes
    with pytest.raises(ValidationError) as refused:
        standards.save_standard(region=values.pop("region_code"), actor=None, **values)
    assert field in refused.value.fields
    db.session.rollback()
    assert count(db, AssistanceStandard) == 0


def test_a_county_officer_edits_only_their_county(db, regions, as_user):
    browser, officer = as_user("officer", region="a")
    form = {"region_code": "100200", "year": "2026", "area": "rural", "dibao_monthly": "600"}
    assert browser.post("/households/standards", form).status_code == 422  # not a choice
    with pytest.raises(ValidationError) as refused:
        standards.save_standard(region="100200", year=2026, area="rural", dibao_monthly="600",
                                actor=officer)
    assert "only for your own region" in refused.value.fields["region_code"][0]
    db.session.rollback()
    assert count(db, AssistanceStandard) == 0

    response = browser.post("/households/standards", form | {"region_code": "100100"})
    assert response.status_code == 303
    mine = db.session.scalar(sa.select(AssistanceStandard))
    assert mine.region.code == "100100" and mine.tekun_monthly == Decimal("780.00")
    response = browser.post(f"/households/standards/{mine.id}",
                            {"dibao_monthly": "650", "tekun_monthly": "",
                             "near_poor_monthly": "", "asset_limit_per_person": "24000"})
    assert response.status_code == 303
    db.session.refresh(mine)
    assert (mine.dibao_monthly, mine.tekun_monthly) == (Decimal("650.00"), Decimal("845.00"))
    page = browser.get(f"/households/standards/{mine.id}").get_data(as_text=True)
    assert "600.00" in page and "650.00" in page  # the history keeps the old amount

    # the city's standard: the county officer reads it (their county follows it) but may not
    # change it; another county's officer sees nothing of county A's
    city, _u = standards.save_standard(region="100000", year=2026, area="rural",
                                       dibao_monthly="550", actor=None)
    db.session.commit()
    assert browser.get(f"/households/standards/{city.id}").status_code == 200
    assert browser.post(f"/households/standards/{city.id}",
                        {"dibao_monthly": "1"}).status_code == 403
    db.session.refresh(city)
    assert city.dibao_monthly == Decimal("550.00")
    other, _u = as_user("officer", region="b")
    assert other.get(f"/households/standards/{mine.id}").status_code == 404
    assert other.post(f"/households/standards/{mine.id}",
                      {"dibao_monthly": "1"}).status_code == 404
    assert "650.00" not in other.get("/households/standards").get_data(as_text=True)
    for role in ("provider", "inspector"):
        outsider, _u = as_user(role)
        assert outsider.get("/households/standards").status_code == 403


def test_the_pages_in_chinese(db, regions, as_user):
    browser, _u = as_user("officer", region="a", locale="zh_CN")
    page = browser.get("/households/standards").get_data(as_text=True)
    assert "救助标准" in page and "城乡" in page


def test_api_sets_reads_and_keeps_history(db, regions, api_as):
    api, officer = api_as("officer", region="a")
    created = api.post("/api/v1/assistance-standards", json=BODY)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body | {"id": 0, "updated_at": "", "stamp": ""} == {
        "id": 0, "region_code": "100100", "year": 2026, "area": "rural",
        "dibao_monthly": "600.00", "tekun_monthly": "780.00", "near_poor_monthly": "900.00",
        "asset_limit_per_person": None, "updated_at": "", "stamp": "",
        "history": [{"at": body["history"][0]["at"], "actor_id": officer.id, "before": {},
                     "after": {"dibao_monthly": "600.00", "tekun_monthly": "780.00",
                               "near_poor_monthly": "900.00",
                               "asset_limit_per_person": None}}]}
    changed = api.post("/api/v1/assistance-standards",
                       json=BODY | {"dibao_monthly": "620", "asset_limit_per_person": "15000"})
    assert changed.status_code == 200
    assert len(changed.get_json()["history"]) == 2
    assert changed.get_json()["history"][1]["before"]["dibao_monthly"] == "600.00"

    listing = api.get("/api/v1/assistance-standards?year=2026&area=rural").get_json()
    assert listing["total"] == 1 and listing["items"][0]["dibao_monthly"] == "620.00"
    assert api.get("/api/v1/assistance-standards?year=2025").get_json()["total"] == 0
    one = api.get(f"/api/v1/assistance-standards/{body['id']}")
    assert one.status_code == 200 and one.get_json()["asset_limit_per_person"] == "15000.00"


def test_api_refusals_and_authorization(db, regions, api_as):
    api, _officer = api_as("officer", region="a")
    refused = api.post("/api/v1/assistance-standards", json=BODY | {"region_code": "100200"})
    assert refused.status_code == 422
    assert "region_code" in refused.get_json()["error"]["fields"]
    bad = api.post("/api/v1/assistance-standards", json=BODY | {"dibao_monthly": "abc"})
    assert bad.status_code == 422 and "dibao_monthly" in bad.get_json()["error"]["fields"]
    huge = api.post("/api/v1/assistance-standards", json=BODY | {"year": 2**70})
    assert huge.status_code == 422 and "year" in huge.get_json()["error"]["fields"]
    assert count(db, AssistanceStandard) == 0 and count(db, AssistanceStandardChange) == 0

    b_api, _u = api_as("officer", region="b")
    b_standard = b_api.post("/api/v1/assistance-standards",
                            json=BODY | {"region_code": "100200"}).get_json()
    assert api.get(f"/api/v1/assistance-standards/{b_standard['id']}").status_code == 404
    assert api.get("/api/v1/assistance-standards").get_json()["total"] == 0
    for role in ("provider", "inspector"):
        outsider, _u = api_as(role)
        assert outsider.get("/api/v1/assistance-standards").status_code == 403
        assert outsider.post("/api/v1/assistance-standards", json=BODY).status_code == 403
    admin, _u = api_as("admin")
    assert admin.get("/api/v1/assistance-standards").get_json()["total"] == 1


def test_a_change_sent_after_a_colleagues_change_is_refused(db, regions, as_user):
    """The page sends every amount: it put back the 低保 standard another officer had just
    raised (the history kept it, but nobody was told)."""
    standard, _c = standards.save_standard(region="100100", year=2026, area="rural",
                                           dibao_monthly="600", actor=None)
    db.session.commit()
    browser, _u = as_user("officer", region="a")
    url = f"/households/standards/{standard.id}"
    seen = _SEEN.search(browser.get(url).get_data(as_text=True))[1]
    standards.change_standard(standard, actor=None, dibao_monthly="650")
    db.session.commit()
    form = {"dibao_monthly": "600.00", "tekun_monthly": "780.00", "near_poor_monthly": "900.00",
            "asset_limit_per_person": "24000"}

    refused = browser.post(url, form | {"seen": seen})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "Someone else changed this record" in text
    db.session.expire_all()
    stored = db.session.get(AssistanceStandard, standard.id)
    assert (stored.dibao_monthly, stored.asset_limit_per_person) == (Decimal("650.00"), None)
    saved = browser.post(url, form | {"seen": _SEEN.search(text)[1]})
    assert saved.status_code == 303
    db.session.expire_all()
    assert db.session.get(AssistanceStandard, standard.id).asset_limit_per_person == Decimal(
        "24000.00")


def test_api_a_change_sent_after_a_colleagues_change_is_409(db, regions, api_as):
    """The API's client read the standard; another officer raised the 低保 standard since:
    the change sent on what the client read is refused, not saved over theirs."""
    api, _officer = api_as("officer", region="a")
    standard_id = api.post("/api/v1/assistance-standards", json=BODY).get_json()["id"]
    read = api.get(f"/api/v1/assistance-standards/{standard_id}").get_json()["stamp"]
    standards.change_standard(db.session.get(AssistanceStandard, standard_id), actor=None,
                              dibao_monthly="650")
    db.session.commit()
    change = BODY | {"asset_limit_per_person": "24000"}

    refused = api.post("/api/v1/assistance-standards", json=change | {"seen": read})
    assert refused.status_code == 409
    db.session.expire_all()
    stored = db.session.get(AssistanceStandard, standard_id)
    assert (stored.dibao_monthly, stored.asset_limit_per_person) == (Decimal("650.00"), None)
    fresh = api.get(f"/api/v1/assistance-standards/{standard_id}").get_json()["stamp"]
    saved = api.post("/api/v1/assistance-standards", json=change | {"seen": fresh})
    assert saved.status_code == 200 and saved.get_json()["asset_limit_per_person"] == "24000.00"


_SEEN = re.compile(r'name="seen" type="hidden" value="([^"]*)"')


def test_a_township_refused_is_named_in_the_readers_language(db, regions, api_as):
    """The English refusal named the township in Chinese (“…not for 甲一街道.”)."""
    api, _officer = api_as("officer", region="city")
    refused = api.post("/api/v1/assistance-standards", json=BODY | {"region_code": "100100001"})
    assert refused.status_code == 422, refused.get_json()
    [message] = refused.get_json()["error"]["fields"]["region_code"]
    assert message.endswith("not for A1 Street.") and "甲一街道" not in message
