"""The tablet field form in a real browser: Debian's Chromium driven by Playwright.

The app runs under a real WSGI server (tests/evaluations/inspections/conftest.py). The
inspector fills the warm-winter form section by section with photos, each change saved
without pressing anything, submits and sees the grade; the officer finalizes it. Assertions
are on what the pages show and on the stored row.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from evaluations.assessment.models import AssessmentTemplate
from evaluations.inspections.models import Inspection
from tests.evaluations.inspections.field_browser import login, open_form, wait_status
from tests.factories import jpeg_bytes

pytestmark = pytest.mark.browser


def test_inspector_fills_the_tablet_form_and_officer_finalizes(live_server, chromium,
                                                                tmp_path):
    base_url, app, ids = live_server
    photo = tmp_path / "thermometer.jpg"
    photo.write_bytes(jpeg_bytes(size=(800, 600), taken="2026:11:10 09:30:00"))
    with app.app_context():
        template = db.session.get(AssessmentTemplate, ids["template"])
        sections = [[(item.id, item.kind, float(item.max_points), item.evidence_required)
                     for item in section.items] for section in template.sections]
        db.session.remove()

    context = chromium.new_context(viewport={"width": 820, "height": 1180})
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, base_url, "inspector@example.cn")
    page.goto(f"{base_url}/evaluations/inspections")
    assert "甲一福利院" in page.content()
    form_url = f"{base_url}/evaluations/inspections/{ids['inspection']}/form"
    open_form(page, form_url)

    for number, items in enumerate(sections, start=1):
        for item_id, kind, max_points, evidence in items:
            if kind == "yes_no":
                page.click(f"label[for='a-{item_id}-yes']")
            elif kind == "reading":  # the room temperature: 18.5 ℃ meets the 18 ℃ standard
                page.fill(f"#a-{item_id}", "18.5")
            elif max_points <= 10:
                page.click(f"label[for='a-{item_id}-{int(max_points * 2)}']")
            else:
                page.fill(f"#a-{item_id}", str(max_points))
            if evidence:
                page.set_input_files(f"#photo-{item_id}", str(photo))
                page.wait_for_selector(f"#item-{item_id} .field-photo[data-photo-id]")
        page.click(f"#section-{number} button[name=section]")   # saves now
        assert wait_status(page, "synced") == "synced"
        assert page.inner_text(f"#section-{number} .section-progress") == \
            f"{len(items)}/{len(items)}"

    # everything saved section by section survives a reload
    open_form(page, form_url)
    first_id = sections[0][0][0]
    assert page.is_checked(f"#a-{first_id}-yes") or page.is_checked(
        f"#a-{first_id}-{int(sections[0][0][2] * 2)}")
    assert page.locator(".field-photo[data-photo-id]").count() == sum(
        1 for items in sections for item in items if item[3])

    page.click("#submit-inspection")
    page.wait_for_url("**/inspections/*")
    assert page.locator("[data-grade='excellent']").first.is_visible()
    assert page.inner_text("#total").strip() == "100.0"
    context.close()

    officer = chromium.new_context(viewport={"width": 1024, "height": 768})
    page = officer.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, base_url, "officer@example.cn")
    page.goto(f"{base_url}/evaluations/inspections/{ids['inspection']}")
    page.click("form[action$='/finalize'] button")
    page.wait_for_load_state()
    assert page.locator("[data-status='finalized']").first.is_visible()
    assert "Verification code" in page.content()
    officer.close()

    with app.app_context():
        row = db.session.scalar(sa.select(Inspection).where(Inspection.id == ids["inspection"]))
        assert row.status == "finalized" and str(row.total) == "100.0"
        assert row.grade == "excellent" and row.failed_critical == []
        assert len(row.answers) == sum(len(items) for items in sections)
        assert all(p.taken_at is not None for p in row.photos) and row.photos
        db.session.remove()
