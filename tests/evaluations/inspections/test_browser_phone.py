"""Phone width (390 × 844): no main page of the inspector or of a provider scrolls sideways, in
either language, on the demo city's realistic data; lists are stacked cards there.

The pages: each role's home, its lists, and one page of each kind reached from those lists
(the first link of that kind). Every page must answer 200 and be no wider than the screen.
"""

from __future__ import annotations

import re

import pytest

from app.demo.seed import DEMO_LOGINS
from tests.browser import WIDTH_JS
from tests.evaluations.inspections.field_browser import new_device

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = {
    "inspector": ["/", "/evaluations/inspections", "/evaluations/actions",
                  "/evaluations/campaigns", "/contracts", "/facilities", "/spot-checks",
                  "/reports/dashboard", "/notifications/"],
    "provider": ["/", "/my-organization", "/my-reports", "/contracts", "/facilities",
                 "/evaluations/inspections", "/evaluations/actions", "/spot-checks",
                 "/reports/dashboard", "/notifications/"],
}
#: the first link of each kind found on the pages above is visited too
DETAILS = [r"^/evaluations/inspections/\d+/form$", r"^/evaluations/inspections/\d+$",
           r"^/evaluations/actions/\d+$", r"^/contracts/\d+$", r"^/contracts/\d+/households$",
           r"^/facilities/\d+$", r"^/submissions/\d+$", r"^/contracts/\d+/reports/[\w-]+$",
           r"^/reports/contracts/\d+/performance$", r"^/spot-checks/\d+$"]


def _visit_all(page, base_url: str, role: str) -> list[str]:
    """The role's pages, then (breadth first) the first link of each kind found on them."""
    queue, seen, kinds = list(PAGES[role]), [], set()
    while queue:
        path = queue.pop(0)
        response = page.goto(base_url + path)
        assert response.status == 200, (role, path)
        seen.append(path)
        scroll, screen = page.evaluate(WIDTH_JS)
        assert scroll <= screen, f"{role} {path} scrolls sideways: {scroll} > {screen}"
        for href in page.eval_on_selector_all("main a[href^='/']",
                                              "els => els.map(a => a.getAttribute('href'))"):
            href = href.split("#")[0]
            kind = next((p for p in DETAILS if re.match(p, href)), None)
            if kind is not None and kind not in kinds:
                kinds.add(kind)
                queue.append(href)
    return seen


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_no_main_page_scrolls_sideways_on_a_phone(demo_server, chromium, locale):
    logins = {role: (email, password) for role, email, password in DEMO_LOGINS}
    visited = {}
    for role in ("inspector", "provider"):
        context, page = new_device(chromium, width=390, height=844)
        context.set_extra_http_headers({"Accept-Language": locale})
        email, password = logins[role]
        page.goto(f"{demo_server}/login")
        page.fill("#email", email)
        page.fill("#password", password)
        page.click("main [type=submit]")
        page.wait_for_load_state()
        visited[role] = _visit_all(page, demo_server, role)
        if role == "inspector":   # lists are stacked cards: no header row, one card per row
            page.goto(f"{demo_server}/evaluations/inspections")
            assert page.is_hidden("table.table-cards thead")
            rows = page.locator("table.table-cards tbody tr")
            assert rows.count() > 1
            first, second = rows.nth(0).bounding_box(), rows.nth(1).bounding_box()
            assert second["y"] >= first["y"] + first["height"] and first["width"] <= 390
        context.close()
    # the kinds of pages reached: at least the lists and one detail of most kinds
    assert len(visited["inspector"]) >= len(PAGES["inspector"]) + 5, visited["inspector"]
    assert len(visited["provider"]) >= len(PAGES["provider"]) + 5, visited["provider"]
