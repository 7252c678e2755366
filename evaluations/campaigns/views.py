"""HTML pages of campaigns (专项行动): the list, creating one with its inspections, progress."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.auth.login import role_required
from app.errors import DomainError, NotFound
from app.extensions import db
from app.forms import apply_errors, page_status
from app.template_helpers import ui_language
from app.users.models import Role
from evaluations import bp
from evaluations.campaigns import services as campaigns
from evaluations.campaigns.forms import CampaignForm
from evaluations.campaigns.models import Campaign
from evaluations.campaigns.progress import STATUSES, campaign_progress
from evaluations.inspections.models import Inspection
from evaluations.inspections.services import visible_inspections

REVIEWERS = (Role.ADMIN, Role.OFFICER)
STAFF = (Role.ADMIN, Role.OFFICER, Role.INSPECTOR)


@bp.route("/campaigns")
@role_required(*STAFF)
def campaign_list():
    stmt = campaigns.visible_campaigns(current_user).order_by(
        Campaign.window_start.desc(), Campaign.id.desc())
    return render_template("evaluations/campaign_list.html", page=db.paginate(stmt, per_page=25))


@bp.route("/campaigns/new", methods=["GET", "POST"])
@role_required(*REVIEWERS)
def campaign_create():
    form = CampaignForm(templates=campaigns.campaign_templates(),
                        regions=campaigns.campaign_regions(current_user),
                        inspectors=campaigns.inspectors_to_choose(current_user),
                        locale=ui_language(), year=clock.today().year)
    if form.validate_on_submit():
        start, end = form.window()
        try:
            campaign = campaigns.create_campaign_by_reference(
                name=form.name.data, template_id=form.template.data,
                region_code=form.region_code.data, facility_kinds=form.facility_kinds.data or [],
                service_types=form.service_types.data or [],
                county_codes=form.counties.data or [], window_start=start, window_end=end,
                inspector_ids=form.inspectors.data or [], assignment=form.assignment.data,
                recurrence=form.recurrence.data, actor=current_user)
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(_("Campaign created with %(n)d inspections.", n=len(campaign.inspections)),
                  "success")
            return redirect(url_for(".campaign_detail", campaign_id=campaign.id))
    status = page_status(form)
    return render_template("evaluations/campaign_form.html", form=form), status


@bp.route("/campaigns/<int:campaign_id>")
@role_required(*STAFF)
def campaign_detail(campaign_id: int):
    try:
        campaign = campaigns.get_visible_campaign(current_user, campaign_id)
    except NotFound:
        abort(404)
    progress = campaign_progress(campaign)
    return render_template("evaluations/campaign_detail.html", campaign=campaign,
                           progress=progress, statuses=STATUSES,
                           openable=_openable(progress.inspections))


def _openable(inspections) -> set[int]:
    """Ids of the campaign's inspections the user may open (one query): an inspector sees
    the whole campaign's progress but opens only their own."""
    ids = [i.id for i in inspections]
    if not ids:
        return set()
    stmt = visible_inspections(current_user).where(Inspection.id.in_(ids))
    return set(db.session.scalars(stmt.with_only_columns(Inspection.id)))
