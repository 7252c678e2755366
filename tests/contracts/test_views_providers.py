"""Provider pages: list, detail, create/edit, status, qualifications, "My organization"."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from contracts import services
from contracts.credit_code import make_credit_code
from contracts.models import Provider, ProviderStatus, Qualification


def test_officer_lists_searches_and_filters_providers(as_user, make_provider):
    make_provider("阳光社工中心")
    make_provider("康乐养老中心", status=ProviderStatus.SUSPENDED)
    browser, _ = as_user("officer", region="a")
    page = browser.get("/providers").get_data(as_text=True)
    assert "阳光社工中心" in page and "康乐养老中心" in page
    page = browser.get("/providers?q=阳光").get_data(as_text=True)
    assert "阳光社工中心" in page and "康乐养老中心" not in page
    page = browser.get("/providers?status=suspended").get_data(as_text=True)
    assert "康乐养老中心" in page and "阳光社工中心" not in page
    assert "format=xlsx" in page


def test_providers_sort_by_name_and_paginate(as_user, make_provider):
    for n in range(27):
        make_provider(f"机构{n:02d}")
    browser, _ = as_user("officer")
    first = browser.get("/providers?sort=-name").get_data(as_text=True)
    assert "机构26" in first and "机构00" not in first
    second = browser.get("/providers?sort=-name&page=2").get_data(as_text=True)
    assert "机构00" in second and "机构26" not in second
    assert "27 in all" in first


def test_bad_credit_code_is_422_naming_the_field_and_stores_nothing(as_user, db):
    browser, _ = as_user("officer")
    browser.get("/providers/new")
    response = browser.post("/providers/new", {
        "name": "新机构", "credit_code": "52421202MJ0000000X", "kind": "social_org"})
    assert response.status_code == 422
    assert "Invalid unified social credit code" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Provider.id))) == 0


def test_officer_creates_and_edits_a_provider(as_user, db):
    browser, _ = as_user("officer")
    code = make_credit_code("52", "421202", "12345678")
    browser.get("/providers/new")
    response = browser.post("/providers/new", {
        "name": "新机构", "credit_code": code.lower(), "kind": "private_nonprofit",
        "contact_name": "刘芳"})
    assert response.status_code == 302
    provider = db.session.scalars(sa.select(Provider)).one()
    assert provider.credit_code == code
    assert browser.get(response.location).status_code == 200
    response = browser.post(f"/providers/{provider.id}/edit", {
        "name": "改名机构", "credit_code": code, "kind": "private_nonprofit"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Provider, provider.id).name == "改名机构"


def test_status_change_needs_a_reason_and_shows_in_history(as_user, make_provider, db):
    provider = make_provider()
    browser, _ = as_user("officer")
    browser.get(f"/providers/{provider.id}/status")
    response = browser.post(f"/providers/{provider.id}/status",
                            {"status": "suspended", "reason": ""})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Provider, provider.id).status is ProviderStatus.ACTIVE
    response = browser.post(f"/providers/{provider.id}/status",
                            {"status": "suspended", "reason": "逾期未整改"})
    assert response.status_code == 302
    page = browser.get(f"/providers/{provider.id}").get_data(as_text=True)
    assert "Suspended" in page and "逾期未整改" in page and "Status history" in page


def test_qualifications_show_expiry_badges_and_can_be_removed(as_user, make_provider, db,
                                                               on_day):
    on_day(date(2026, 3, 1))
    provider = make_provider()
    browser, _ = as_user("officer")
    browser.get(f"/providers/{provider.id}")
    for number, until in (("Q-SOON", "2026-04-15"), ("Q-OLD", "2026-01-31")):
        response = browser.post(f"/providers/{provider.id}/qualifications", {
            "cert_type": "登记证书", "number": number, "valid_until": until})
        assert response.status_code == 302
    page = browser.get(f"/providers/{provider.id}").get_data(as_text=True)
    assert "Expires within 60 days" in page and "Expired" in page
    response = browser.post(f"/providers/{provider.id}/qualifications", {"cert_type": ""})
    assert response.status_code == 422
    q = db.session.scalars(sa.select(Qualification).where(Qualification.number == "Q-OLD")).one()
    response = browser.post(f"/providers/{provider.id}/qualifications/{q.id}/remove")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Qualification.id))) == 1


def test_provider_user_sees_only_their_own_organization(as_user, make_provider):
    other = make_provider("别家机构")
    browser, user = as_user("provider")
    home = browser.get("/").get_data(as_text=True)
    assert "/my-organization" in home and "/providers" not in home
    assert browser.get("/my-organization").status_code == 200
    assert browser.get(f"/providers/{user.provider_id}").status_code == 200
    assert browser.get(f"/providers/{other.id}").status_code == 404
    assert browser.get(f"/providers/{user.provider_id}/edit").status_code == 403


def test_inspector_cannot_reach_provider_write_pages(as_user, make_provider):
    provider = make_provider()
    browser, _ = as_user("inspector")
    assert browser.get("/providers/new").status_code == 403
    assert browser.get(f"/providers/{provider.id}/edit").status_code == 403
    assert browser.post(f"/providers/{provider.id}/status",
                        {"status": "debarred", "reason": "x"}).status_code == 403


def test_admin_sees_the_users_of_the_organization(as_user, make_user, make_provider):
    provider = make_provider()
    staff = make_user("provider", provider=provider, email="staff@org.cn")
    browser, _ = as_user("admin")
    page = browser.get(f"/providers/{provider.id}").get_data(as_text=True)
    assert staff.email in page
    officer, _ = as_user("officer")
    assert staff.email not in officer.get(f"/providers/{provider.id}").get_data(as_text=True)


def test_two_officers_editing_one_provider_do_not_overwrite_each_other(as_user, make_provider,
                                                                       db):
    """Both opened the edit page; the second save carried every field as its page showed it,
    and silently put back the phone number the first had just changed."""
    provider = make_provider(contact_phone="111")
    url = f"/providers/{provider.id}/edit"
    (first, _), (second, _) = as_user("officer"), as_user("officer")
    page = {"name": provider.name, "credit_code": provider.credit_code, "kind": "social_org",
            "contact_phone": "111", "revision": "1"}
    for browser in (first, second):
        assert 'name="revision" type="hidden" value="1"' in browser.get(url).get_data(
            as_text=True)
    assert first.post(url, page | {"contact_phone": "222"}).status_code == 302
    refused = second.post(url, page | {"address": "江城区幸福路1号"})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Someone else changed this record" in text
    assert 'name="revision" type="hidden" value="2"' in text  # a retry saves over what is shown
    db.session.expire_all()
    assert (provider.contact_phone, provider.address) == ("222", "")
    assert second.post(url, page | {"contact_phone": "222", "address": "江城区幸福路1号",
                                    "revision": "2"}).status_code == 302
    db.session.expire_all()
    assert (provider.contact_phone, provider.address) == ("222", "江城区幸福路1号")


def test_a_reinstatement_sent_after_a_colleague_debarred_the_provider_is_refused(
        as_user, make_provider, db):
    """The page showed a suspension; another officer debarred the provider meanwhile. The
    reinstatement lifted the debarment its sender never saw."""
    provider = make_provider("康乐养老中心", status=ProviderStatus.SUSPENDED)
    url = f"/providers/{provider.id}/status"
    browser, _ = as_user("officer")
    page = browser.get(url).get_data(as_text=True)
    assert 'name="revision" type="hidden" value="1"' in page
    services.set_provider_status(provider, "debarred", "虚报服务量", actor=None)
    db.session.commit()

    refused = browser.post(url, {"status": "active", "reason": "欠税已补缴", "revision": "1"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Someone else changed this record" in text
    assert "虚报服务量" in text and 'name="revision" type="hidden" value="2"' in text
    db.session.expire_all()
    assert db.session.get(Provider, provider.id).status is ProviderStatus.DEBARRED


def test_a_credit_code_pasted_with_spaces_or_in_full_width_is_taken(as_user, db):
    """The API took it; the page refused it as longer than 18 characters before the service
    could tidy it."""
    browser, _ = as_user("officer")
    code = make_credit_code("52", "421202", "12345679")
    pasted = " " + code.translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "  "
    browser.get("/providers/new")
    response = browser.post("/providers/new", {
        "name": "新机构", "credit_code": pasted, "kind": "private_nonprofit"})
    assert response.status_code == 302
    assert db.session.scalars(sa.select(Provider)).one().credit_code == code
