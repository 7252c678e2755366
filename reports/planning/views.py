"""Pages of the inspection plan ("why this date"), the yearly coverage, and a campaign over the
plan's highest-risk targets. Officers and admins only."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination

from app import clock
from app.auth.login import role_required
from app.errors import DomainError
from app.forms import apply_errors, page_status
from app.template_helpers import ui_language
from app.users.models import Role
from evaluations.campaigns import services as campaigns
from reports import bp
from reports.planning.campaign import campaign_from_plan
from reports.planning.coverage import yearly_coverage
from reports.planning.forms import PlanCampaignForm
from reports.planning.services import inspection_plan, plan_region
from reports.planning.weights import current_weights, make_weights

PLANNERS = (Role.ADMIN, Role.OFFICER)


@bp.record_once
def _refuse_bad_weights(state) -> None:
    """A typing error in INSPECTION_RISK_WEIGHTS stops the app at start, not a page later."""
    make_weights(state.app.config.get("INSPECTION_RISK_WEIGHTS"))


class ListPage(Pagination):
    """One page of a list computed in Python, for the shared pagination macro."""

    def __init__(self, rows: list, page: int, per_page: int) -> None:
        self._rows = rows
        super().__init__(page=page, per_page=per_page, error_out=False)

    def _query_items(self) -> list:
        return self._rows[self._query_offset:self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._rows)


def _region_arg():
    """The region filter of the query string; one outside the user's area filters to nothing
    visible, and is said so."""
    try:
        return plan_region(current_user, request.args.get("region_code") or None), None
    except DomainError as error:
        return None, error.message


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.route("/inspection-plan", endpoint="inspection_plan")
@role_required(*PLANNERS)
def inspection_plan_page():
    region, problem = _region_arg()
    today = clock.today()
    before = _date_arg("before")
    items = [] if problem else inspection_plan(current_user, region=region, before=before,
                                               today=today)
    page = ListPage(items, request.args.get("page", 1, type=int) or 1, 25)
    return render_template("reports/inspection_plan.html", page=page, today=today,
                           regions=campaigns.campaign_regions(current_user),
                           region=region, before=before, problem=problem,
                           weights=current_weights().rows()), 422 if problem else 200


@bp.route("/coverage")
@role_required(*PLANNERS)
def coverage():
    region, problem = _region_arg()
    today = clock.today()
    raw = request.args.get("year", "").strip()
    # ASCII digits only: ``isdigit()`` also says yes to "²", which ``int()`` refuses (a 500)
    year = (int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 4
            else (None if raw else today.year))
    if year is None or not 1900 <= year <= 2999:
        year, problem = today.year, _("Give a year between 1900 and 2999.")
    result = None if problem else yearly_coverage(current_user, year, region=region,
                                                  today=today)
    return render_template("reports/coverage.html", coverage=result, year=year,
                           regions=campaigns.campaign_regions(current_user), region=region,
                           problem=problem), 422 if problem else 200


@bp.route("/inspection-plan/campaign", methods=["GET", "POST"])
@role_required(*PLANNERS)
def plan_campaign():
    form = PlanCampaignForm(templates=campaigns.campaign_templates(),
                            regions=campaigns.campaign_regions(current_user),
                            inspectors=campaigns.inspectors_to_choose(current_user),
                            locale=ui_language())
    if form.validate_on_submit():
        try:
            campaign = campaign_from_plan(
                actor=current_user, count=form.count.data, name=form.name.data,
                template_id=form.template_id.data, region_code=form.region_code.data,
                window_start=form.window_start.data, window_end=form.window_end.data,
                inspector_ids=form.inspectors.data or [], assignment=form.assignment.data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(_("Campaign created with %(n)d inspections.", n=len(campaign.inspections)),
                  "success")
            return redirect(url_for("evaluations.campaign_detail", campaign_id=campaign.id))
    status = page_status(form)
    return render_template("reports/plan_campaign.html", form=form), status
