"""``/api/v1/regions``: everyone authenticated reads; admins write."""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy as sa
from flask.views import MethodView

from app.api import Blueprint
from app.api.auth import api_user, token_required
from app.api.schemas import PageArgs, page_schema, paginate
from app.regions import services
from app.regions.models import Level, Region
from app.scoping import scope
from app.users.models import Role

blp = Blueprint("api_regions", __name__, url_prefix="/api/v1/regions",
                description="The administrative region tree")


class RegionSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    code = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^\d{6}(\d{3}){0,2}$"))
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    name_en = ma.fields.String(load_default="", validate=ma.validate.Length(max=100))
    level = ma.fields.Enum(Level, by_value=True, required=False)
    parent_code = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=12))


class RegionArgs(PageArgs):
    parent_code = ma.fields.String()
    q = ma.fields.String(metadata={"description": "name or code contains"})


LEVEL_BY_LENGTH = {9: Level.TOWNSHIP, 12: Level.VILLAGE}


def _infer_level(code: str, parent_code: str | None) -> Level:
    if len(code) in LEVEL_BY_LENGTH:
        return LEVEL_BY_LENGTH[len(code)]
    return Level.COUNTY if parent_code else Level.CITY


@blp.route("")
class Regions(MethodView):
    @token_required()
    @blp.arguments(RegionArgs, location="query")
    @blp.response(200, page_schema(RegionSchema, "RegionPage"))
    def get(self, args):
        """Regions the caller may see (officers and inspectors: their subtree)."""
        stmt = sa.select(Region).order_by(Region.code)
        user = api_user()
        if user.role is not Role.PROVIDER:
            stmt = scope(stmt, user, region=Region.id)
        if "parent_code" in args:
            parent = services.require_region(args["parent_code"], "parent_code")
            stmt = stmt.where(Region.parent_id == parent.id)
        if args.get("q"):  # "%" and "_" are text to find, not wildcards
            q = args["q"]
            stmt = stmt.where(sa.or_(Region.name.contains(q, autoescape=True),
                                     Region.code.contains(q, autoescape=True)))
        return paginate(stmt, args["page"], args["per_page"])

    @token_required(Role.ADMIN)
    @blp.arguments(RegionSchema)
    @blp.response(201, RegionSchema)
    def post(self, data):
        """Create a region under ``parent_code``; its level follows from the code."""
        level = data.get("level") or _infer_level(data["code"], data.get("parent_code"))
        return services.create_region(data["code"], data["name"], level,
                                      data.get("parent_code"), data.get("name_en", ""))
