"""One unit of work per request: commit once at the boundary, roll back on any error.

Services only ``flush()``. A response below 400 commits; anything else (a re-rendered form with
errors answers 422, an API error, an exception's 500) rolls back, so bad input changes nothing.
What the database refuses (a unique key taken by a simultaneous request, a stale version) is a
domain error at the flush that meets it (``app.integrity``), so it reaches the view's refusal
like any other; one found only at the final commit answers in place of the response.
Side effects such as e-mail are queued with :func:`after_commit` and run only once the data
they speak of is really stored; undoing work done outside the database (a file written for a
row that is then rolled back) is queued with :func:`on_rollback`.
"""

from __future__ import annotations

import hashlib
import logging
import zlib
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, Response, current_app, g
from flask_babel import gettext as _

from app.error_pages import handle_domain_error
from app.errors import DomainError, NotFound
from app.extensions import db
from app.integrity import refusal
from app.sqlite import take_the_write_lock

_PENDING = "careprocure.after_commit"
_UNDO = "careprocure.on_rollback"
_WATCHED = "careprocure.expect_revision"

log = logging.getLogger(__name__)


def after_commit(callback: Callable[[], None], session: so.Session | None = None) -> None:
    """Run ``callback`` after the current transaction commits; forget it on rollback."""
    session = session or db.session()
    session.info.setdefault(_PENDING, []).append(callback)


def _run_pending(session: so.Session) -> None:
    for callback in session.info.pop(_PENDING, []):
        callback()


def _drop_pending(session: so.Session, *_: object) -> None:
    session.info.pop(_PENDING, None)


def on_rollback(callback: Callable[[], None], session: so.Session | None = None) -> None:
    """Run ``callback`` if the current transaction rolls back; forget it on commit.

    For what the database cannot undo, such as removing a file written for a row that is
    never stored (an upload in a request that ends in an error)."""
    session = session or db.session()
    session.info.setdefault(_UNDO, []).append(callback)


def _run_undo(session: so.Session, *_: object) -> None:
    for callback in session.info.pop(_UNDO, []):
        try:
            callback()
        except Exception:  # one failed clean-up must not hide the rollback's cause
            log.exception("on_rollback callback failed")


def _drop_undo(session: so.Session, *_: object) -> None:
    session.info.pop(_UNDO, None)


def remove_on_rollback(*paths: Path, session: so.Session | None = None) -> None:
    """Remove the files at ``paths`` (just written) if the transaction rolls back."""
    on_rollback(lambda: [path.unlink(missing_ok=True) for path in paths], session)


def _listen() -> None:
    """Register the session hooks once (at import, so that services used outside a request,
    as by the CLI or the seed, behave the same)."""
    if not sa.event.contains(so.Session, "after_commit", _run_pending):
        sa.event.listen(so.Session, "after_commit", _run_pending)
        sa.event.listen(so.Session, "after_rollback", _drop_pending)
    if not sa.event.contains(so.Session, "after_rollback", _run_undo):
        sa.event.listen(so.Session, "after_commit", _drop_undo)
        sa.event.listen(so.Session, "after_rollback", _run_undo)
    if not sa.event.contains(so.Session, "before_flush", _bump_for_own_rows):
        sa.event.listen(so.Session, "before_flush", _bump_for_own_rows)
        sa.event.listen(so.Session, "after_commit", _drop_watched)
        sa.event.listen(so.Session, "after_rollback", _drop_watched)


def keep_despite_error() -> None:
    """Commit this request's work even though it answers with an error.

    For records that must outlive the refusal they belong to, such as a failed login that
    counts towards throttling.
    """
    g.uow_keep = True


