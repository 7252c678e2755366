"""Admin pages for users and `flask users create`."""

import sqlalchemy as sa

from app.regions.models import Region
from app.users import services
from app.users.models import Role, User
from tests.clients import PASSWORD, Browser
from tests.locks import first_held_while_the_second_waits


def count_users(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def test_admin_creates_an_officer_bound_to_a_county(as_user, db, regions):
    browser, _ = as_user("admin")
    browser.get("/admin/users/new")
    response = browser.post("/admin/users/new", {
        "email": "New.Officer@Example.cn", "name": "赵敏", "role": "officer",
        "region_code": "100100", "password": "long-enough-1"})
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "new.officer@example.cn"))
    assert user.role is Role.OFFICER and user.region.code == "100100"
    assert user.password_hash != "long-enough-1" and user.password_hash.startswith("pbkdf2")


def test_duplicate_email_is_refused_and_nothing_changes(as_user, db, make_user):
    existing = make_user("inspector")
    browser, _ = as_user("admin")
    before = count_users(db)
    browser.get("/admin/users/new")
    response = browser.post("/admin/users/new", {
        "email": existing.email.upper(), "role": "inspector", "region_code": "100000",
        "password": "long-enough-1"})
    assert response.status_code == 422
    assert "A user with this e-mail already exists." in response.get_data(as_text=True)
    assert count_users(db) == before


def test_officer_without_region_is_refused(as_user, db):
    browser, _ = as_user("admin")
    browser.get("/admin/users/new")
    response = browser.post("/admin/users/new", {"email": "x@example.cn", "role": "officer",
                                                 "password": "long-enough-1"})
    assert response.status_code == 422
    assert "must be bound to a region" in response.get_data(as_text=True)


def test_provider_user_needs_an_organization(as_user, db):
    browser, _ = as_user("admin")
    browser.get("/admin/users/new")
    response = browser.post("/admin/users/new", {"email": "p@example.cn", "role": "provider",
                                                 "password": "long-enough-1"})
    assert response.status_code == 422
    assert "must belong to a provider organization" in response.get_data(as_text=True)


def test_admin_disables_a_user_who_then_cannot_log_in(as_user, make_user, app):
    victim = make_user("inspector")
    browser, _ = as_user("admin")
    browser.get(f"/admin/users/{victim.id}")
    assert browser.post(f"/admin/users/{victim.id}/disable").status_code == 302
    other = Browser(app.test_client())
    assert "This account is disabled" in other.login(victim).get_data(as_text=True)


def test_disabling_ends_a_running_session(as_user, make_user):
    victim_browser, victim = as_user("officer")
    admin_browser, _ = as_user("admin")
    admin_browser.get(f"/admin/users/{victim.id}")
    admin_browser.post(f"/admin/users/{victim.id}/disable")
    assert victim_browser.get("/").status_code == 302  # sent back to the login page


def test_admin_cannot_disable_themselves(as_user, db):
    browser, admin = as_user("admin")
    browser.get(f"/admin/users/{admin.id}")
    browser.post(f"/admin/users/{admin.id}/disable")
    db.session.expire_all()
    assert db.session.get(User, admin.id).is_enabled


def test_admin_resets_a_password(as_user, make_user, app):
    user = make_user("officer")
    browser, _ = as_user("admin")
    browser.get(f"/admin/users/{user.id}")
    response = browser.post(f"/admin/users/{user.id}/password", {"password": "brand-new-pass"})
    assert response.status_code == 302
    other = Browser(app.test_client())
    assert other.login(user, PASSWORD).status_code == 200  # old password refused
    assert other.login(user, "brand-new-pass").status_code == 302


def test_users_list_filters(as_user, make_user):
    make_user("inspector", email="field.inspector@example.cn")
    browser, _ = as_user("admin")
    page = browser.get("/admin/users/?role=inspector").get_data(as_text=True)
    assert "field.inspector@example.cn" in page
    page = browser.get("/admin/users/?role=provider").get_data(as_text=True)
    assert "field.inspector@example.cn" not in page
    page = browser.get("/admin/users/?q=field.insp").get_data(as_text=True)
    assert "field.inspector@example.cn" in page


def test_cli_creates_a_user_exactly_as_documented(runner, db, regions, make_provider):
    result = runner.invoke(args=["users", "create", "--email", "cli@example.cn", "--password",
                                 "long-enough-1", "--role", "officer", "--region", "100200"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "cli@example.cn"))
    assert user.region.code == "100200"
    provider = make_provider()
    result = runner.invoke(args=["users", "create", "--email", "p@example.cn", "--password",
                                 "long-enough-1", "--role", "provider", "--provider-id",
                                 str(provider.id)])
    assert result.exit_code == 0, result.output


