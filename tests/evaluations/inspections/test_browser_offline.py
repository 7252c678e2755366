"""The field form offline in a real Chromium: work done without a connection survives a reload,
reaches the server once the line is back (every answer, the photo exactly once, made smaller
on the device with its capture time), and merges with another device's work; the same item
changed on both shows both values and the inspector's choice wins; two tabs of one form keep
each other's work; a photo too large for the server is marked, and the rest still syncs."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from PIL import Image

from app.extensions import db
from evaluations.inspections.models import EvidencePhoto, Inspection, InspectionAnswer
from tests.evaluations.inspections.field_browser import (
    answer,
    control_value,
    item_ids,
    login,
    new_device,
    open_form,
    session_of,
    set_offline,
    wait_kept_offline,
    wait_status,
)
from tests.factories import jpeg_bytes

pytestmark = pytest.mark.browser
INSPECTOR = "inspector@example.cn"
TAKEN = "2026:11:10 09:30:00"


def _stored(app, inspection_id) -> tuple[dict, list]:
    with app.app_context():
        answers = {str(a.item_id): a for a in db.session.scalars(
            sa.select(InspectionAnswer).where(InspectionAnswer.inspection_id == inspection_id))}
        photos = list(db.session.scalars(sa.select(EvidencePhoto)))
        db.session.expunge_all()
        db.session.remove()
    return answers, photos


def _value(row) -> str:
    if row.yes is not None:
        return "yes" if row.yes else "no"
    if row.reading is not None:
        return f"{row.reading.normalize():f}"
    return f"{row.points.normalize():f}"


def _evidence_item(app, inspection_id) -> str:
    with app.app_context():
        inspection = db.session.get(Inspection, inspection_id)
        item = next(i for i in inspection.template.items if i.evidence_required)
        db.session.remove()
        return str(item.id)


def test_offline_work_survives_a_reload_and_reaches_the_server_once(live_server, chromium,
                                                                    tmp_path):
    base_url, app, ids = live_server
    recorder = app.recorder
    form_url = f"{base_url}/evaluations/inspections/{ids['inspection']}/form"
    big = tmp_path / "boiler.jpg"
    big.write_bytes(jpeg_bytes(size=(3000, 2000), taken=TAKEN, gps=(29.8415, 114.3224)))
    evidence = _evidence_item(app, ids["inspection"])

    tablet_context, tablet = new_device(chromium)
    login(tablet, base_url, INSPECTOR)
    tablet.goto(f"{base_url}/evaluations/inspections")        # the list keeps its forms
    wait_kept_offline(tablet)
    assert tablet.evaluate("url => caches.match(url).then(Boolean)", form_url)
    open_form(tablet, form_url)
    items = [i for i in item_ids(tablet) if i[0] != evidence]
    (first, k1), (second, k2), (third, k3), (fourth, k4) = items[:4]
    expected = {first: answer(tablet, first, k1)}
    assert wait_status(tablet, "synced") == "synced"

    set_offline(tablet_context, True, app.recorder)
    mark = len(recorder.requests)
    expected[second] = answer(tablet, second, k2, "low")
    expected[third] = answer(tablet, third, k3)
    tablet.fill(f"textarea[name='note-{second}']", "二楼走廊偏冷")
    tablet.set_input_files(f"#photo-{evidence}", str(big))
    tablet.wait_for_selector(f"#item-{evidence} .photo-queued")
    assert wait_status(tablet, "offline") == "offline"

    tablet.reload()                                            # still offline
    tablet.wait_for_selector("form[data-booted]", state="attached")
    assert tablet_context.dialogs == ["beforeunload"]          # leaving asked first
    for item, value in expected.items():
        assert control_value(tablet, item) == value
    assert tablet.input_value(f"textarea[name='note-{second}']") == "二楼走廊偏冷"
    assert tablet.locator(f"#item-{evidence} .photo-queued img").count() == 1
    assert wait_status(tablet, "offline") == "offline"
    assert tablet.get_attribute("#field-status", "data-pending") == "3"   # 2 answers, 1 photo

    # meanwhile a phone, online, answers another item of the same inspection
    phone_context, phone = new_device(chromium, width=390, height=844)
    login(phone, base_url, INSPECTOR)
    open_form(phone, form_url)
    phone_value = answer(phone, fourth, k4)
    assert wait_status(phone, "synced") == "synced"
    # the line is down for the tablet only: the phone's answer reached the server meanwhile
    assert ("POST", f"/evaluations/inspections/{ids['inspection']}/field/answers") in [
        (r["method"], r["path"]) for r in recorder.since(mark, session_of(phone_context))]

    set_offline(tablet_context, False, app.recorder)
    assert wait_status(tablet, "synced") == "synced"
    tablet.wait_for_selector(f"#item-{evidence} .field-photo[data-photo-id]")
    answers, photos = _stored(app, ids["inspection"])
    for item, value in expected.items():
        assert _value(answers[item]) == value, item
    assert answers[second].note == "二楼走廊偏冷"
    assert _value(answers[fourth]) == phone_value               # both devices' work survived
    assert control_value(tablet, fourth) == phone_value         # and the tablet shows it
    assert len(photos) == 1 and str(photos[0].item_id) == evidence
    assert photos[0].taken_at.isoformat() == "2026-11-10T01:30:00+00:00"
    # the GPS position travels with the smaller copy too (evidence integrity)
    assert (photos[0].gps_latitude, photos[0].gps_longitude) == pytest.approx((29.8415,
                                                                               114.3224))

    [upload] = [r for r in recorder.since(mark) if r["path"].endswith("/field/photos")]
    sent = upload["files"]["file"]
    assert len(sent) < big.stat().st_size
    with Image.open(io.BytesIO(sent)) as received:
        assert max(received.size) == 1600
        assert received.getexif().get_ifd(0x8769).get(0x9003) == TAKEN

    # logging out drops the pages kept for offline use
    tablet.evaluate("document.querySelector(\"nav form[action$='/logout']\").requestSubmit()")
    tablet.wait_for_url("**/login**")
    tablet.wait_for_function("url => caches.match(url).then(hit => !hit)", arg=form_url)
    tablet_context.close()
    phone_context.close()


def test_the_same_item_changed_on_two_devices_shows_both_and_the_choice_wins(live_server,
                                                                            chromium):
    base_url, app, ids = live_server
    form_url = f"{base_url}/evaluations/inspections/{ids['inspection']}/form"
    tablet_context, tablet = new_device(chromium)
    phone_context, phone = new_device(chromium, width=390, height=844)
    for page in (tablet, phone):
        login(page, base_url, INSPECTOR)
        open_form(page, form_url)
        wait_kept_offline(page)
    item, kind = next(i for i in item_ids(tablet) if i[1] == "yes_no")
    other, other_kind = next(i for i in item_ids(tablet) if i[1] == "yes_no" and i[0] != item)

    set_offline(tablet_context, True, app.recorder)
    answer(tablet, item, kind, "high")                          # the tablet says yes
    answer(tablet, other, other_kind, "high")
    answer(phone, item, kind, "low")                            # the phone says no, online
    answer(phone, other, other_kind, "low")
    assert wait_status(phone, "synced") == "synced"

    set_offline(tablet_context, False, app.recorder)
    assert wait_status(tablet, "conflict") == "conflict"
    box = tablet.locator(f"#item-{item} .field-conflict")
    assert box.is_visible()
    assert box.locator(".conflict-mine").inner_text() == "Yes"
    assert box.locator(".conflict-theirs").inner_text() == "No"
    answers, _photos = _stored(app, ids["inspection"])
    assert answers[item].yes is False                            # nothing overwritten yet

    box.locator(".conflict-keep").click()                        # keep this device's yes
    tablet.locator(f"#item-{other} .conflict-take").click()      # take the phone's no
    assert wait_status(tablet, "synced") == "synced"
    assert not box.is_visible()
    answers, _photos = _stored(app, ids["inspection"])
    assert answers[item].yes is True and answers[other].yes is False
    assert control_value(tablet, other) == "no"
    tablet_context.close()
    phone_context.close()


def test_a_photo_whose_answer_was_lost_is_sent_again_and_stored_once(live_server, chromium,
                                                                     tmp_path):
    base_url, app, ids = live_server
    form_url = f"{base_url}/evaluations/inspections/{ids['inspection']}/form"
    photo = tmp_path / "small.jpg"
    photo.write_bytes(jpeg_bytes(size=(640, 480), taken=TAKEN))
    evidence = _evidence_item(app, ids["inspection"])
    inner, lost = app.wsgi_app, []

    def gateway_loses_the_first_answer(environ, start_response):
        """The upload is stored, then a proxy answers 502 instead of the server's 201."""
        if not environ["PATH_INFO"].endswith("/field/photos") or lost:
            return inner(environ, start_response)
        b"".join(inner(environ, lambda status, headers, exc_info=None: lost.append(status)))
        start_response("502 Bad Gateway", [("Content-Type", "text/html")])
        return [b"<h1>502 Bad Gateway</h1>"]

    app.wsgi_app = gateway_loses_the_first_answer
    context, page = new_device(chromium)
    login(page, base_url, INSPECTOR)
    open_form(page, form_url)
    page.set_input_files(f"#photo-{evidence}", str(photo))
    page.wait_for_selector(f"#item-{evidence} .field-photo[data-photo-id]")
    assert lost == ["201 CREATED"]
    _answers, photos = _stored(app, ids["inspection"])
    assert len(photos) == 1
    assert page.locator(f"#item-{evidence} .field-photo").count() == 1
    assert wait_status(page, "synced") == "synced"
    context.close()


