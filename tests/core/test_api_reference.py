"""/api/v1/docs: the interactive API reference, vendored (no CDN) and started without inline
script."""

from __future__ import annotations

import re

import pytest

from tests.clients import PASSWORD
from tests.core.test_browser_csp import served  # noqa: F401  (the fixture)

VENDOR = "/static/vendor/swagger-ui/"


def test_needs_a_signed_in_user(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["admin", "officer", "inspector", "provider"])
def test_served_locally_for_every_role(as_user, role):
    browser, _ = as_user(role)
    response = browser.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"{VENDOR}swagger-ui-bundle.js" in page and f"{VENDOR}swagger-ui.css" in page
    assert 'data-spec-url="/api/v1/openapi.json"' in page
    # every script is a file of this site; none inline, none from elsewhere
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
    assert scripts and all('src="/' in attrs and not body.strip() for attrs, body in scripts)
    assert "https://" not in " ".join(attrs for attrs, _ in scripts)


def test_the_vendored_files_are_there_with_their_licence(client):
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"):
        response = client.get(f"{VENDOR}{name}")
        assert response.status_code == 200 and len(response.data) > 1000, name
        response.close()
    licence = client.get(f"{VENDOR}LICENSE")
    assert b"Apache License" in licence.data
    licence.close()


@pytest.mark.browser
def test_the_reference_shows_the_operations_under_the_policy(served, chromium):  # noqa: F811
    base_url, _app, _ids = served
    blocked: list[str] = []
    page = chromium.new_context().new_page()
    page.on("console", lambda m: blocked.append(m.text)
            if m.type == "error" and "Content Security Policy" in m.text else None)
    page.goto(f"{base_url}/login")
    page.fill("#email", "admin@example.cn")
    page.fill("#password", PASSWORD)
    page.click("main [type=submit]")
    page.wait_for_load_state()
    page.goto(f"{base_url}/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/ocds/records.json" in path for path in paths)
    assert blocked == []
