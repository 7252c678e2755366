"""The field form in a real Chromium when the server's answer to a save is lost on the way back
(a proxy's 502, a mobile line dropping): the save was stored, the device never heard so, and
the inspector went on changing the same item. The device's next save is not a conflict with
"another device" that was this device all along; the newer value is stored."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from app.extensions import db
from evaluations.inspections.models import InspectionAnswer
from tests.evaluations.inspections import field_browser as device

pytestmark = pytest.mark.browser
INSPECTOR = "inspector@example.cn"


def _stored_yes(app, inspection_id, item_id) -> bool | None:
    with app.app_context():
        row = db.session.scalar(sa.select(InspectionAnswer).where(
            InspectionAnswer.inspection_id == inspection_id,
            InspectionAnswer.item_id == int(item_id)))
        value = None if row is None else row.yes
        db.session.remove()
    return value


def test_a_save_whose_answer_was_lost_is_no_conflict_with_the_devices_next_change(
        live_server, chromium):
    base_url, app, ids = live_server
    form_url = f"{base_url}/evaluations/inspections/{ids['inspection']}/form"
    inner, lost, stored = app.wsgi_app, [], threading.Event()

    def gateway_loses_the_first_answer(environ, start_response):
        """The first save is stored, then a proxy answers 502 instead of the server's 200."""
        if not environ["PATH_INFO"].endswith("/field/answers") or lost:
            return inner(environ, start_response)
        b"".join(inner(environ, lambda status, headers, exc_info=None: lost.append(status)))
        stored.set()
        start_response("502 Bad Gateway", [("Content-Type", "text/html")])
        return [b"<h1>502 Bad Gateway</h1>"]

    app.wsgi_app = gateway_loses_the_first_answer
    try:
        context, page = device.new_device(chromium)
        device.login(page, base_url, INSPECTOR)
        device.open_form(page, form_url)
        item, kind = next(i for i in device.item_ids(page) if i[1] == "yes_no")
        device.answer(page, item, kind, "high")                  # yes: stored, never heard
        assert stored.wait(device.DEADLINE_MS / 1000)
        assert lost == ["200 OK"] and _stored_yes(app, ids["inspection"], item) is True
        device.answer(page, item, kind, "low")                   # then the inspector says no
        assert device.wait_status(page, "synced", "conflict") == "synced"
        assert not page.locator(f"#item-{item} .field-conflict").is_visible()
        assert _stored_yes(app, ids["inspection"], item) is False
        context.close()
    finally:
        app.wsgi_app = inner