def test_a_photo_too_large_for_the_server_is_marked_and_the_answers_still_sync(
        live_server, chromium, tmp_path):
    base_url, app, ids = live_server
    form_url = f"{base_url}/evaluations/inspections/{ids['inspection']}/form"
    photo = tmp_path / "large.jpg"
    photo.write_bytes(jpeg_bytes(size=(1200, 900)))
    evidence = _evidence_item(app, ids["inspection"])
    context, page = new_device(chromium)
    login(page, base_url, INSPECTOR)
    open_form(page, form_url)
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = photo.stat().st_size // 2   # sign-in went before
    try:
        page.set_input_files(f"#photo-{evidence}", str(photo))
        page.wait_for_selector(f"#item-{evidence} .field-photo.upload-failed")
        caption = page.inner_text(f"#item-{evidence} .field-photo.upload-failed figcaption")
        assert "too large" in caption
        # not taken for a lost session: the form goes on syncing
        first, kind = next(i for i in item_ids(page) if i[0] != evidence)
        value = answer(page, first, kind)
        assert wait_status(page, "synced") == "synced"
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    answers, photos = _stored(app, ids["inspection"])
    assert _value(answers[first]) == value and photos == []
    context.close()


def test_two_tabs_of_one_form_offline_keep_each_others_answers(live_server, chromium):
    """Both tabs write the device's one record of the form: each merges, none drops what the
    other stored meanwhile (a tab reloaded offline lost its own answer to the other's save)."""
    base_url, app, ids = live_server
    form_url = f"{base_url}/evaluations/inspections/{ids['inspection']}/form"
    context, first = new_device(chromium)
    login(first, base_url, INSPECTOR)
    open_form(first, form_url)
    wait_kept_offline(first)
    second = context.new_page()
    second.on("dialog", lambda dialog: dialog.accept())
    open_form(second, form_url)
    (one, k1), (two, k2) = [i for i in item_ids(first) if i[1] == "yes_no"][:2]

    set_offline(context, True, app.recorder)
    expected = {one: answer(first, one, k1, "low")}
    assert wait_status(first, "offline") == "offline"
    expected[two] = answer(second, two, k2, "low")
    assert wait_status(second, "offline") == "offline"
    first.reload()                                           # still offline
    first.wait_for_selector("form[data-booted]", state="attached")
    assert {item: control_value(first, item) for item in expected} == expected
    assert first.get_attribute("#field-status", "data-pending") == "2"

    second.close()
    set_offline(context, False, app.recorder)
    assert wait_status(first, "synced") == "synced"
    answers, _photos = _stored(app, ids["inspection"])
    assert {item: _value(answers[item]) for item in expected} == expected
    context.close()