def test_cli_refuses_bad_input_with_a_clear_message(runner, db, regions):
    before = count_users(db)
    result = runner.invoke(args=["users", "create", "--email", "x@example.cn", "--password",
                                 "long-enough-1", "--role", "officer", "--region", "999999"])
    assert result.exit_code != 0 and "Unknown region code 999999" in result.output
    result = runner.invoke(args=["users", "create", "--email", "x@example.cn", "--password",
                                 "short", "--role", "admin"])
    assert result.exit_code != 0 and "password" in result.output
    result = runner.invoke(args=["users", "create", "--email", "x@example.cn", "--password",
                                 "long-enough-1", "--role", "provider", "--provider-id", "999"])
    assert result.exit_code != 0 and "No provider has this id." in result.output
    assert count_users(db) == before


def test_cli_refuses_an_overlong_name_on_every_database(runner, db):
    """The form bounds the name; the command line reached the service bare, and SQLite stored
    a name the edit page then refused to save."""
    result = runner.invoke(args=["users", "create", "--email", "x@example.cn", "--password",
                                 "long-enough-1", "--role", "admin", "--name", "名" * 101])
    assert result.exit_code == 1 and "name: At most 100 characters." in result.output
    assert isinstance(result.exception, SystemExit) and count_users(db) == 0


def test_a_password_reset_ends_every_session_and_token_of_the_user(as_user, api_as, app):
    victim_browser, victim = as_user("officer")
    token = app.test_client().post(
        "/api/v1/tokens", json={"email": victim.email, "password": PASSWORD}).get_json()["token"]
    remembered = Browser(app.test_client())
    remembered.get("/login")
    remembered.post("/login", {"email": victim.email, "password": PASSWORD, "remember": "y"})
    remembered.client.delete_cookie("session")  # only the remember-me cookie is left
    assert remembered.get("/").status_code == 200
    remembered.client.delete_cookie("session")
    assert victim_browser.get("/").status_code == 200

    admin_browser, _ = as_user("admin")
    admin_browser.get(f"/admin/users/{victim.id}")
    assert admin_browser.post(f"/admin/users/{victim.id}/password",
                              {"password": "brand-new-pass-2026"}).status_code == 302

    assert victim_browser.get("/").status_code == 302  # back to the login page
    assert remembered.get("/").status_code == 302
    me = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401


def test_the_last_administrator_is_neither_demoted_nor_disabled(as_user, db, make_user):
    """Left without an enabled administrator, nobody could manage the users but at the
    server's command line."""
    browser, admin = as_user("admin")
    demotion = {"name": "管理员", "role": "officer", "region_code": "100100"}
    browser.get(f"/admin/users/{admin.id}")
    page = browser.post(f"/admin/users/{admin.id}", demotion)
    assert page.status_code == 422
    assert "is the last enabled administrator" in page.get_data(as_text=True)

    other = make_user("admin")
    browser.get(f"/admin/users/{other.id}")
    assert browser.post(f"/admin/users/{other.id}", demotion).status_code == 302
    other = make_user("admin")
    browser.get(f"/admin/users/{other.id}")
    assert browser.post(f"/admin/users/{other.id}/disable").status_code == 302
    # one administrator demoted, the other disabled: the first still cannot step down
    page = browser.post(f"/admin/users/{admin.id}", demotion)
    assert "is the last enabled administrator" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).role is Role.ADMIN
    assert not db.session.get(User, other.id).is_enabled


def test_two_administrators_demoting_each_other_at_once_leave_one(app, db, make_user):
    """Each counted the other still an administrator, and both stepped down."""
    first, second = make_user("admin").id, make_user("admin").id
    db.session.commit()

    def demote(user_id):
        return lambda: services.update_user(
            db.session.get(User, user_id), name="", role="inspector",
            region=db.session.scalar(sa.select(Region).where(Region.code == "100100")),
            provider_id=None)

    outcomes = first_held_while_the_second_waits(app, demote(first), demote(second))
    assert outcomes[0] is None and "is the last enabled administrator" in outcomes[1], outcomes
    db.session.expire_all()
    assert db.session.get(User, second).role is Role.ADMIN


def test_the_same_email_created_by_another_admin_just_before_keeps_the_form(
        as_user, db, make_user, monkeypatch):
    """Two admins at once: both looked the address up before either saved; the database's
    unique key refuses the second, whose form comes back filled, the reason on the e-mail."""
    existing = make_user("inspector")
    browser, _ = as_user("admin")
    before = count_users(db)
    browser.get("/admin/users/new")
    monkeypatch.setattr(services, "get_by_email", lambda email: None)
    response = browser.post("/admin/users/new", {
        "email": existing.email, "name": "钱程", "role": "inspector", "region_code": "100000",
        "password": "long-enough-1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "A user with this e-mail already exists." in page
    assert 'value="钱程"' in page
    assert count_users(db) == before


def test_cli_refuses_an_email_created_just_before_with_a_message(runner, db, make_user,
                                                                 monkeypatch):
    existing = make_user("admin")
    before = count_users(db)
    monkeypatch.setattr(services, "get_by_email", lambda email: None)
    result = runner.invoke(args=["users", "create", "--email", existing.email, "--password",
                                 "long-enough-1", "--role", "admin"])
    assert result.exit_code == 1
    assert "A user with this e-mail already exists." in result.output
    assert "Traceback" not in result.output
    assert count_users(db) == before
