"""Two administrators editing one user: the edit page sends every field, so a save from a
page read before another administrator's change is refused, not saved over it (a revoked
right to read resident ID numbers came back with a change of name)."""

from __future__ import annotations

import re

from app.users import services
from app.users.models import User


def _shown(page: str) -> dict[str, str]:
    """The hidden fields of the edit form (what the page read of the user), as sent back."""
    return dict(re.findall(r'<input id="(seen)" name="seen" type="hidden" value="([^"]*)"',
                           page))


def test_a_save_from_a_page_read_before_another_admins_change_is_refused(as_user, db,
                                                                         make_user):
    officer = make_user("officer", region="city")
    services.update_user(officer, name="", role="officer", region=officer.region,
                         provider_id=None, can_view_full_ids=True)
    db.session.commit()
    first, _ = as_user("admin")
    page = first.get(f"/admin/users/{officer.id}").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*name="can_view_full_ids"', page)

    second, _ = as_user("admin")  # revokes the right while the first page stays open
    second.get(f"/admin/users/{officer.id}")
    assert second.post(f"/admin/users/{officer.id}", {
        "name": "", "role": "officer", "region_code": "100000"}).status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, officer.id).can_view_full_ids

    sent = _shown(page) | {"name": "王芳", "role": "officer", "region_code": "100000",
                           "can_view_full_ids": "y"}
    response = first.post(f"/admin/users/{officer.id}", sent)
    assert response.status_code == 409
    assert "Someone else changed this record" in response.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(User, officer.id)
    assert not stored.can_view_full_ids and stored.name == ""
