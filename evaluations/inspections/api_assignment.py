"""``POST /api/v1/inspections/{id}/reassign`` and ``/cancel``: an officer of the inspection's
region (an admin anywhere) gives a visit not yet submitted to another inspector, or calls off
one nothing was recorded for. A step the state no longer allows, or sent on a version read
before another's step, answers 409."""

from __future__ import annotations

from flask.views import MethodView

from app.api.auth import api_user, token_required
from evaluations.inspections.api import (
    OFFICERS,
    InspectionSchema,
    _visible_inspection,
    blp,
    inspection_dict,
)
from evaluations.inspections.api_args import CancelArgs, ReassignArgs
from evaluations.inspections.assignment import cancel_inspection, reassign_inspection


@blp.route("/inspections/<int:inspection_id>/reassign")
class InspectionReassign(MethodView):
    @token_required(*OFFICERS)
    @blp.arguments(ReassignArgs)
    @blp.response(200, InspectionSchema)
    def post(self, args, inspection_id: int):
        """Give a scheduled or started (not submitted) inspection to another inspector."""
        inspection = _visible_inspection(inspection_id)
        reassign_inspection(inspection, inspector_id=args["inspector_id"], actor=api_user(),
                            version_seen=args["version"])
        return inspection_dict(inspection)


@blp.route("/inspections/<int:inspection_id>/cancel")
class InspectionCancel(MethodView):
    @token_required(*OFFICERS)
    @blp.arguments(CancelArgs)
    @blp.response(200, InspectionSchema)
    def post(self, args, inspection_id: int):
        """Cancel an inspection nothing was recorded for yet, with the reason; it is kept."""
        inspection = _visible_inspection(inspection_id)
        cancel_inspection(inspection, reason=args["reason"], actor=api_user(),
                          version_seen=args["version"])
        return inspection_dict(inspection)
