"""The field form in a real Chromium when a save does not come back as sent. Its answer lost on
the way back (a proxy's 502, a mobile line dropping): the save was stored, the device never
heard so, and the inspector went on changing the same item; the device's next save is not a
conflict with "another device" that was this device all along. Refused by the server (a
reading of two decimals, as a digital thermometer shows it): the item says why, where the
inspector can put it right."""

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


def test_an_answer_the_server_refuses_says_why_at_its_item(live_server, chromium):
    base_url, app, ids = live_server
    form_url = f"{base_url}/evaluations/inspections/{ids['inspection']}/form"
    context, page = device.new_device(chromium)
    device.login(page, base_url, INSPECTOR)
    device.open_form(page, form_url)
    item = next(i for i, kind in device.item_ids(page) if kind == "reading")
    page.fill(f"#a-{item}", "17.25")
    message = page.locator(f"#item-{item} .item-error")
    message.wait_for(timeout=device.DEADLINE_MS)
    assert "one decimal" in message.inner_text()
    assert _stored_reading(app, ids["inspection"], item) is None
    page.fill(f"#a-{item}", "17.5")                           # put right: the message goes
    assert device.wait_status(page, "synced") == "synced"
    assert message.count() == 0
    assert _stored_reading(app, ids["inspection"], item) == 17.5
    context.close()


def _stored_reading(app, inspection_id, item_id) -> float | None:
    with app.app_context():
        row = db.session.scalar(sa.select(InspectionAnswer).where(
            InspectionAnswer.inspection_id == inspection_id,
            InspectionAnswer.item_id == int(item_id)))
        value = None if row is None or row.reading is None else float(row.reading)
        db.session.remove()
    return value
