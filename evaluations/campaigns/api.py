"""``/api/v1/campaigns``: campaigns (专项行动), read with their progress, created by officers.

The same services as the HTML pages. Visibility: officers their region, inspectors the
campaigns they are part of; anything else is a 404, exactly like a missing row.
"""

from __future__ import annotations

import marshmallow as ma
from flask import abort
from flask.views import MethodView

from app.api import Blueprint
from app.api.auth import api_user, token_required
from app.api.schemas import PageArgs, page_schema, paginate
from app.errors import NotFound
from app.users.models import Role
from evaluations.campaigns import services as campaigns
from evaluations.campaigns.models import Assignment, Campaign, Recurrence
from evaluations.campaigns.progress import campaign_progress

blp = Blueprint("api_campaigns", __name__, url_prefix="/api/v1",
                description="Campaigns (专项行动)")

STAFF = (Role.ADMIN, Role.OFFICER, Role.INSPECTOR)
OFFICERS = (Role.ADMIN, Role.OFFICER)


class CountsSchema(ma.Schema):
    scheduled = ma.fields.Integer()
    in_progress = ma.fields.Integer()
    submitted = ma.fields.Integer()
    finalized = ma.fields.Integer()
    total = ma.fields.Integer()


class CountyCountsSchema(CountsSchema):
    region_code = ma.fields.String(allow_none=True)
    region_name = ma.fields.String(allow_none=True)
    region_name_en = ma.fields.String(allow_none=True, metadata={
        "description": "the county's English name, \"\" when none (as name_en of /regions)"})


class ProgressSchema(ma.Schema):
    totals = ma.fields.Nested(CountsSchema)
    by_county = ma.fields.List(ma.fields.Nested(CountyCountsSchema))


class CampaignSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    template_id = ma.fields.Integer()
    region_code = ma.fields.String()
    facility_kinds = ma.fields.List(ma.fields.String())
    service_types = ma.fields.List(ma.fields.String())
    county_codes = ma.fields.List(ma.fields.String())
    window_start = ma.fields.Date()
    window_end = ma.fields.Date()
    assignment = ma.fields.String(metadata={"description": "by_region | round_robin"})
    recurrence = ma.fields.String(metadata={"description": "none | yearly | survey_windows"})
    previous_id = ma.fields.Integer(allow_none=True)
    inspector_ids = ma.fields.List(ma.fields.Integer())
    inspection_ids = ma.fields.List(ma.fields.Integer())
    progress = ma.fields.Nested(ProgressSchema)


class CampaignCreateArgs(ma.Schema):
    name = ma.fields.String(required=True)
    template_id = ma.fields.Integer(required=True)
    region_code = ma.fields.String(required=True)
    facility_kinds = ma.fields.List(ma.fields.String(), load_default=list, metadata={
        "description": "kinds of home, for a template about facilities"})
    service_types = ma.fields.List(ma.fields.String(), load_default=list, metadata={
        "description": "service types of the contracts, for a template about contracts"})
    county_codes = ma.fields.List(ma.fields.String(), load_default=list, metadata={
        "description": "only these counties of the region (empty: all of it)"})
    window_start = ma.fields.Date(required=True)
    window_end = ma.fields.Date(required=True)
    inspector_ids = ma.fields.List(ma.fields.Integer(validate=ma.validate.Range(
        min=1, max=2**63 - 1)), required=True)
    assignment = ma.fields.Enum(Assignment, by_value=True, load_default=Assignment.BY_REGION)
    recurrence = ma.fields.Enum(Recurrence, by_value=True, load_default=Recurrence.NONE)


def campaign_dict(campaign: Campaign, *, with_progress: bool = False) -> dict:
    data = {
        "id": campaign.id, "name": campaign.name, "template_id": campaign.template_id,
        "region_code": campaign.region.code, "facility_kinds": list(campaign.facility_kinds),
        "service_types": list(campaign.service_types),
        "county_codes": list(campaign.county_codes),
        "window_start": campaign.window_start, "window_end": campaign.window_end,
        "assignment": campaign.assignment.value, "recurrence": campaign.recurrence.value,
        "previous_id": campaign.previous_id,
        "inspector_ids": [u.id for u in campaign.inspectors],
        "inspection_ids": [i.id for i in campaign.inspections],
    }
    if with_progress:
        data["progress"] = campaign_progress(campaign).as_dict()
    return data


@blp.route("/campaigns")
class Campaigns(MethodView):
    @token_required(*STAFF)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(CampaignSchema, "CampaignPage"))
    def get(self, args):
        """Campaigns the caller may see (officers their region, inspectors their own)."""
        stmt = campaigns.visible_campaigns(api_user()).order_by(Campaign.window_start.desc(),
                                                                Campaign.id.desc())
        page = paginate(stmt, args["page"], args["per_page"])
        page["items"] = [campaign_dict(c) for c in page["items"]]
        return page

    @token_required(*OFFICERS)
    @blp.arguments(CampaignCreateArgs)
    @blp.response(201, CampaignSchema)
    def post(self, args):
        """Create a campaign and ALL its inspections at once (one per matching home or
        contract)."""
        campaign = campaigns.create_campaign_by_reference(
            name=args["name"], template_id=args["template_id"], region_code=args["region_code"],
            facility_kinds=args["facility_kinds"], service_types=args["service_types"],
            county_codes=args["county_codes"], window_start=args["window_start"],
            window_end=args["window_end"], inspector_ids=args["inspector_ids"],
            assignment=args["assignment"], recurrence=args["recurrence"], actor=api_user())
        return campaign_dict(campaign, with_progress=True)


@blp.route("/campaigns/<int:campaign_id>")
class CampaignDetail(MethodView):
    @token_required(*STAFF)
    @blp.response(200, CampaignSchema)
    def get(self, campaign_id: int):
        """One campaign with its progress by county."""
        try:
            campaign = campaigns.get_visible_campaign(api_user(), campaign_id)
        except NotFound:
            abort(404)
        return campaign_dict(campaign, with_progress=True)
