"""Pages of long lists cut on the listed table alone.

The page's ids are found with the list's filters and order on that table (an index and a
LIMIT); only those rows are then loaded, with what the page shows of their parents. Joining the
parents before the cut made PostgreSQL plan a dozen joins around the filters, and join and sort
a county's thousands of rows, to show fifty.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_sqlalchemy.pagination import Pagination

from app.extensions import db


def entity_of(stmt: sa.Select) -> Any:
    return stmt.column_descriptions[0]["entity"]


def ids_stmt(stmt: sa.Select) -> sa.Select:
    """``stmt`` (a select of one entity) selecting only the entity's ids, same filters and
    order."""
    return stmt.with_only_columns(entity_of(stmt).id)


def load_in_order(entity: Any, ids: Sequence[int], options: Sequence = ()) -> list:
    """The rows of ``ids``, in that order, loaded with ``options``."""
    if not ids:
        return []
    found = {row.id: row for row in db.session.scalars(
        sa.select(entity).where(entity.id.in_(ids)).options(*options))}
    return [found[i] for i in ids if i in found]


def parent_columns(relationship: Any, *columns: Any) -> so.LoaderOption:
    """A row's parent joined in with ``columns`` alone (a list row that shows its home's name
    or its contract's number), and nothing else of it loaded, then or later (``raiseload``).

    Whole, a parent brings the models' joined defaults (a contract its provider and region, a
    home and a user their region): the corrective-action list and the dashboards' inspection
    rows were joins of seven tables that PostgreSQL took longer to plan than to run at city
    scale (28 ms for 3 on a slow host) — on every page of a list, whose offset is in its text,
    and on a connection's first runs of any, before psycopg prepares it."""
    return so.joinedload(relationship).options(so.load_only(*columns), so.raiseload("*"))


def paginate(stmt: sa.Select, options: Sequence = (), per_page: int = 25) -> Pagination:
    """The page of ``stmt`` asked for by ``?page=``, its rows loaded with ``options``."""
    page = db.paginate(ids_stmt(stmt), per_page=per_page)
    page.items = load_in_order(entity_of(stmt), page.items, options)
    return page
