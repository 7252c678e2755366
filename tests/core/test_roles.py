"""Every role reaches its own pages and gets 403 on the others."""

import pytest

ADMIN_PAGES = ["/admin/users/", "/admin/users/new", "/admin/regions/", "/admin/regions/new",
               "/admin/audit/"]
STAFF_PAGES = ["/evaluations/checklists", "/evaluations/checklists/warm_winter"]
OFFICER_PAGES = ["/providers"]
EVERYONE = ["/", "/reports/regions.xlsx"]

ACCESS = {
    "admin": set(ADMIN_PAGES + STAFF_PAGES + OFFICER_PAGES + EVERYONE),
    "officer": set(STAFF_PAGES + OFFICER_PAGES + EVERYONE),
    "inspector": set(STAFF_PAGES + EVERYONE),
    "provider": set(EVERYONE),
}
ALL_PAGES = sorted(set(ADMIN_PAGES + STAFF_PAGES + OFFICER_PAGES + EVERYONE))


@pytest.mark.parametrize("role", sorted(ACCESS))
def test_role_page_matrix(as_user, role):
    browser, _ = as_user(role)
    for url in ALL_PAGES:
        status = browser.get(url).status_code
        expected = 200 if url in ACCESS[role] else 403
        assert status == expected, f"{role} {url}: {status}"


def test_403_page_is_friendly(as_user):
    browser, _ = as_user("provider")
    response = browser.get("/admin/users/")
    assert response.status_code == 403
    assert "Not allowed" in response.get_data(as_text=True)


def test_404_page_is_friendly(as_user):
    browser, _ = as_user("officer")
    response = browser.get("/no/such/page")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


def test_navigation_follows_the_role(as_user):
    admin_browser, _ = as_user("admin")
    assert "/admin/audit/" in admin_browser.get("/").get_data(as_text=True)
    provider_browser, _ = as_user("provider")
    page = provider_browser.get("/").get_data(as_text=True)
    assert "/admin/audit/" not in page and "/providers" not in page
