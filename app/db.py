"""The declarative base every model shares, with the constraint naming convention.

The convention is set before the first migration so that Alembic can name, and later drop,
every index and constraint the same way on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles

from app import clock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Aware UTC now; the one clock models use for defaults (tests patch ``app.clock``)."""
    return clock.now()


class UTCDateTime(sa.types.TypeDecorator):
    """Store aware datetimes as UTC and hand them back aware, on SQLite too."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(so.DeclarativeBase):
    registry = so.registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


class TimestampMixin:
    #: when the row was created (UTC)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: when the row last changed (UTC)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)


class Revisioned:
    """A row written under an optimistic lock: every UPDATE of it is
    ``... WHERE id = :id AND revision = :read`` and adds 1 (SQLAlchemy's ``version_id_col``).
    When another writer got there first no row matches, and the flush refuses with a
    ``Conflict`` (``app.integrity``): two simultaneous saves never both win."""

    #: +1 on every stored change of the row; clients send back the one they read
    revision: so.Mapped[int] = so.mapped_column(server_default=sa.text("1"))

    @so.declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.revision}


def render_migration_item(type_: str, obj, autogen_context) -> str | bool:
    """Migrations spell our column types in plain SQLAlchemy, so they never import the app."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def include_in_migrations(obj, name, type_, reflected, compare_to) -> bool:
    """APScheduler creates and owns its job-store table; Alembic leaves it alone."""
    return not (type_ == "table" and name == "apscheduler_jobs")


def str_enum(enum_class: type, name: str, length: int = 16) -> sa.Enum:
    """A string column holding an enum's values, checked by a named CHECK constraint.

    Not a native enum type: adding a value is then a constraint change, the same on SQLite
    and PostgreSQL. ``name`` names the constraint and must be unique per table.
    """
    return sa.Enum(enum_class, name=name, native_enum=False, create_constraint=True,
                   length=length, values_callable=lambda e: [m.value for m in e])


def inline(value: str | int) -> sa.BindParameter:
    """``value`` written into the statement rather than sent beside it, for a predicate that
    repeats a partial index's (``status <> 'closed'``).

    psycopg prepares a statement on the server after a few runs, and PostgreSQL then often
    plans it once for any values. Such a plan cannot use a partial index whose predicate
    depends on a value it does not see: a dashboard's count of overdue actions took 27 ms so,
    0.6 ms with the index (measured at city scale)."""
    return sa.literal(value, literal_execute=True)


class json_text(sa.sql.functions.FunctionElement):  # noqa: N801 (used as a SQL function)
    """``json_text(column, key)``: the value at ``key`` of a JSON object column as text (an
    array as its JSON), with the key written into the statement, so that a partial index's
    predicate can repeat it (PostgreSQL ``column ->> 'key'``; SQLite ``json_extract``, which
    has no ``->>`` before 3.38)."""

    type = sa.Text()
    inherit_cache = True

    def __init__(self, column: sa.ColumnElement, key: str) -> None:
        if not key.isidentifier():
            raise ValueError(f"not a plain JSON key: {key!r}")
        self.key = key
        super().__init__(column)


@compiles(json_text, "postgresql")
def _json_text_postgresql(element: json_text, compiler, **kw) -> str:
    return f"({compiler.process(element.clauses, **kw)} ->> '{element.key}')"


@compiles(json_text)
def _json_text(element: json_text, compiler, **kw) -> str:
    return f"json_extract({compiler.process(element.clauses, **kw)}, '$.{element.key}')"


def page_of(select: sa.Select, limit: int, offset: int = 0) -> sa.Select:
    """``select``'s rows ``offset`` to ``offset + limit``, the two numbers written into the SQL
    (:func:`inline`). Sent as parameters, PostgreSQL could plan a prepared list only for each
    page size anew, never once for any (the size decides between a top-N sort and a full one):
    it planned the eager-loading joins of a list on every request, 14 ms of an action list's
    15 ms statement (measured at city scale)."""
    return select.limit(inline(limit)).offset(inline(offset))


#: the column a page of rows carries its list's total in (:func:`rows_and_total`)
TOTAL = "total_rows"


def rows_and_total(session, select: sa.Select, limit: int, offset: int = 0, *,
                   counted: sa.Select | None = None, unique: bool = False,
                   ) -> tuple[list[sa.Row], int]:
    """``select``'s rows ``offset`` to ``offset + limit`` and how many rows ``counted``
    (default: ``select``) gives in all, in one statement: the count rides on each row as a
    last column, :data:`TOTAL`, which the database computes once (an uncorrelated scalar
    subquery) — one round trip a list page rather than two. An empty page carries no count:
    the first holds no row at all (0), one past the last is counted apart. ``unique``: rows
    of entities whose collections are loaded by joins (SQLAlchemy's ``Result.unique``)."""
    counted = select if counted is None else counted
    total = count_rows(counted).scalar_subquery()
    result = session.execute(page_of(select.add_columns(total.correlate(None).label(TOTAL)),
                                     limit, offset))
    rows = (result.unique() if unique else result).all()
    if rows:
        return rows, rows[0][-1]
    return rows, (0 if offset == 0 else session.scalar(count_rows(counted)))


def count_rows(select: sa.Select) -> sa.Select:
    """The statement that counts the rows ``select`` gives (its order dropped: it changes no
    count and costs a sort)."""
    return sa.select(sa.func.count()).select_from(select.order_by(None).subquery())


def insert(table, dialect: str):
    """The INSERT of ``dialect`` (``postgresql`` or ``sqlite``), which can say what to do on a
    conflict (``on_conflict_do_nothing``, ``on_conflict_do_update``): both databases speak it,
    only through their own construct."""
    constructs = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
    if dialect not in constructs:
        raise RuntimeError(f"no INSERT ... ON CONFLICT for the {dialect} dialect")
    return constructs[dialect](table)
