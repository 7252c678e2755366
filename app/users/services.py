"""Operations on users: create, update, disable, set or change a password, sign out
everywhere."""

from __future__ import annotations

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from app import clock
from app.errors import ValidationError
from app.extensions import db
from app.integrity import explain
from app.regions.models import Region
from app.unit_of_work import claim_row, expect_stamp, hold_key, page_stamp
from app.users.models import REGION_ROLES, Role, User
from app.users.passwords import password_problem

EMAIL_TAKEN = _l("A user with this e-mail already exists.")
# Two admins creating the same address at once both pass the lookup below; the database's
# unique key refuses the second, and says so on the e-mail field as the lookup would have.
explain("users", ("email",), field="email", message=EMAIL_TAKEN)


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def password_matches(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def get_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def _check_password(password: str, errors: dict[str, list[str]], *, email: str = "",
                    name: str = "") -> None:
    problem = password_problem(password, email=email, name=name)
    if problem:
        errors.setdefault("password", []).append(problem)


def _check_binding(role: Role, region: Region | None, provider_id: int | None,
                   errors: dict[str, list[str]]) -> None:
    if role in REGION_ROLES and region is None:
        errors.setdefault("region_code", []).append(
            _("Officers and inspectors must be bound to a region."))
    if role is Role.PROVIDER and provider_id is None:
        errors.setdefault("provider_id", []).append(
            _("A provider user must belong to a provider organization."))


#: what ``users.name`` holds (the forms say so too; the command line reaches the service bare,
#: and SQLite stores any length)
NAME_MAX = 100


def _check_name(name: str, errors: dict[str, list[str]]) -> None:
    if len((name or "").strip()) > NAME_MAX:
        errors.setdefault("name", []).append(_("At most %(max)d characters.", max=NAME_MAX))


def _provider_exists(provider_id: int) -> bool:
    # The table belongs to the contracts feature; core only checks that the id exists.
    providers = sa.table("providers", sa.column("id"))
    return db.session.scalar(sa.select(providers.c.id).where(providers.c.id == provider_id)) \
        is not None


def create_user(*, email: str, password: str, role: Role | str, name: str = "",
                region: Region | None = None, provider_id: int | None = None,
                locale: str | None = None) -> User:
    errors: dict[str, list[str]] = {}
    try:
        email = validate_email(normalize_email(email), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        errors["email"] = [str(exc)]
    else:
        if get_by_email(email) is not None:
            errors["email"] = [str(EMAIL_TAKEN)]
    try:
        role = Role(role)
    except ValueError:
        errors["role"] = [_("Unknown role.")]
        role = None
    _check_name(name, errors)
    _check_password(password, errors, email=email, name=name)
    if role is not None:
        _check_binding(role, region, provider_id, errors)
    if provider_id is not None and not _provider_exists(provider_id):
        errors.setdefault("provider_id", []).append(_("No provider has this id."))
    if errors:
        raise ValidationError(_("The user was not created."), errors)
    user = User(
        email=email, name=(name or "").strip(), password_hash=hash_password(password), role=role,
        region=region if role in REGION_ROLES else None,
        provider_id=provider_id if role is Role.PROVIDER else None, locale=locale,
    )
    db.session.add(user)
    db.session.flush()
    return user


def user_stamp(user: User) -> str:
    """A digest of what the user's edit page shows (the fields it sends back)."""
    return page_stamp([user.name, str(user.role), user.region_id, user.provider_id,
                       bool(user.can_view_full_ids)])


def update_user(user: User, *, name: str, role: Role | str, region: Region | None,
                provider_id: int | None, can_view_full_ids: bool = False,
                seen: str | None = None) -> User:
    """``seen``: the :func:`user_stamp` the edit page showed; changed since → ``Conflict``
    (a right taken away by another administrator came back with a change of name)."""
    claim_row(user, lambda: expect_stamp(seen, user_stamp(user), "the user"))
    errors: dict[str, list[str]] = {}
    role = Role(role)
    _check_name(name, errors)
    _check_binding(role, region, provider_id, errors)
    if provider_id is not None and not _provider_exists(provider_id):
        errors.setdefault("provider_id", []).append(_("No provider has this id."))
    if errors:
        raise ValidationError(_("The user was not changed."), errors)
    if role is not Role.ADMIN:
        _keep_an_administrator(user, "role")
    post = (user.role, user.region_id, user.provider_id)
    user.name = (name or "").strip()
    user.role = role
    user.region = region if role in REGION_ROLES else None
    user.provider_id = provider_id if role is Role.PROVIDER else None
    if (role, user.region.id if user.region else None, user.provider_id) != post:
        user.post_since = clock.now()  # what they were told in their old post stays there
    # Only officers may ever read full resident ID numbers.
    user.can_view_full_ids = bool(can_view_full_ids) and role is Role.OFFICER
    db.session.flush()
    return user


def set_enabled(user: User, enabled: bool, acting: User | None = None) -> User:
    if not enabled and acting is not None and acting.id == user.id:
        raise ValidationError(_("You cannot disable your own account."))
    claim_account(user)
    if not enabled:
        _keep_an_administrator(user, "is_enabled")
        _next_generation(user)
    user.is_enabled = enabled
    return user


def claim_account(user: User) -> None:
    """Hold ``user``'s row until the commit and read it as stored, before a change of the
    password or the sessions. Two such changes at once each read the row before the other
    wrote it: both wrote the same next generation (a session one of them kept outlived the
    other's "sign out everywhere"), and a change of one's own password, checked against the
    password an administrator's reset had just replaced, overwrote the reset."""
    claim_row(user, lambda: None)


def _keep_an_administrator(user: User, field: str) -> None:
    """Refuse to take the last enabled administrator away (a demotion or a disabling of
    ``user``): nobody could then manage the users but at the server's command line. The
    administrators are counted under a key (two administrators demoting each other at the
    same instant each counted the other still there)."""
    if user.role is not Role.ADMIN or not user.is_enabled:
        return
    hold_key("administrators", "")
    others = db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.role == Role.ADMIN, User.is_enabled, User.id != user.id))
    if not others:
        message = _("%(email)s is the last enabled administrator; make another user an "
                    "administrator first.", email=user.email)
        raise ValidationError(message, {field: [message]})


def end_sessions(user: User) -> None:
    """Sign ``user`` out everywhere: web sessions, remember-me cookies and API tokens."""
    claim_account(user)
    _next_generation(user)


def _next_generation(user: User) -> None:
    """(The row claimed by the caller.)"""
    user.session_generation = (user.session_generation or 0) + 1


def reset_password(user: User, password: str) -> User:
    """Set a new password (an administrator's reset, ``flask users set-password``): every
    session, remember-me cookie and API token of the user ends."""
    errors: dict[str, list[str]] = {}
    _check_password(password, errors, email=user.email, name=user.name)
    if errors:
        raise ValidationError(_("The password was not changed."), errors)
    claim_account(user)  # a claim reads the row again: before the change, not after
    user.password_hash = hash_password(password)
    _next_generation(user)
    return user


def set_locale(user: User, locale: str | None) -> None:
    if locale in current_app.config["LANGUAGES"] or locale is None:
        user.locale = locale