def expect_revision(obj: so.DeclarativeBase, revision: int | None) -> None:
    """Write ``obj`` only if it is still at the ``revision`` the client read.

    The database decides, never a comparison in Python: ``UPDATE ... SET id = id WHERE id = :id
    AND revision = :revision`` matching nothing refuses at once with a ``Conflict``, even for a
    request that then changes nothing (a stale client was told its revision was current), and
    holds the row until the commit (PostgreSQL; SQLite lets one writer at a time), so that the
    row's own ``UPDATE ... WHERE revision = :revision`` still matches. ``None`` (the client
    sent none) keeps the revision just loaded.

    ``obj``'s own rows (a facility's wards, a contract's installments: relationships that
    delete their orphans) are part of it: a change of them alone adds 1 to its revision too
    (:func:`_bump_for_own_rows`), else a second client holding the old revision would
    overwrite them, and the answer would carry a revision that no longer tells the change.
    """
    if revision is not None:
        so.attributes.set_committed_value(obj, "revision", revision)
        table = obj.__table__
        held = db.session.execute(
            sa.update(table).where(table.c.id == obj.id, table.c.revision == revision)
            .values(_unchanged(table))).rowcount
        if not held:
            raise refusal(so.exc.StaleDataError(f"{table.name} {obj.id} is not at {revision}"))
    db.session.info.setdefault(_WATCHED, []).append((obj, obj.revision))


def page_stamp(shown: object) -> str:
    """A digest of what an edit page showed of a row that has no revision (its fields as
    stored), for :func:`expect_stamp`."""
    return hashlib.sha256(repr(shown).encode()).hexdigest()[:16]


def expect_stamp(seen: str | None, current: str, what: str) -> None:
    """Refuse, as a stale revision is refused, a change sent from a page that showed ``seen``
    of a row whose :func:`page_stamp` is now ``current`` (``None``: the sender showed none).
    The page sends every field: it would put back what another officer changed."""
    if seen is not None and seen != current:
        raise refusal(so.exc.StaleDataError(f"{what} changed since the page was read"))


def _bump_for_own_rows(session: so.Session, *_: object) -> None:
    """Before a flush: each object handed to :func:`expect_revision` and not yet written in
    this transaction whose own rows change is written at its revision + 1 (the ORM then
    issues its ``UPDATE ... WHERE revision = :read``, once: with its columns when they change
    too, which would otherwise add 1 on their own)."""
    for obj, read in session.info.get(_WATCHED, ()):
        state = sa.inspect(obj)
        if state.session is not session or state.deleted or state.dict.get("revision") != read:
            continue  # gone, or written already (a second +1 would tell of a change not made)
        if _own_rows_changed(session, state):
            obj.revision = read + 1


def _own_rows_changed(session: so.Session, state: so.InstanceState) -> bool:
    """Whether this flush adds, removes or changes a row of one of ``state``'s relationships
    that delete their orphans (its own rows, not rows that merely point at it)."""
    changed = [*session.new, *session.deleted,
               *(o for o in session.dirty if session.is_modified(o))]
    for prop in state.mapper.relationships:
        if not prop.cascade.delete_orphan:
            continue
        if state.attrs[prop.key].history.has_changes():  # rows added or taken out
            return True
        loaded = state.dict.get(prop.key) or ()
        if any(isinstance(row, prop.mapper.class_) and (row in loaded or _refers(row, state, prop))
               for row in changed):
            return True
    return False


def _refers(row: object, owner: so.InstanceState, prop: so.RelationshipProperty) -> bool:
    """Whether ``row``'s foreign key (as loaded) names ``owner`` through ``prop``."""
    row_state = sa.inspect(row)
    return all(
        row_state.dict.get(row_state.mapper.get_property_by_column(remote).key)
        == owner.dict.get(owner.mapper.get_property_by_column(local).key)
        for local, remote in prop.local_remote_pairs)


def _drop_watched(session: so.Session, *_: object) -> None:
    session.info.pop(_WATCHED, None)


