"""In a real Chromium: with a city's worth of providers, the contract list's provider filter is
a typeahead. Typing asks the server, the keyboard or the mouse picks, Search filters the list;
a provider's name is shown as text whatever it holds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.extensions import db
from app.regions.models import Level
from app.regions.services import create_region
from app.users.services import create_user
from contracts import services
from contracts.credit_code import make_credit_code
from contracts.listing import PROVIDER_CHOICES_MAX, PROVIDER_SUGGESTIONS
from tests.browser import chromium_or_skip, serve
from tests.clients import PASSWORD
from tests.evaluations.inspections.field_browser import DEADLINE_MS, login
from tests.reports.test_browser_axe import AXE, RUN_AXE

pytestmark = pytest.mark.browser
PLANTED = '<b id="planted">标记</b>社工站'


def seed_many_providers() -> dict:
    """More providers than a drop-down lists, each with a contract; one named with markup."""
    city = create_region("100000", "示范市", Level.CITY, None, "Demo City")
    create_user(email="officer@example.cn", password=PASSWORD, role="officer", region=city)
    ids = {}
    names = [f"示范市康养服务中心{n:02d}" for n in range(PROVIDER_CHOICES_MAX + 10)] + [PLANTED]
    for n, name in enumerate(names):
        provider = services.create_provider(
            name=name, credit_code=make_credit_code("52", "100000", f"{n:08d}"),
            kind="private_nonprofit")
        services.add_qualification(provider, cert_type="登记证书", number=f"Q{n}",
                                   valid_until=date(2030, 12, 31))
        contract = services.create_contract(
            title=f"{n:02d}号入户调查", service_type="household_survey", provider=provider,
            region=city, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31),
            amount=Decimal("100000.00"), targets={"households": 100})
        ids[name] = (provider.id, contract.number)
    db.session.commit()
    return ids


@pytest.fixture
def served(tmp_path):
    chromium_or_skip()
    base_url, _app, ids, _recorder, stop = serve(tmp_path, seed_many_providers)
    try:
        yield base_url, ids
    finally:
        stop()


def _suggestions(page) -> list[str]:
    page.wait_for_selector("#provider-suggestions:not([hidden]) li", timeout=DEADLINE_MS)
    return page.locator("#provider-suggestions li").all_inner_texts()


def _listed_numbers(page) -> list[str]:
    return page.locator("table tbody td:first-child a").all_inner_texts()


def test_typing_suggests_and_a_pick_filters_the_list(served, chromium):
    from playwright.sync_api import expect

    base_url, ids = served
    errors: list[str] = []  # a script's errors, a refused or missing resource
    page = chromium.new_context().new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, base_url, "officer@example.cn")
    page.goto(f"{base_url}/contracts")
    box = page.locator("#provider-typeahead")
    assert box.is_visible()

    # many match: the first ten by name, and a note to type more
    box.press_sequentially("康养")
    shown = _suggestions(page)
    assert shown[:PROVIDER_SUGGESTIONS] == [f"示范市康养服务中心{n:02d}"
                                            for n in range(PROVIDER_SUGGESTIONS)]
    assert len(shown) == PROVIDER_SUGGESTIONS + 1
    note = page.locator("#provider-suggestions li").last
    assert note.get_attribute("aria-disabled") == "true" and shown[-1] not in ids

    # narrowed: the keyboard picks the second; Search filters by it
    box.fill("")
    box.press_sequentially("中心3")
    options = page.locator("#provider-suggestions li")
    expect(options.first).to_have_text("示范市康养服务中心30", timeout=DEADLINE_MS)
    expect(options).to_have_count(10)
    expect(options.first).to_have_attribute("aria-selected", "true")  # ready for Enter
    box.press("ArrowDown")
    box.press("Enter")
    assert box.input_value() == "示范市康养服务中心31"
    assert page.locator("#provider-suggestions").is_hidden()
    provider_id, number = ids["示范市康养服务中心31"]
    page.click("main form.row [type=submit]")
    page.wait_for_url(f"**provider={provider_id}**", timeout=DEADLINE_MS)
    assert _listed_numbers(page) == [number]
    assert "示范市康养服务中心31" in page.locator("#provider-filter").inner_text()

    # the badge's × takes the filter off; a name typed and Enter picks it, Enter again sends
    page.click("#provider-filter a")
    page.wait_for_selector("#provider-typeahead", timeout=DEADLINE_MS)
    box.press_sequentially("中心07")
    assert _suggestions(page) == ["示范市康养服务中心07"]
    box.press("Enter")
    box.press("Enter")
    page.wait_for_url(f"**provider={ids['示范市康养服务中心07'][0]}**", timeout=DEADLINE_MS)
    assert _listed_numbers(page) == [ids["示范市康养服务中心07"][1]]

    # and the mouse picks
    page.click("#provider-filter a")
    page.wait_for_selector("#provider-typeahead", timeout=DEADLINE_MS)
    box.press_sequentially("中心1")
    expect(options).to_have_count(10, timeout=DEADLINE_MS)
    options.nth(4).click()
    assert box.input_value() == "示范市康养服务中心14"
    page.click("main form.row [type=submit]")
    page.wait_for_url(f"**provider={ids['示范市康养服务中心14'][0]}**", timeout=DEADLINE_MS)
    assert _listed_numbers(page) == [ids["示范市康养服务中心14"][1]]
    assert errors == []


def test_a_name_with_markup_is_suggested_as_text(served, chromium):
    base_url, ids = served
    # the policy let through for axe's script only (test_typing_... runs under it)
    page = chromium.new_context(bypass_csp=True).new_page()
    login(page, base_url, "officer@example.cn")
    page.goto(f"{base_url}/contracts")
    page.locator("#provider-typeahead").press_sequentially("社工站")
    assert _suggestions(page) == [PLANTED]
    assert page.locator("#planted").count() == 0
    # the open combobox and its suggestions meet WCAG 2 AA
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(RUN_AXE) == []
    # typing after a pick takes the pick back: nothing is sent for a half-edited name
    page.click("#provider-suggestions li")
    page.locator("#provider-typeahead").press("Backspace")
    page.click("main form.row [type=submit]")
    page.wait_for_load_state()
    assert "provider=" not in page.url
    assert len(_listed_numbers(page)) > 1


def test_the_contract_form_narrows_its_provider_select_by_typing(served, chromium):
    base_url, ids = served
    page = chromium.new_context().new_page()
    login(page, base_url, "officer@example.cn")
    page.goto(f"{base_url}/contracts/new")
    narrow = page.locator("input[aria-controls='provider_id']")
    shown = page.locator("#provider_id option:not([hidden])")
    assert shown.count() == len(ids) + 1  # every provider, and "—"

    narrow.press_sequentially("康养")
    assert shown.count() == len(ids)  # all but the one named with markup, and "—"
    assert page.locator("#provider_id").input_value() == ""  # many left: nothing is picked
    narrow.fill("中心07")
    assert shown.all_inner_texts() == ["—", "示范市康养服务中心07"]
    assert page.locator("#provider_id").input_value() == str(ids["示范市康养服务中心07"][0])
    narrow.fill("")
    assert shown.count() == len(ids) + 1
