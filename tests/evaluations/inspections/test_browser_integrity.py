"""In a real Chromium: a picture already used in another inspection, uploaded by the field
form's script, shows its integrity sign beside it as soon as the server has it."""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from evaluations.inspections.models import Inspection
from evaluations.inspections.photos import add_photo
from evaluations.inspections.services import schedule_inspection
from tests.evaluations.inspections.field_browser import (
    DEADLINE_MS,
    login,
    new_device,
    open_form,
)
from tests.factories import jpeg_bytes, photo_upload

pytestmark = pytest.mark.browser
INSPECTOR = "inspector@example.cn"


def test_a_reused_picture_is_flagged_beside_it_once_uploaded(live_server, chromium, tmp_path):
    base_url, app, ids = live_server
    picture = jpeg_bytes(size=(640, 480), pattern=41)
    with app.app_context():
        inspection = db.session.get(Inspection, ids["inspection"])
        earlier = schedule_inspection(
            template=inspection.template, inspector=inspection.inspector,
            facility=inspection.facility, scheduled_for=date(2026, 10, 1),
            actor=inspection.scheduled_by)
        item = next(i for i in inspection.template.items if i.evidence_required)
        add_photo(earlier, item, photo_upload(picture), inspection.inspector)
        db.session.commit()
        evidence = str(item.id)
        db.session.remove()
    path = tmp_path / "same.jpg"
    path.write_bytes(picture)

    _context, page = new_device(chromium)
    login(page, base_url, INSPECTOR)
    open_form(page, f"{base_url}/evaluations/inspections/{ids['inspection']}/form")
    page.set_input_files(f"#photo-{evidence}", str(path))
    flag = page.wait_for_selector(
        f"#item-{evidence} .field-photo[data-photo-id] .photo-integrity", timeout=DEADLINE_MS)
    text = flag.inner_text()
    assert "Look again" in text
    assert "the same or a near-identical picture is in another inspection" in text
