"""The field form's guidance in a real Chromium: the progress bar and each section's count, the
gaps that stop a submit (counted, grouped by section, as links, the first one brought into
view), a photo removed only after a confirmation and without losing any answer, and
signatures drawn with a finger (here, the mouse)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from evaluations.inspections.models import (
    EvidencePhoto,
    Inspection,
    InspectionAnswer,
    InspectionSignature,
)
from tests.evaluations.inspections.field_browser import (
    answer,
    item_ids,
    login,
    new_device,
    open_form,
    wait_status,
)
from tests.factories import jpeg_bytes

pytestmark = pytest.mark.browser


def _require_signatures(app, inspection_id) -> None:
    with app.app_context():
        db.session.get(Inspection, inspection_id).template.signatures_required = True
        db.session.commit()
        db.session.remove()


def _count(app, model) -> int:
    with app.app_context():
        n = db.session.scalar(sa.select(sa.func.count()).select_from(model))
        db.session.remove()
        return n


def test_progress_gaps_photo_removal_and_signatures(live_server, chromium, tmp_path):
    base_url, app, ids = live_server
    _require_signatures(app, ids["inspection"])
    photo = tmp_path / "p.jpg"
    photo.write_bytes(jpeg_bytes(size=(640, 480)))
    context, page = new_device(chromium, width=1024, height=768, accept_dialogs=False)
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        if len(dialogs) == 1:
            dialog.dismiss()     # "no" first
        else:
            dialog.accept()

    page.on("dialog", on_dialog)
    login(page, base_url, "inspector@example.cn")
    open_form(page, f"{base_url}/evaluations/inspections/{ids['inspection']}/form")
    items = item_ids(page)
    total = len(items)
    evidence = page.eval_on_selector_all(".field-item[data-evidence='1']",
                                         "els => els.map(el => el.dataset.itemId)")
    assert page.inner_text("#progress-text") == f"0 / {total} answered"
    assert page.inner_text("#photos-missing") == f"· {len(evidence)} required photos missing"

    # one answer and one photo: the bar, the section's count and the photo count follow
    first, kind = items[0]
    answer(page, first, kind)
    assert page.inner_text("#progress-text") == f"1 / {total} answered"
    assert page.get_attribute("#field-progress", "value") == "1"
    section = page.get_attribute(f"#item-{first}", "data-section")
    in_section = page.locator(f".field-item[data-section='{section}']").count()
    assert page.inner_text(f"#section-{section} .section-progress") == f"1/{in_section}"
    target = evidence[0]
    assert page.is_visible(f"#item-{target} .evidence-missing")
    page.set_input_files(f"#photo-{target}", str(photo))
    page.wait_for_selector(f"#item-{target} .field-photo[data-photo-id]")
    assert page.is_hidden(f"#item-{target} .evidence-missing")
    assert wait_status(page, "synced") == "synced"

    # submit with gaps: counted, grouped by section, linked, the first one brought into view
    page.click("#submit-inspection")
    assert page.is_visible("#gaps")
    links = page.eval_on_selector_all("#gaps .gap-link", "els => els.map(a => a.hash)")
    assert int(page.get_attribute("#gap-count", "data-count")) == len(links) == total - 1 + 2
    assert page.inner_text("#gap-count") == f"{len(links)} gaps to fill before submitting"
    assert "#signature-inspector" in links and f"#item-{first}" not in links
    assert page.locator("#gap-groups h3").count() == len(
        {page.get_attribute(h, "data-section") for h in links if h.startswith("#item-")}) + 1
    focused = page.evaluate("document.activeElement.closest('.field-item').id")
    assert f"#{focused}" == links[0]
    # in view, below the sticky section tabs (the page scrolls there smoothly)
    page.wait_for_function(
        """anchor => { const box = document.querySelector(anchor).getBoundingClientRect();
                       const tabs = document.getElementById('steps').getBoundingClientRect();
                       return box.top >= tabs.bottom - 1 && box.top < innerHeight; }""",
        arg=links[0])
    assert _count(app, InspectionAnswer) == 1 and dialogs == []           # nothing submitted

    # removing the photo asks first; "no" keeps it, "yes" removes it and only it
    remove = page.locator(f"#item-{target} .photo-delete")
    remove.click()
    assert dialogs and page.locator(f"#item-{target} .field-photo").count() == 1
    remove.click()
    page.wait_for_selector(f"#item-{target} .field-photo", state="detached")
    assert wait_status(page, "synced") == "synced"
    assert _count(app, EvidencePhoto) == 0 and _count(app, InspectionAnswer) == 1
    assert page.locator(f"#item-{first} input:checked").count() == 1
    assert page.is_visible(f"#item-{target} .evidence-missing")

    # the representative signs with a finger
    block = page.locator("#signature-representative")
    block.locator(".signature-name").fill("王院长")
    block.locator("canvas").scroll_into_view_if_needed()
    pad = block.locator("canvas").bounding_box()
    page.mouse.move(pad["x"] + 20, pad["y"] + pad["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(pad["x"] + 20 + step * 25,
                        pad["y"] + pad["height"] * (0.3 + (step % 3) * 0.15))
    page.mouse.up()
    block.locator(".signature-save").click()
    block.locator(".signature-current").wait_for(state="visible")
    assert wait_status(page, "synced") == "synced"
    assert "王院长" in block.locator(".signature-caption").inner_text()
    with app.app_context():
        [signature] = db.session.scalars(sa.select(InspectionSignature)).all()
        assert signature.role == "representative" and signature.signer_name == "王院长"
        db.session.remove()
    context.close()
