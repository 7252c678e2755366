"""On a desktop screen the menu bar holds all it shows: from 1200 px, where it stops being a
collapsed menu, English labels, an admin's menu and a long account name wrap inside the bar;
nothing runs off the page or out of the bar onto the white page (where the white "Log out"
button could not be read)."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.regions.models import Level
from app.regions.services import create_region
from app.users.services import create_user
from tests.browser import WIDTH_JS, chromium_or_skip, serve
from tests.clients import PASSWORD
from tests.evaluations.inspections.field_browser import login, new_device

pytestmark = pytest.mark.browser
#: accounts without a name show their e-mail address, as long as the bureau makes them
ACCOUNTS = ["social.assistance.administrator@minzheng.example.gov.cn",
            "procurement.officer.xianan.district@minzheng.example.gov.cn",
            "quality.inspector.xianan.district@minzheng.example.gov.cn"]


def seed_long_names() -> dict:
    city = create_region("421200", "咸宁市", Level.CITY, None, "Xianning City")
    county = create_region("421202", "咸安区", Level.COUNTY, city.code, "Xian'an District")
    for email, role in zip(ACCOUNTS, ("admin", "officer", "inspector"), strict=True):
        create_user(email=email, password=PASSWORD, role=role,
                    region=None if role == "admin" else county)
    db.session.commit()
    return {}


@pytest.fixture
def served(tmp_path):
    chromium_or_skip()
    base_url, _app, _ids, _recorder, stop = serve(tmp_path, seed_long_names)
    try:
        yield base_url
    finally:
        stop()


def _inside(inner: dict, outer: dict) -> bool:
    return (inner["x"] >= outer["x"] and inner["y"] >= outer["y"]
            and inner["x"] + inner["width"] <= outer["x"] + outer["width"]
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"])


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_the_menu_bar_holds_everything_on_a_desktop_screen(served, chromium, locale):
    for email in ACCOUNTS:
        for width in (1200, 1280, 1440):
            context, page = new_device(chromium, width=width, height=800)
            context.set_extra_http_headers({"Accept-Language": locale})
            login(page, served, email)
            page.goto(f"{served}/")  # the home page, signed in, whatever the login answered
            assert page.locator("form[action='/logout']").count() == 1, email
            where = f"{email} at {width} px in {locale}"
            scroll, screen = page.evaluate(WIDTH_JS)
            assert scroll <= screen, f"{where}: the page scrolls sideways ({scroll} > {screen})"
            bar = page.locator("nav.navbar").bounding_box()
            for part in ("form[action='/logout'] button", "a.navbar-account", "#nav .navbar-nav"):
                box = page.locator(part).bounding_box()
                assert box is not None and _inside(box, bar), f"{where}: {part} is out of the bar"
            context.close()
