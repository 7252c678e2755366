"""In a real Chromium: with more homes than a drop-down lists, the scheduling form asks the
server for the homes matching what is typed; the keyboard picks one and the form schedules
it; without script, a text naming several homes brings them back as radio buttons to pick. A
home's name is shown as text whatever it holds, and the open combobox and the homes offered
meet WCAG 2 AA."""

from __future__ import annotations

import re

import pytest

from app import lookups
from app.extensions import db
from app.regions.models import Level
from app.regions.services import create_region
from app.users.services import create_user
from contracts import services
from evaluations.assessment.builtin import load_builtin
from evaluations.assessment.services import import_template
from tests.browser import chromium_or_skip, serve
from tests.clients import PASSWORD
from tests.evaluations.inspections.field_browser import DEADLINE_MS, login
from tests.reports.test_browser_axe import AXE, RUN_AXE

pytestmark = pytest.mark.browser
PLANTED = '<b id="planted">标记</b>敬老院'
WARDS = {"self_care": 10, "semi_disabled": 5, "disabled": 5}


def seed_homes() -> dict:
    city = create_region("100000", "示范市", Level.CITY, None, "Demo City")
    create_user(email="officer@example.cn", password=PASSWORD, role="officer", region=city)
    create_user(email="inspector@example.cn", password=PASSWORD, role="inspector", region=city,
                name="检查员甲")
    import_template(load_builtin("warm_winter"), None, publish=True)
    ids = {}
    for name in [f"示范市第{n}福利院" for n in range(1, 6)] + [PLANTED]:
        ids[name] = services.create_facility(name=name, kind="elderly_home", region=city,
                                             wards=WARDS).id
    db.session.commit()
    return ids


@pytest.fixture
def served(tmp_path, monkeypatch):
    chromium_or_skip()
    monkeypatch.setattr(lookups, "LIST_MAX", 3)  # six homes: a typeahead
    base_url, _app, ids, _recorder, stop = serve(tmp_path, seed_homes)
    try:
        yield base_url, ids
    finally:
        stop()


def _suggestions(page) -> list[str]:
    page.wait_for_selector("#facility_id-suggestions:not([hidden]) li", timeout=DEADLINE_MS)
    return page.locator("#facility_id-suggestions li").all_inner_texts()


def _fill_the_rest(page) -> None:
    page.select_option("#template_id", index=1)
    page.select_option("#inspector_id", label="检查员甲")
    page.fill("#scheduled_for", "2026-12-20")


def test_a_home_typed_and_picked_is_scheduled(served, chromium):
    from playwright.sync_api import expect

    base_url, ids = served
    errors: list[str] = []
    page = chromium.new_context().new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, base_url, "officer@example.cn")
    page.goto(f"{base_url}/evaluations/inspections/new")
    assert page.locator("#facility_id option").count() == 0
    box = page.locator("#facility_id")
    box.press_sequentially("福利院")
    assert _suggestions(page) == [f"示范市第{n}福利院" for n in range(1, 6)]
    box.fill("")
    box.press_sequentially("第4")
    options = page.locator("#facility_id-suggestions li")
    expect(options).to_have_count(1, timeout=DEADLINE_MS)
    expect(options.first).to_have_text("示范市第4福利院")
    box.press("Enter")
    assert box.input_value() == "示范市第4福利院"
    _fill_the_rest(page)
    page.click("main form [type=submit]")
    page.wait_for_url(re.compile(r"/evaluations/inspections/\d+$"), timeout=DEADLINE_MS)
    assert "示范市第4福利院" in page.locator("main").inner_text()
    assert errors == []


def test_a_name_with_markup_is_suggested_as_text(served, chromium):
    base_url, ids = served
    page = chromium.new_context(bypass_csp=True).new_page()
    login(page, base_url, "officer@example.cn")
    page.goto(f"{base_url}/evaluations/inspections/new")
    page.locator("#facility_id").press_sequentially("敬老院")
    assert _suggestions(page) == [PLANTED]
    assert page.locator("#planted").count() == 0
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(RUN_AXE) == []


def test_without_script_a_text_naming_several_offers_them_to_pick(served, chromium):
    base_url, ids = served
    page = chromium.new_context(java_script_enabled=False).new_page()
    login(page, base_url, "officer@example.cn")
    page.goto(f"{base_url}/evaluations/inspections/new")
    page.fill("#facility_id", "福利院")
    _fill_the_rest(page)
    page.click("main form [type=submit]")
    radios = page.locator("input[type=radio][name=facility_id]")
    assert radios.count() == 5
    page.get_by_label("示范市第2福利院").check()
    _fill_the_rest(page)
    page.click("main form [type=submit]")
    page.wait_for_url(re.compile(r"/evaluations/inspections/\d+$"), timeout=DEADLINE_MS)
    assert "示范市第2福利院" in page.locator("main").inner_text()


def test_the_homes_offered_after_a_refused_text_meet_wcag(served, chromium):
    base_url, ids = served
    page = chromium.new_context(bypass_csp=True).new_page()
    login(page, base_url, "officer@example.cn")
    page.goto(f"{base_url}/evaluations/inspections/new")
    page.fill("#facility_id", "敬老院 ")  # typed, not picked: the server reads the text
    # the form's own submit button shadows form.submit()
    page.evaluate("HTMLFormElement.prototype.submit.call(document.querySelector('main form'))")
    page.wait_for_selector("input[type=radio][name=facility_id]", timeout=DEADLINE_MS)
    assert page.locator("#planted").count() == 0
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(RUN_AXE) == []
