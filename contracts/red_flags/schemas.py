"""Marshmallow schemas of red flags in the API: on a procurement, in the list, a review."""

from __future__ import annotations

import marshmallow as ma

from app.api.schemas import PageArgs
from contracts.red_flags.rules import CODES as RED_FLAG_CODES
from contracts.red_flags.services import flags_of
from contracts.schemas import ProcurementOut


class RedFlagOut(ma.Schema):
    code = ma.fields.String(metadata={"description": "the rule (API.md \"Codes\")"})
    rule = ma.fields.String(metadata={"description": "the rule's name"})
    detail = ma.fields.String(metadata={"description": "the figures behind the flag"})
    reviewed = ma.fields.Boolean()
    comment = ma.fields.Function(lambda flag: flag.review.comment if flag.review else None,
                                 metadata={"description": "the officer's review, or null"})


class ListedRedFlagOut(RedFlagOut):
    procurement_id = ma.fields.Integer()
    title = ma.fields.String(metadata={"description": "the procurement's title"})
    region_code = ma.fields.Function(lambda flag: flag.region.code)


class RedFlagArgs(PageArgs):
    code = ma.fields.String(validate=ma.validate.OneOf(RED_FLAG_CODES))
    region_code = ma.fields.String(metadata={"description": "in this region or below"})
    reviewed = ma.fields.Boolean()


class RedFlagReviewIn(ma.Schema):
    comment = ma.fields.String(required=True)


class ProcurementDetailOut(ProcurementOut):
    red_flags = ma.fields.Method("_red_flags", metadata={
        "description": "reasons to look, never verdicts; internal (not in the OCDS export)"})

    def _red_flags(self, procurement) -> list[dict]:
        return RedFlagOut(many=True).dump(flags_of(procurement))
