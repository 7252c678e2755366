"""Schemas and helpers shared by every API blueprint: pagination and list envelopes."""

from __future__ import annotations

from collections.abc import Sequence

import marshmallow as ma
import sqlalchemy as sa

from app import paging
from app.db import rows_and_total
from app.extensions import db
from app.validation import MAX_PAGE

MAX_PER_PAGE = 200


def revision_out() -> ma.fields.Integer:
    return ma.fields.Integer(metadata={
        "description": "+1 on every stored change; send it back with a write so that a write "
                       "over somebody else's change is refused (409)"})


def revision_in() -> ma.fields.Integer:
    return ma.fields.Integer(load_default=None, metadata={
        "description": "optional: the revision you read; 409 conflict when the record has "
                       "changed since"})


class Prepared(ma.fields.Nested):
    """A nested schema, documented as such, whose values the view builds ready for JSON: sent
    as they are rather than field by field (a page of inspections holds 1,500 answers, and
    dumping them field by field cost a third of the page). Test that the schema's own dump of
    such a value is the value."""

    def _serialize(self, nested_obj, attr, obj, **kwargs):
        return nested_obj


class PageArgs(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=MAX_PAGE))
    per_page = ma.fields.Integer(load_default=50,
                                 validate=ma.validate.Range(min=1, max=MAX_PER_PAGE))


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """The list envelope of API.md around ``item_schema``."""
    return ma.Schema.from_dict(
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema)),
            "total": ma.fields.Integer(),
            "page": ma.fields.Integer(),
            "per_page": ma.fields.Integer(),
        },
        name=name,
    )


def paginate(stmt: sa.Select, page: int, per_page: int, load: Sequence = ()) -> dict:
    """A page of ``stmt``; with ``load`` (loader options), cut on the listed table alone and
    only the page's rows loaded with them (:mod:`app.paging`)."""
    offset = (page - 1) * per_page
    rows, total = rows_and_total(db.session, paging.ids_stmt(stmt) if load else stmt,
                                 per_page, offset, counted=stmt)
    items = [row[0] for row in rows]
    if load:
        items = paging.load_in_order(paging.entity_of(stmt), items, load)
    return {"items": items, "total": total, "page": page, "per_page": per_page}


class ApiErrorBodySchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "validation_error, not_found, conflict, ..."})
    message = ma.fields.String()
    fields = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()),
                            metadata={"description": "messages by field name"})


class ApiErrorSchema(ma.Schema):
    """Every error answer: ``{"error": {"code", "message", "fields"}}``.

    Named ApiError in the OpenAPI document; flask-smorest registers its own ``Error``.
    """

    error = ma.fields.Nested(ApiErrorBodySchema)
