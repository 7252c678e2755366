"""Accessibility: axe-core (vendored under tests/vendor, never served to users) finds no WCAG 2
A or AA violation on the main pages of every role, in Chinese, on the demo city's data.

The pages: each role's home and lists, and the first page of each kind linked from them (a
contract, an inspection and its form, a report, ...). axe is injected into the page by the
test (the context bypasses the Content-Security-Policy for that one script; the app's own
pages run under it as always).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from app.demo.seed import DEMO_LOGINS

pytestmark = [
    pytest.mark.browser, pytest.mark.slow,
    pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")),
                       reason="pages look the same on either database; the SQLite run checks them"),
]

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
PAGES = {
    "admin": ["/", "/admin/users/", "/admin/regions/", "/admin/audit/", "/admin/scheduler/",
              "/evaluations/templates", "/contracts/new"],
    "officer": ["/", "/contracts", "/providers", "/facilities", "/procurements",
                "/review-queue", "/evaluations/inspections", "/evaluations/inspections/new",
                "/evaluations/actions", "/evaluations/campaigns", "/reports/dashboard",
                "/reports/exports", "/reports/appeals", "/households/anomalies",
                "/notifications/", "/reports/inspection-plan", "/reports/coverage",
                "/procurements/red-flags"],
    "inspector": ["/", "/evaluations/inspections", "/evaluations/actions",
                  "/evaluations/campaigns", "/reports/dashboard"],
    "provider": ["/", "/my-organization", "/my-reports", "/contracts",
                 "/evaluations/inspections", "/evaluations/actions", "/reports/dashboard"],
}
#: the first link of each kind found on the pages above is checked too
DETAILS = [r"^/evaluations/inspections/\d+/form$", r"^/evaluations/inspections/\d+$",
           r"^/evaluations/actions/\d+$", r"^/evaluations/campaigns/\d+$", r"^/contracts/\d+$",
           r"^/contracts/\d+/households$", r"^/facilities/\d+$", r"^/providers/\d+$",
           r"^/submissions/\d+$", r"^/contracts/\d+/reports/[\w-]+$",
           r"^/reports/contracts/\d+/performance$", r"^/procurements/\d+$"]
#: how many kinds of detail page each role reaches at least from its pages in the demo city
DETAILS_REACHED = {"admin": 4, "officer": 6, "inspector": 3, "provider": 4}
RUN_AXE = """() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})
  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)})))"""


def violations_of(page, base_url: str, role: str) -> tuple[dict[str, list], list[str]]:
    """({path: violations}, paths checked) of the role's pages, then of the first link of each
    kind on them."""
    found, queue, kinds, seen = {}, list(PAGES[role]), set(), []
    while queue:
        path = queue.pop(0)
        seen.append(path)
        response = page.goto(base_url + path)
        assert response.status == 200, (role, path)
        page.add_script_tag(path=str(AXE))
        if problems := page.evaluate(RUN_AXE):
            found[path] = problems
        for href in page.eval_on_selector_all("main a[href^='/']",
                                              "els => els.map(a => a.getAttribute('href'))"):
            href = href.split("#")[0].split("?")[0]
            kind = next((p for p in DETAILS if re.match(p, href)), None)
            if kind is not None and kind not in kinds:
                kinds.add(kind)
                queue.append(href)
    return found, seen


@pytest.mark.parametrize("role", list(PAGES))
def test_main_pages_of_a_role_have_no_wcag_violation(demo_server, chromium, role):
    email, password = {r: (e, p) for r, e, p in DEMO_LOGINS}[role]  # the officer: a county's
    context = chromium.new_context(bypass_csp=True, locale="zh-CN",
                                   viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{demo_server}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main [type=submit]")
    page.wait_for_load_state()
    found, checked = violations_of(page, demo_server, role)
    context.close()
    summary = "\n".join(f"{role} {path}: {v['id']} ({v['impact']}) {v['help']}\n    "
                        + "\n    ".join(v["nodes"])
                        for path, problems in found.items() for v in problems)
    assert not found, summary
    # the detail pages were reached (the inspector's the inspection form among them)
    details = checked[len(PAGES[role]):]
    assert len(details) >= DETAILS_REACHED[role], checked
    assert role != "inspector" or any(re.match(DETAILS[0], path) for path in details), checked
