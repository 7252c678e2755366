"""Write an audit row for every insert, update and delete, in the flush that makes the change.

The rows go out through the same connection inside ``after_flush``, so they share the change's
transaction: a rollback takes both away, and no view or service has to remember to audit.
Models opt out with ``__audited__ = False``; secrets are listed in ``__audit_redact__``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import g, has_request_context, request

from app import clock
from app.audit.models import AuditLog

#: bookkeeping columns whose change says nothing to a reader of the trail
IGNORED_FIELDS = frozenset({"created_at", "updated_at"})
REDACTED = "***"


def current_actor() -> Any | None:
    """The user on whose behalf the session writes (web session or API token), if any."""
    try:
        return g.get("actor")
    except RuntimeError:  # no app context: a bare script
        return None


def signed_in(user: Any) -> None:
    """What this request still flushes is ``user``'s, who has just proved who they are (a
    sign-in, a token taken): the request began with nobody signed in, and its changes read as
    the system's, out of reach of a search of the trail by the user's e-mail."""
    g.actor = user


@contextmanager
def acting_as(user: Any | None) -> Iterator[None]:
    """Changes flushed inside are audited as ``user``'s: work a background process does on a
    user's behalf (a large import the worker runs for whoever sent the file)."""
    had, before = "actor" in g, g.get("actor")
    g.actor = user
    try:
        yield
    finally:
        if had:
            g.actor = before
        else:
            g.pop("actor", None)


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, list | dict | str | int | float | bool) or value is None:
        return value
    return str(value)


def _audited(obj: Any) -> bool:
    return getattr(obj, "__audited__", True)


_OLD_VALUES = "careprocure.audit_old_values"


def _prefetch_unloaded_old_values(session: so.Session, flush_context: Any, instances: Any) -> None:
    """Read the stored value of attributes overwritten while expired.

    After a commit every attribute is expired; assigning to one does not load the old value,
    so its history has no "deleted" side. The row is still unchanged in the database until
    this flush runs, so one SELECT per such object recovers what the trail must show.
    """
    old_values: dict[int, dict[str, Any]] = session.info.setdefault(_OLD_VALUES, {})
    for obj in session.dirty:
        if not _audited(obj):
            continue
        state = sa.inspect(obj)
        if state.key is None:
            continue
        missing = []
        for attr in state.mapper.column_attrs:
            history = state.attrs[attr.key].history
            if history.added and not history.deleted and not history.unchanged:
                missing.append(attr)
        if not missing:
            continue
        table = state.mapper.local_table
        pk_columns = state.mapper.primary_key
        stmt = sa.select(*(a.columns[0] for a in missing)).where(
            *(col == value for col, value in zip(pk_columns, state.identity, strict=True)))
        row = session.connection().execute(stmt).first()
        if row is not None and table is not None:
            old_values[id(obj)] = {a.key: v for a, v in zip(missing, row, strict=True)}


def _column_changes(obj: Any, action: str, prefetched: dict[str, Any] | None = None
                    ) -> dict[str, list[Any]]:
    prefetched = prefetched or {}
    state = sa.inspect(obj)
    redact = getattr(obj, "__audit_redact__", frozenset())
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in IGNORED_FIELDS:
            continue
        if action == "update":
            history = state.attrs[key].history
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else prefetched.get(key)
            new = history.added[0] if history.added else None
            if old == new:
                continue
        elif action == "create":
            old, new = None, state.attrs[key].value
            if new is None:
                continue
        else:  # delete
            old, new = state.attrs[key].loaded_value, None
        if key in redact:
            old, new = (REDACTED if old is not None else None), REDACTED if new is not None else None
        changes[key] = [_plain(old), _plain(new)]
    return changes


def _object_id(obj: Any) -> str:
    state = sa.inspect(obj)
    # a deleted object has lost its identity by after_flush; its attributes still hold the key
    identity = state.identity or state.mapper.primary_key_from_instance(obj)
    return "/".join(str(part) for part in identity)


def _rows(session: so.Session) -> list[dict[str, Any]]:
    old_values = session.info.pop(_OLD_VALUES, {})
    actor = current_actor()
    ip = request.remote_addr if has_request_context() else None
    at = clock.now()
    rows = []
    for action, objects in (("create", session.new), ("update", session.dirty),
                            ("delete", session.deleted)):
        for obj in objects:
            if not _audited(obj):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            changes = _column_changes(obj, action, old_values.get(id(obj)))
            if action == "update" and not changes:
                continue
            rows.append({
                "at": at,
                "actor_id": getattr(actor, "id", None),
                "actor_label": getattr(actor, "email", None) or "system",
                "action": action,
                "object_type": obj.__tablename__,
                "object_id": _object_id(obj),
                "changes": changes,
                "ip_address": ip,
            })
    return rows


def record_event(session: so.Session, action: str, obj: Any, details: dict | None = None,
                 *, claimed_by: str | None = None) -> None:
    """Audit something that is not a row change, such as reading a resident's full ID number.

    ``obj`` may be a model class, for an event about no row of it (a sign-in tried for an
    e-mail no user has). ``claimed_by`` names the actor when nobody is signed in: the e-mail a
    failed sign-in typed, under which the administrator looks for guessing at that account.
    """
    actor = current_actor()
    session.add(AuditLog(
        at=clock.now(),
        actor_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "email", None) or claimed_by or "system",
        action=action,
        object_type=obj.__tablename__,
        object_id="" if isinstance(obj, type) else _object_id(obj),
        changes=details or {},
        ip_address=request.remote_addr if has_request_context() else None,
    ))


def _after_flush(session: so.Session, flush_context: Any) -> None:
    rows = _rows(session)
    if rows:
        session.connection().execute(sa.insert(AuditLog), rows)


def install() -> None:
    """Listen on every ORM session (idempotent)."""
    if not sa.event.contains(so.Session, "after_flush", _after_flush):
        sa.event.listen(so.Session, "before_flush", _prefetch_unloaded_old_values)
        sa.event.listen(so.Session, "after_flush", _after_flush)
