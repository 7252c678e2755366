"""Under the Content-Security-Policy, in a real browser (Debian's Chromium through Playwright):
nothing is blocked, confirmations still ask before destructive posts, and the procurement
form still shows its justification only for a single-source purchase."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.regions.models import Level
from app.regions.services import create_region
from app.users.models import User
from app.users.services import create_user
from tests.browser import chromium_or_skip, serve
from tests.clients import PASSWORD

pytestmark = pytest.mark.browser


def seed_csp_world() -> dict:
    city = create_region("100000", "示范市", Level.CITY, None, "Demo City")
    create_user(email="admin@example.cn", password=PASSWORD, role="admin")
    officer = create_user(email="officer@example.cn", password=PASSWORD, role="officer",
                          region=city)
    db.session.commit()
    return {"officer": officer.id}


@pytest.fixture
def served(tmp_path):
    """The app on a free loopback port with an admin and an officer; yields (url, app, ids)."""
    chromium_or_skip()
    base_url, app, ids, _recorder, stop = serve(tmp_path, seed_csp_world)
    try:
        yield base_url, app, ids
    finally:
        stop()


def test_pages_work_under_the_policy(served, chromium):
    base_url, app, ids = served
    complaints: list[str] = []
    dialogs: list[str] = []
    page = chromium.new_context().new_page()
    page.on("console", lambda m: complaints.append(m.text) if m.type == "error"
            else None)
    page.on("pageerror", lambda error: complaints.append(str(error)))
    answer = {"accept": False}

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.accept() if answer["accept"] else dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(f"{base_url}/login")
    page.fill("#email", "admin@example.cn")
    page.fill("#password", PASSWORD)
    page.click("main [type=submit]")
    page.wait_for_load_state()

    user_page = f"{base_url}/admin/users/{ids['officer']}"
    page.goto(user_page)
    disable = "form[action$='/disable'] button"
    page.click(disable)  # dismissed: nothing is sent
    page.wait_for_load_state()
    assert dialogs and "officer@example.cn" in dialogs[-1]
    assert page.url == user_page
    answer["accept"] = True
    page.click(disable)
    page.wait_for_url(f"{base_url}/admin/users/")

    page.goto(f"{base_url}/procurements/new")
    justification = page.locator("#justification")
    assert not justification.is_visible()
    page.select_option("#method", "single_source")
    assert justification.is_visible()

    assert not [c for c in complaints if "Content Security Policy" in c or "Refused" in c], \
        complaints
    with app.app_context():
        assert db.session.get(User, ids["officer"]).is_enabled is False
        db.session.remove()
