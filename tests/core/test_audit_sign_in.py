"""Signing in and taking an API token are the user's own acts in the audit trail, found under
their e-mail like everything else they do (not under "system", which is the command line's
and the scheduler's)."""

from __future__ import annotations

import sqlalchemy as sa

from app.audit.models import AuditLog
from tests.clients import PASSWORD, Browser


def _rows(db, object_type: str) -> list[AuditLog]:
    return list(db.session.scalars(sa.select(AuditLog).where(
        AuditLog.object_type == object_type, AuditLog.action != "create"
        if object_type == "users" else sa.true()).order_by(AuditLog.id)))


def test_a_sign_in_is_audited_as_the_users_own(app, db, make_user):
    user = make_user("officer")
    assert Browser(app.test_client()).login(user).status_code == 302
    [row] = _rows(db, "users")
    assert "last_login_at" in row.changes
    assert (row.actor_id, row.actor_label) == (user.id, user.email)


def test_a_token_taken_is_audited_as_the_users_own(app, db, make_user):
    user = make_user("inspector")
    response = app.test_client().post("/api/v1/tokens", json={"email": user.email,
                                                              "password": PASSWORD})
    assert response.status_code == 201
    [token] = _rows(db, "api_tokens")
    assert token.action == "create"
    assert (token.actor_id, token.actor_label) == (user.id, user.email)


def test_a_sign_out_is_audited_as_the_users_own(app, db, make_user, as_user):
    """The trail told when a session began, never when it ended."""
    user = make_user("officer", region="a")
    browser = Browser(app.test_client())
    assert browser.login(user).status_code == 302
    assert browser.logout().status_code == 302
    [row] = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "sign_out")).all()
    assert (row.object_type, row.object_id) == ("users", str(user.id))
    assert (row.actor_id, row.actor_label) == (user.id, user.email)
    admin, _admin = as_user("admin", locale="zh_CN")
    assert "已退出登录" in admin.get("/admin/audit/?action=sign_out").get_data(as_text=True)