def claim_row(obj: so.DeclarativeBase, check: Callable[[], None]) -> None:
    """Hold ``obj``'s row for a change of state that ``check`` allows, as the database has it.

    ``check`` is the service's own refusal (it raises when the state read forbids the change).
    Two officers closing one action at the same instant both read it open, and a check in
    Python alone lets both write. ``UPDATE ... SET id = id WHERE id = :id`` takes the row
    without changing it (PostgreSQL makes a second writer wait for the first to commit; SQLite
    lets one writer at a time); ``obj`` is then read again and ``check`` runs on what is
    stored, so the loser gets the refusal it would get a moment later, and the winner changes
    the row as it now is.
    """
    check()
    table = obj.__table__
    if not db.session.execute(sa.update(table).where(table.c.id == obj.id)
                              .values(_unchanged(table))).rowcount:
        raise NotFound(_("Not found."))  # deleted by the change that came first
    db.session.refresh(obj, _read_back(obj))
    _forget_relationships(obj)
    check()


def _unchanged(table: sa.Table) -> dict[str, sa.Column]:
    """``id = id``, and each column that an UPDATE would otherwise stamp (``updated_at``) set
    to itself: a claim changes nothing (a contract's published release is dated by its
    ``updated_at``, and a household import that claimed the contract made it look amended)."""
    return {column.key: column for column in table.columns
            if column.primary_key or column.onupdate is not None}


def _forget_relationships(obj: so.DeclarativeBase) -> None:
    """Let the check read again what it read through ``obj``'s relationships: the first
    check loaded them before the claim waited, and a change committed meanwhile (the
    provider's last qualification removed as its bid was awarded) was not seen. Expired,
    not reloaded: only what the check (or the work after it) reads costs a statement."""
    state = sa.inspect(obj)
    loaded = [rel.key for rel in state.mapper.relationships
              if rel.key not in state.unloaded
              and not state.attrs[rel.key].history.has_changes()]
    if loaded:
        db.session.expire(obj, loaded)


def _read_back(obj: so.DeclarativeBase) -> list[str]:
    """The attributes a claim reads again: the columns only (reloading what the object loaded
    through relationships cost statements), and not a ``revision`` the client sent
    (:func:`expect_revision`), which the flush must still compare."""
    mapper = sa.inspect(obj).mapper
    return [attribute.key for attribute in mapper.column_attrs
            if attribute.columns[0] is not mapper.version_id_col]


def hold_key(name: str, key: str) -> None:
    """Until the commit: the only transaction holding ``key`` of ``name``, for work that reads
    before it writes and has no row to claim yet. A second transaction asking for it waits for
    the first to end, then reads what it wrote. PostgreSQL holds an advisory lock of the key;
    SQLite has one write lock for every key (:func:`app.sqlite.take_the_write_lock`)."""
    hold_keys(name, [key])


#: each key locked in the order given (a volatile function is evaluated after the sort)
_HOLD_KEYS = sa.text("SELECT pg_advisory_xact_lock(:space, key) FROM unnest(CAST(:keys AS "
                     "integer[])) WITH ORDINALITY AS held(key, n) ORDER BY n")


def hold_keys(name: str, keys: list[str]) -> None:
    """:func:`hold_key` of each of ``keys`` in their order, in one statement (a campaign's
    hundreds of targets were as many statements). Two transactions that give their keys in
    the same order cannot wait for each other."""
    session = db.session
    if not keys:
        return
    if session.get_bind().dialect.name == "sqlite":
        take_the_write_lock(session)
    else:
        session.execute(_HOLD_KEYS, {"space": advisory_key(name),
                                     "keys": [advisory_key(key) for key in keys]})


def advisory_key(text: str) -> int:
    """``text`` as one of the two signed 32-bit keys of an advisory lock."""
    return int.from_bytes(zlib.crc32(text.encode()).to_bytes(4, "big"), "big", signed=True)


def _commit_or_rollback(response: Response) -> Response:
    if response.status_code < 400 or g.pop("uow_keep", False):
        try:
            db.session.commit()
        except DomainError as error:  # refused only at COMMIT: answer that, not the response
            return current_app.make_response(handle_domain_error(error))
    else:
        db.session.rollback()
    return response


def _rollback_on_exception(exc: BaseException | None) -> None:
    if exc is not None:
        db.session.rollback()


def init_app(app: Flask) -> None:
    app.after_request(_commit_or_rollback)
    app.teardown_request(_rollback_on_exception)
    _listen()


_listen()
