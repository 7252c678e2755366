"""The password policy: at least 10 characters, not common, not built from the user's own
e-mail or name; every door that sets a password applies it and says why it refuses."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.users.models import User
from app.users.passwords import password_problem
from tests.clients import PASSWORD

EMAIL = "wang.lihua@xnmz.gov.cn"


@pytest.mark.parametrize("password, why", [
    ("password", "at least 10 characters"),
    ("12345678", "at least 10 characters"),
    ("1234567890", "most commonly used"),
    ("password1234", "most commonly used"),
    ("qwertyuiop", "most commonly used"),
    ("iloveyou2026", "most commonly used"),
    ("abcdefghijkl", "too easy to guess"),
    ("aaaaaaaaaaaa", "too easy to guess"),
    (EMAIL, "built from your e-mail address"),
    ("Wang.Lihua2026!", "built from your e-mail address"),
    ("lihua-lihua-1", "built from your e-mail address"),
    ("careprocure2026", "built from your e-mail address"),
])
def test_weak_passwords_are_refused_with_the_reason(app, password, why):
    with app.test_request_context():
        problem = password_problem(password, email=EMAIL, name="王丽华")
    assert problem is not None and why in problem


@pytest.mark.parametrize("password", [PASSWORD, "demo-pass-2026", "湖北咸宁·桂花开了-7",
                                      "Tr0ub4dor&3x", "purple-tractor-sings-7"])
def test_strong_passwords_pass(app, password):
    with app.test_request_context():
        assert password_problem(password, email=EMAIL, name="王丽华") is None


def test_the_reason_speaks_chinese(app):
    with app.test_request_context(), force_locale("zh_CN"):
        assert "密码长度不得少于 10 个字符" in password_problem("short", email=EMAIL)


@pytest.mark.parametrize("weak", ["password", "12345678", "new.user@example.cn"])
def test_admin_cannot_create_a_user_with_a_weak_password(as_user, db, weak):
    browser, _ = as_user("admin")
    browser.get("/admin/users/new")
    response = browser.post("/admin/users/new", {
        "email": "new.user@example.cn", "password": weak, "role": "admin", "name": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The user was not created." in page
    assert any(why in page for why in ("at least 10 characters", "built from your e-mail"))
    assert db.session.scalar(sa.select(User).where(User.email == "new.user@example.cn")) is None


def test_admin_reset_refuses_a_weak_password_and_changes_nothing(as_user, make_user, db):
    browser, _ = as_user("admin")
    user = make_user("officer")
    before = user.password_hash
    browser.get(f"/admin/users/{user.id}")
    response = browser.post(f"/admin/users/{user.id}/password", {"password": "password1234"})
    assert response.status_code == 422
    assert "most commonly used" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before


def test_cli_create_refuses_a_weak_password(runner, db):
    result = runner.invoke(args=["users", "create", "--email", "cli@example.cn",
                                 "--password", "12345678", "--role", "admin"])
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output
    assert db.session.scalar(sa.select(User).where(User.email == "cli@example.cn")) is None


def test_the_demo_city_still_signs_in_with_its_documented_password(app, demo_city):
    response = app.test_client().post("/api/v1/tokens", json={
        "email": "admin@demo.careprocure.cn", "password": "demo-pass-2026"})
    assert response.status_code == 201
