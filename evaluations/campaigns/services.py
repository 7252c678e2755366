"""Campaigns (专项行动): one template over many homes in a window, created in one step.

Rules:

- Targets are chosen by rule: every facility whose kind is one of ``facility_kinds`` and whose
  region lies in the campaign's region subtree. The template must be published and inspect
  facilities.
- Inspectors: ``by_region`` gives each home to the chosen inspector bound to the DEEPEST region
  containing it (a tie goes to the lowest user id); ``round_robin`` deals the homes in order
  (region path, then id) to the chosen inspectors in turn (ordered by id), skipping an
  inspector whose region does not contain the home (an inspector may only inspect inside
  their region, see ``inspections.schedule_inspection``).
- Scheduled dates are SPREAD evenly over the window, in the same order (neighbouring homes
  fall on neighbouring days): home ``i`` of ``n`` on ``window_start + i * days // n`` where
  ``days`` is the window's length in days — the first on the first day, none after the end.
- Creating a campaign creates ALL its inspections through ``schedule_inspection`` in the same
  transaction. No matching home, or a home no chosen inspector covers → ``ValidationError``
  naming them, and nothing is stored.
- Yearly campaigns: :func:`create_next_year_campaign` makes next year's copy (same month and
  day, the current version of the template, today's homes), linked by ``previous_id``; a
  campaign has at most one successor (unique ``previous_id``), so calling it twice returns the
  first copy.
- Visibility: admin all; officers campaigns whose region lies in their subtree; inspectors
  the campaigns they are part of; providers none.

Services flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import clock
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.regions.models import Level, Region
from app.scoping import one_visible, region_subtree
from app.users.models import Role, User
from contracts.models import Facility, FacilityKind
from evaluations.assessment.models import AssessmentTemplate, TemplateStatus, TemplateTarget
from evaluations.assessment.services import current_template, template_stmt
from evaluations.campaigns.models import Assignment, Campaign, Recurrence, campaign_inspectors
from evaluations.inspections.guards import within
from evaluations.inspections.lists import assignable_inspectors
from evaluations.inspections.services import schedule_inspection

__all__ = [
    "campaign_regions", "campaign_templates", "create_campaign", "create_campaign_by_reference",
    "create_next_year_campaign", "get_visible_campaign", "inspectors_to_choose",
    "matching_facilities", "plan_targets", "visible_campaigns", "yearly_campaigns_due",
]

MAX_NAME = 200


# ---- visibility ---------------------------------------------------------------------------

def visible_campaigns(user: User) -> sa.Select:
    stmt = sa.select(Campaign)
    if user.role is Role.ADMIN:
        return stmt
    if user.role is Role.OFFICER and user.region is not None:
        return stmt.where(Campaign.region_id.in_(region_subtree(user.region)))
    if user.role is Role.INSPECTOR:
        return stmt.where(Campaign.id.in_(
            sa.select(campaign_inspectors.c.campaign_id)
            .where(campaign_inspectors.c.user_id == user.id)))
    return stmt.where(sa.false())


def get_visible_campaign(user: User, campaign_id: Any) -> Campaign:
    return one_visible(visible_campaigns(user), Campaign.id, campaign_id)


# ---- what a campaign may be made of -------------------------------------------------------

def campaign_templates() -> list[AssessmentTemplate]:
    """The current published versions of the templates that inspect homes."""
    return list(db.session.scalars(template_stmt(current=True).where(
        AssessmentTemplate.target == TemplateTarget.FACILITY)))


def campaign_regions(user: User) -> list[Region]:
    """Cities, counties and townships a campaign may cover (inside ``user``'s region unless
    an admin), by code."""
    stmt = sa.select(Region).where(Region.level.in_([Level.CITY, Level.COUNTY, Level.TOWNSHIP]))
    if user.role is not Role.ADMIN:
        stmt = stmt.where(Region.id.in_(region_subtree(user.region)))
    return list(db.session.scalars(stmt.order_by(Region.code)))


def inspectors_to_choose(user: User) -> list[User]:
    """Enabled inspectors ``user`` may send: in their subtree or above their region."""
    return list(db.session.scalars(assignable_inspectors(user)))


# ---- planning -----------------------------------------------------------------------------

def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def matching_facilities(region: Region, kinds: list[str]) -> list[Facility]:
    """Homes of ``kinds`` in ``region``'s subtree, by region path then id."""
    return list(db.session.scalars(
        sa.select(Facility).join(Region, Facility.region_id == Region.id)
        .where(Facility.kind.in_([FacilityKind(k) for k in kinds]),
               Facility.region_id.in_(region_subtree(region)))
        .order_by(Region.path, Facility.id)))


