"""The tablet field form in a real browser: Debian's Chromium driven by Playwright.

The app runs under a real WSGI server on 127.0.0.1 (a free port, in a thread) against its own
temporary SQLite FILE database with the schema and seeded data. The inspector fills the
warm-winter form section by section with a photo, submits and sees the grade; the officer
finalizes it. Assertions are on what the pages show and on the stored row.
"""

from __future__ import annotations

import os
import shutil
import threading
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from app.regions.models import Level
from app.regions.services import create_region
from app.users.services import create_user
from config import TestingConfig
from tests.clients import PASSWORD
from tests.factories import jpeg_bytes

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(tmp_path):
    """The app served on a free local port with seeded data; yields (base_url, app, ids)."""
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        if os.environ.get("CI"):  # .ci/run installs it: a missing browser there is a failure
            pytest.fail(f"Chromium is not installed at {CHROMIUM}")
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    pytest.importorskip("playwright.sync_api")

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'browser.sqlite3'}"
        INSTANCE_DIR = str(tmp_path / "instance")
        UPLOAD_DIR = str(tmp_path / "uploads")

    app = create_app(Config)
    with app.app_context():
        db.create_all()
        ids = _seed()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app, ids
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _seed() -> dict:
    from contracts import services as contracts
    from evaluations.assessment.services import seed_builtin_templates
    from evaluations.inspections.services import schedule_inspection

    city = create_region("100000", "示范市", Level.CITY, None, "Demo City")
    county = create_region("100100", "甲区", Level.COUNTY, city.code, "A District")
    town = create_region("100100001", "甲一街道", Level.TOWNSHIP, county.code, "A1 Street")
    officer = create_user(email="officer@example.cn", password=PASSWORD, role="officer",
                          region=county, name="Officer Wang")
    inspector = create_user(email="inspector@example.cn", password=PASSWORD,
                            role="inspector", region=county, name="Inspector Li")
    templates = {t.code: t for t in seed_builtin_templates()}
    facility = contracts.create_facility(name="甲一福利院", kind="elderly_home", region=town,
                                         wards={"self_care": 20, "disabled": 10})
    inspection = schedule_inspection(template=templates["warm_winter"], inspector=inspector,
                                     facility=facility, scheduled_for=date(2026, 11, 10),
                                     actor=officer)
    db.session.commit()
    return {"inspection": inspection.id, "template": templates["warm_winter"].id}


def _login(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main [type=submit]")
    page.wait_for_load_state()


def test_inspector_fills_the_tablet_form_and_officer_finalizes(live_server, tmp_path):
    from playwright.sync_api import sync_playwright

    from evaluations.assessment.models import AssessmentTemplate
    from evaluations.inspections.models import Inspection

    base_url, app, ids = live_server
    photo = tmp_path / "thermometer.jpg"
    photo.write_bytes(jpeg_bytes(size=(800, 600), taken="2026:11:10 09:30:00"))
    with app.app_context():
        template = db.session.get(AssessmentTemplate, ids["template"])
        sections = [[(item.id, item.kind, float(item.max_points), item.evidence_required)
                     for item in section.items] for section in template.sections]
        db.session.remove()

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            context = browser.new_context(viewport={"width": 820, "height": 1180})
            page = context.new_page()
            page.on("dialog", lambda dialog: dialog.accept())
            _login(page, base_url, "inspector@example.cn")
            page.goto(f"{base_url}/evaluations/inspections")
            assert "甲一福利院" in page.content()
            form_url = f"{base_url}/evaluations/inspections/{ids['inspection']}/form"
            page.goto(form_url)

            for number, items in enumerate(sections, start=1):
                for item_id, kind, max_points, evidence in items:
                    if kind == "yes_no":
                        page.click(f"label[for='a-{item_id}-yes']")
                    elif max_points <= 10:
                        page.click(f"label[for='a-{item_id}-{int(max_points * 2)}']")
                    else:
                        page.fill(f"#a-{item_id}", str(max_points))
                    if evidence:
                        page.set_input_files(f"#photo-{item_id}", str(photo))
                page.click(f"#section-{number} button[name=section]")
                page.wait_for_load_state()
                assert "Draft saved" in page.content(), page.content()[:2000]

            # everything saved section by section survives a reload
            page.goto(form_url)
            first_id = sections[0][0][0]
            assert page.is_checked(f"#a-{first_id}-yes") or page.is_checked(
                f"#a-{first_id}-{int(sections[0][0][2] * 2)}")
            assert page.locator("img.img-thumbnail").count() == sum(
                1 for items in sections for item in items if item[3])

            page.click("#submit-inspection")
            page.wait_for_load_state()
            assert page.locator("[data-grade='excellent']").first.is_visible()
            assert page.inner_text("#total").strip() == "100.0"
            context.close()

            officer = browser.new_context(viewport={"width": 1024, "height": 768})
            page = officer.new_page()
            page.on("dialog", lambda dialog: dialog.accept())
            _login(page, base_url, "officer@example.cn")
            page.goto(f"{base_url}/evaluations/inspections/{ids['inspection']}")
            page.click("form[action$='/finalize'] button")
            page.wait_for_load_state()
            assert page.locator("[data-status='finalized']").first.is_visible()
            assert "Verification code" in page.content()
            officer.close()
        finally:
            browser.close()

    with app.app_context():
        row = db.session.scalar(sa.select(Inspection).where(Inspection.id == ids["inspection"]))
        assert row.status == "finalized" and str(row.total) == "100.0"
        assert row.grade == "excellent" and row.failed_critical == []
        assert len(row.answers) == sum(len(items) for items in sections)
        assert all(p.taken_at is not None for p in row.photos) and row.photos
        db.session.remove()
