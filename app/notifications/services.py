"""Notify users, once per event, and let them read and tune what they receive.

``notify`` inserts with ``INSERT ... ON CONFLICT (dedupe_key) DO NOTHING`` (SQLite and
PostgreSQL both speak it): a duplicate is simply not inserted, without an exception and
without a savepoint, so the caller's transaction goes on untouched. The unique constraint,
not a prior SELECT, is what makes "once" hold under concurrent jobs and reruns.

A job that notifies many users may commit after each notice (an interruption keeps what was
sent, and the rerun skips it by key) or once at its end (an interruption rolls everything
back, and no e-mail leaves, since mail waits for the commit). Either way each notice goes
out once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from app import clock
from app.db import insert
from app.extensions import db
from app.notifications import mail
from app.notifications.kinds import KINDS
from app.notifications.models import Notification, NotificationPreference, of_present_post
from app.scoping import one_visible
from app.unit_of_work import after_commit
from app.users.models import User

_MAIL_QUEUE = "careprocure.notification_mail"
#: a notice whose e-mail was never tried this long after its creation is picked up by the retry
#: job (the process that should have sent it died between the commit and the send)
STALE_UNSENT = timedelta(minutes=10)


# ---- preferences ---------------------------------------------------------------------------

def preferences_for(user: User) -> dict[str, tuple[bool, bool]]:
    """``{kind: (in_app, email)}`` for every registered kind, defaults filled in."""
    stored = {p.kind: (p.in_app, p.email) for p in db.session.scalars(
        sa.select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    return {key: stored.get(key, (True, True)) for key in KINDS}


def set_preferences(user: User, choices: dict[str, tuple[bool, bool]]) -> None:
    for kind, (in_app, email) in choices.items():
        if kind not in KINDS:
            continue
        pref = db.session.get(NotificationPreference, (user.id, kind))
        if pref is None:
            if in_app and email:
                continue  # the default; no row needed
            pref = NotificationPreference(user_id=user.id, kind=kind)
            db.session.add(pref)
        pref.in_app, pref.email = in_app, email
    db.session.flush()


def _preference(user_id: int, kind: str) -> tuple[bool, bool]:
    pref = db.session.get(NotificationPreference, (user_id, kind))
    return (pref.in_app, pref.email) if pref else (True, True)


# ---- notify --------------------------------------------------------------------------------

def _insert_once(values: dict[str, Any]) -> int | None:
    table = Notification.__table__
    dialect = db.session.get_bind(mapper=sa.inspect(Notification)).dialect.name
    stmt = (insert(table, dialect).values(**values)
            .on_conflict_do_nothing(index_elements=[table.c.dedupe_key])
            .returning(table.c.id))
    return db.session.execute(stmt).scalar_one_or_none()


def notify(user: User, kind: str, title: str, body: str = "", link: str = "", *,
           dedupe_key: str, object: Any = None) -> Notification | None:  # noqa: A002
    """Store a notice for ``user`` unless ``dedupe_key`` was used before; queue its e-mail.

    Returns the new notice, or None for a duplicate. The row is stored even when the user hid
    the kind (it records what the system said); e-mail leaves only after the commit, and only
    when the user wants e-mail for the kind and has an address.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}; register it first")
    if link and (not link.startswith("/") or link.startswith("//")):
        raise ValueError("a notification link is a relative URL of this site")
    db.session.flush()  # the recipient and the object must exist for the foreign key
    object_type = object_id = None
    if object is not None:
        state = sa.inspect(object)
        object_type = state.mapper.local_table.name
        object_id = "/".join(str(part) for part in state.identity)
    _, wants_email = _preference(user.id, kind)
    new_id = _insert_once({
        "user_id": user.id, "kind": kind, "title": title[:200], "body": body, "link": link,
        "object_type": object_type, "object_id": object_id, "dedupe_key": dedupe_key,
        "created_at": clock.now(), "wants_email": bool(wants_email and user.email),
        "email_attempts": 0,
    })
    if new_id is None:
        return None
    notification = db.session.get(Notification, new_id)
    if notification.wants_email:
        _queue_email(new_id)
    return notification


def _queue_email(notification_id: int) -> None:
    """Collect this transaction's notices and send them in one batch after its commit."""
    session = db.session()
    transaction = session.get_transaction()
    queued = session.info.get(_MAIL_QUEUE)
    if queued is None or queued[0] is not transaction:
        ids: list[int] = []
        queued = session.info[_MAIL_QUEUE] = (transaction, ids)
        after_commit(lambda: mail.deliver(ids), session)
    queued[1].append(notification_id)


def retry_failed_emails(max_attempts: int = 5) -> int:
    """Send again the e-mails that failed (fewer than ``max_attempts`` tries so far), and those
    never tried long after their commit; return how many were accepted."""
    if not mail.mail_enabled():
        return 0
    stale = clock.now() - STALE_UNSENT
    ids = db.session.scalars(
        sa.select(Notification.id).join(User, User.id == Notification.user_id)
        .where(User.is_enabled.is_(True), of_present_post(User.post_since),
               Notification.wants_email.is_(True), Notification.emailed_at.is_(None),
               Notification.email_attempts < max_attempts,
               sa.or_(Notification.email_error.is_not(None), Notification.created_at < stale))
        .order_by(Notification.id).limit(500)).all()
    db.session.commit()  # end our read before delivery writes in its own transactions
    return mail.deliver(ids, max_attempts=max_attempts)


# ---- reading -------------------------------------------------------------------------------

def _post_since(user_id: Any) -> sa.ScalarSelect:
    return sa.select(User.post_since).where(User.id == user_id).scalar_subquery()


def _hidden_kinds(user_id: Any) -> sa.Select:
    """The kinds user ``user_id`` (a value or a bound parameter) turned off in the app."""
    return sa.select(NotificationPreference.kind).where(
        NotificationPreference.user_id == user_id, NotificationPreference.in_app.is_(False))


def _shown_to(user_id: Any) -> tuple:
    """The conditions of the notices the user's bell and list show: their own, of the kinds
    they show, of their present post."""
    return (Notification.user_id == user_id, Notification.kind.not_in(_hidden_kinds(user_id)),
            of_present_post(_post_since(user_id)))


def visible_notifications(user: User, kind: str | None = None) -> sa.Select:
    """The user's notices of the kinds they show, unread first, newest first."""
    stmt = (sa.select(Notification)
            .where(*_shown_to(user.id))
            .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(),
                      Notification.id.desc()))
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return stmt


def _unread_count_stmt() -> sa.Select:
    user_id = sa.bindparam("user_id")
    return (sa.select(sa.func.count()).select_from(Notification)
            .where(*_shown_to(user_id), Notification.read_at.is_(None)))


#: built once: every page shows the bell, and building the statement cost more than running it
_UNREAD_COUNT = _unread_count_stmt()


def unread_count(user: User) -> int:
    return db.session.scalar(_UNREAD_COUNT, {"user_id": user.id}) or 0


def get_own(notification_id: int, user: User) -> Notification:
    """The user's own notice; another user's is as missing as one that does not exist."""
    own = sa.select(Notification).where(Notification.user_id == user.id,
                                        of_present_post(_post_since(user.id)))
    return one_visible(own, Notification.id, notification_id)


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = clock.now()
        db.session.flush()


def mark_all_read(user: User) -> int:
    """Mark read what the bell counts: a kind the user hid stays unread until shown again,
    and the count said is the bell's."""
    result = db.session.execute(
        sa.update(Notification)
        .where(*_shown_to(user.id), Notification.read_at.is_(None))
        .values(read_at=clock.now()))
    return result.rowcount