def _spread(start: date, end: date, count: int) -> list[date]:
    days = (end - start).days + 1
    return [start + timedelta(days=i * days // count) for i in range(count)]


def _by_region(facility: Facility, inspectors: list[User]) -> User | None:
    covering = [i for i in inspectors if within(facility.region, i.region)]
    if not covering:
        return None
    return max(covering, key=lambda i: (len(i.region.path), -i.id))


def plan_targets(facilities: list[Facility], inspectors: list[User], assignment: Assignment
                 ) -> tuple[list[tuple[Facility, User]], list[Facility]]:
    """(facility, inspector) pairs in order, and the facilities nobody covers."""
    inspectors = sorted(inspectors, key=lambda i: i.id)
    pairs: list[tuple[Facility, User]] = []
    uncovered: list[Facility] = []
    turn = 0
    for facility in facilities:
        if assignment is Assignment.BY_REGION:
            chosen = _by_region(facility, inspectors)
        else:
            chosen = None
            for step in range(len(inspectors)):
                candidate = inspectors[(turn + step) % len(inspectors)]
                if within(facility.region, candidate.region):
                    chosen = candidate
                    turn = (turn + step + 1) % len(inspectors)
                    break
        if chosen is None:
            uncovered.append(facility)
        else:
            pairs.append((facility, chosen))
    return pairs, uncovered


@dataclass
class _Input:
    name: str
    template: AssessmentTemplate
    region: Region
    kinds: list[str]
    start: date
    end: date
    inspectors: list[User]
    assignment: Assignment
    recurrence: Recurrence


def _check(*, name: Any, template: AssessmentTemplate | None, region: Region | None,
           facility_kinds: Any, window_start: Any, window_end: Any, inspectors: Any,
           assignment: Any, recurrence: Any, actor: User | None) -> _Input:
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    text = (name or "").strip() if isinstance(name, str | None) else ""
    if not text:
        add("name", _("Give the campaign a name."))
    elif len(text) > MAX_NAME:
        add("name", _("At most %(n)d characters.", n=MAX_NAME))
    if template is None or template.status is not TemplateStatus.PUBLISHED:
        add("template_id", _("Choose a published assessment template."))
    elif template.target is not TemplateTarget.FACILITY:
        add("template_id", _("A campaign inspects homes: choose a template about facilities."))
    if region is None:
        add("region_code", _("Choose the region."))
    elif actor is not None and actor.role is not Role.ADMIN and not (
            actor.role is Role.OFFICER and within(region, actor.region)):
        add("region_code", _("You may create campaigns only inside your region."))
    kinds = [str(k) for k in (facility_kinds or [])]
    valid_kinds = {k.value for k in FacilityKind}
    if not kinds:
        add("facility_kinds", _("Choose at least one kind of home."))
    elif any(k not in valid_kinds for k in kinds):
        add("facility_kinds", _("Unknown kind of home."))
    start, end = _as_date(window_start), _as_date(window_end)
    if start is None:
        add("window_start", _("Give the date as YYYY-MM-DD."))
    if end is None:
        add("window_end", _("Give the date as YYYY-MM-DD."))
    if start and end and end < start:
        add("window_end", _("The window ends before it starts."))
    people = list(inspectors or [])
    if not people:
        add("inspectors", _("Choose at least one inspector."))
    for person in people:
        if person is None or person.role is not Role.INSPECTOR or not person.is_enabled:
            add("inspectors", _("%(who)s is not an active inspector.",
                                who=getattr(person, "name", "") or getattr(person, "email", "?")))
    try:
        how = Assignment(assignment or Assignment.BY_REGION)
    except ValueError:
        how = Assignment.BY_REGION
        add("assignment", _("Choose by region or in turn."))
    try:
        again = Recurrence(recurrence or Recurrence.NONE)
    except ValueError:
        again = Recurrence.NONE
        add("recurrence", _("Choose none or yearly."))
    if errors:
        raise ValidationError(_("The campaign was not created."), errors)
    return _Input(text, template, region, sorted(set(kinds)), start, end,  # type: ignore[arg-type]
                  people, how, again)


def _facility_names(facilities: list[Facility], limit: int = 20) -> str:
    names = [f"{f.name} ({f.region.name})" for f in facilities[:limit]]
    if len(facilities) > limit:
        names.append(_("and %(n)d more", n=len(facilities) - limit))
    return "; ".join(names)


def _create(data: _Input, *, actor: User | None, previous: Campaign | None = None) -> Campaign:
    facilities = matching_facilities(data.region, data.kinds)
    if not facilities:
        message = _("No facility matches: no home of the chosen kinds in %(region)s.",
                    region=data.region.name)
        raise ValidationError(message, {"facility_kinds": [message]})
    pairs, uncovered = plan_targets(facilities, data.inspectors, data.assignment)
    if uncovered:
        message = _("No chosen inspector covers these homes: %(names)s.",
                    names=_facility_names(uncovered))
        raise ValidationError(message, {"inspectors": [message]})
    campaign = Campaign(
        name=data.name, template_id=data.template.id, region_id=data.region.id,
        facility_kinds=data.kinds, window_start=data.start, window_end=data.end,
        assignment=data.assignment, recurrence=data.recurrence,
        previous_id=previous.id if previous is not None else None,
        created_by_id=actor.id if actor is not None else None)
    campaign.inspectors = sorted(data.inspectors, key=lambda i: i.id)
    db.session.add(campaign)
    db.session.flush()
    for (facility, inspector), day in zip(pairs, _spread(data.start, data.end, len(pairs)),
                                          strict=True):
        schedule_inspection(template=data.template, inspector=inspector, scheduled_for=day,
                            facility=facility, actor=actor, campaign=campaign)
    db.session.flush()
    return campaign


def create_campaign(*, name: str, template: AssessmentTemplate | None, region: Region | None,
                    facility_kinds: list[str], window_start: date | str,
                    window_end: date | str, inspectors: list[User],
                    assignment: Assignment | str = Assignment.BY_REGION,
                    recurrence: Recurrence | str = Recurrence.NONE,
                    actor: User | None = None) -> Campaign:
    """Create the campaign and ALL its inspections (one per matching home), or nothing."""
    if actor is not None and actor.role not in (Role.OFFICER, Role.ADMIN):
        raise Forbidden(_("Only officers create campaigns."))
    data = _check(name=name, template=template, region=region, facility_kinds=facility_kinds,
                  window_start=window_start, window_end=window_end, inspectors=inspectors,
                  assignment=assignment, recurrence=recurrence, actor=actor)
    return _create(data, actor=actor)


def create_campaign_by_reference(*, name: str, template_id: int | None, region_code: str | None,
                                 facility_kinds: list[str], window_start: date | str,
                                 window_end: date | str, inspector_ids: list[int],
                                 assignment: Assignment | str = Assignment.BY_REGION,
                                 recurrence: Recurrence | str = Recurrence.NONE,
                                 actor: User | None = None) -> Campaign:
    """``create_campaign`` with the template, region and inspectors named by id and code, as
    the form and the API send them; an unknown one is refused like a missing one."""
    return create_campaign(
        name=name, template=db.session.get(AssessmentTemplate, template_id),
        region=db.session.scalar(sa.select(Region).where(Region.code == region_code)),
        facility_kinds=facility_kinds, window_start=window_start, window_end=window_end,
        inspectors=[db.session.get(User, i) for i in inspector_ids], assignment=assignment,
        recurrence=recurrence, actor=actor)


# ---- yearly recurrence --------------------------------------------------------------------

def _same_day_in(day: date, year: int) -> date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a common year
        return day.replace(year=year, day=28)


def _next_name(name: str, old_year: int, year: int) -> str:
    if str(old_year) in name:
        return name.replace(str(old_year), str(year))
    return f"{name} {year}"[:MAX_NAME]


def create_next_year_campaign(campaign: Campaign, year: int, *,
                              actor: User | None = None) -> Campaign:
    """The yearly successor of ``campaign`` in ``year``; idempotent.

    Same name (its year replaced), region, kinds, assignment and inspectors (those still active
    inspectors); window moved to ``year`` (same month and day); the current version of the
    template's code. Returns the existing successor when there is one.
    """
    existing = db.session.scalar(sa.select(Campaign).where(Campaign.previous_id == campaign.id))
    if existing is not None:
        return existing
    if campaign.recurrence is not Recurrence.YEARLY:
        message = _("Only a yearly campaign is repeated.")
        raise ValidationError(message, {"recurrence": [message]})
    if year <= campaign.window_start.year:
        message = _("The next campaign must be in a later year than %(year)d.",
                    year=campaign.window_start.year)
        raise ValidationError(message, {"year": [message]})
    shift = year - campaign.window_start.year
    template = current_template(campaign.template.code) or campaign.template
    inspectors = [i for i in campaign.inspectors if i.role is Role.INSPECTOR and i.is_enabled]
    data = _check(name=_next_name(campaign.name, campaign.window_start.year, year),
                  template=template, region=campaign.region,
                  facility_kinds=campaign.facility_kinds,
                  window_start=_same_day_in(campaign.window_start, year),
                  window_end=_same_day_in(campaign.window_end, campaign.window_end.year + shift),
                  inspectors=inspectors, assignment=campaign.assignment,
                  recurrence=Recurrence.YEARLY, actor=None)
    successor = _create(data, actor=actor, previous=campaign)
    if successor.created_by_id is None:
        successor.created_by_id = campaign.created_by_id
        db.session.flush()
    return successor


def yearly_campaigns_due(today: date | None = None) -> list[Campaign]:
    """Yearly campaigns of an earlier year without a successor (for the scheduler's job)."""
    today = today or clock.today()
    successors = sa.select(Campaign.previous_id).where(Campaign.previous_id.is_not(None))
    return list(db.session.scalars(
        sa.select(Campaign).where(Campaign.recurrence == Recurrence.YEARLY,
                                  Campaign.window_start < date(today.year, 1, 1),
                                  Campaign.id.not_in(successors))
        .order_by(Campaign.id)))
