"""Campaigns (专项行动): one template over many homes or contracts in a window, created in
one step.

Rules:

- Targets are chosen by rule. A template about homes: every facility whose kind is one of
  ``facility_kinds`` and whose region lies in the campaign's region subtree. A template about
  contracts (e.g. ``survey_service`` in the three-week survey windows, 三周工作法): every
  ACTIVE contract whose service type is one of ``service_types``, whose region lies in the
  region subtree and whose period overlaps the window. ``county_codes``, when given, keeps only
  the targets inside those counties of the region (:mod:`.targets`). The template must be
  published.
- The same campaign is made once: a campaign of the same name, template, region, window and
  targets' rule as one that exists is a ``Conflict`` (a form sent twice, or two officers at
  once, gave every home two visits). Campaigns are made one after the other (the key the
  inspection plan's campaigns hold, ``reports.planning.campaign``).
- Inspectors: ``by_region`` gives each home to the chosen inspector bound to the DEEPEST region
  containing it (a tie goes to the lowest user id); ``round_robin`` deals the homes in order
  (region path, then id) to the chosen inspectors in turn (ordered by id), skipping an
  inspector whose region does not contain the home (an inspector may only inspect inside
  their region, see ``inspections.schedule_inspection``).
- Scheduled dates are SPREAD evenly over the window, in the same order (neighbouring homes
  fall on neighbouring days): home ``i`` of ``n`` on ``window_start + i * days // n`` where
  ``days`` is the window's length in days — the first on the first day, none after the end.
  A home that opens (a contract that starts) during the window is a target, visited on its
  spread day or, when later, on its first day; a contract ending during the window, on its
  spread day or, when earlier, on its last.
- Creating a campaign creates ALL its inspections through ``schedule_inspection`` in the same
  transaction. No matching home, or a home no chosen inspector covers → ``ValidationError``
  naming them, and nothing is stored.
- Recurring campaigns (next year's, or the next survey window's): :mod:`.recurrence`.
- Visibility: admin all; officers campaigns whose region lies in their subtree; inspectors
  the campaigns they are part of; providers none.

Services flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.errors import Conflict, Forbidden, ValidationError
from app.extensions import db
from app.regions.models import Level, Region
from app.scoping import one_visible, region_subtree
from app.unit_of_work import hold_key
from app.users.models import Role, User
from contracts.models import Contract, Facility, FacilityKind, ServiceType
from evaluations.assessment.models import AssessmentTemplate, TemplateStatus, TemplateTarget
from evaluations.assessment.services import template_stmt
from evaluations.campaigns.models import Assignment, Campaign, Recurrence, campaign_inspectors
from evaluations.campaigns.targets import (
    matching_contracts,
    matching_facilities,
    targets_by_rule,
)
from evaluations.campaigns.visits import visit_days
from evaluations.inspections.guards import within
from evaluations.inspections.lists import assignable_ids, assignable_inspectors
from evaluations.inspections.services import schedule_inspection

__all__ = [
    "CampaignInput", "campaign_counties", "campaign_regions", "campaign_templates",
    "check_campaign", "create_campaign", "create_campaign_by_reference", "create_planned",
    "get_visible_campaign", "inspectors_named", "inspectors_to_choose", "matching_contracts",
    "matching_facilities", "plan_targets", "visible_campaigns",
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
    """The current published versions of the templates (about homes or about contracts)."""
    return list(db.session.scalars(template_stmt(current=True)))


def campaign_regions(user: User) -> list[Region]:
    """Cities, counties and townships a campaign may cover (inside ``user``'s region unless
    an admin), by code."""
    stmt = sa.select(Region).where(Region.level.in_([Level.CITY, Level.COUNTY, Level.TOWNSHIP]))
    if user.role is not Role.ADMIN:
        stmt = stmt.where(Region.id.in_(region_subtree(user.region)))
    return list(db.session.scalars(stmt.order_by(Region.code)))


def campaign_counties(user: User) -> list[Region]:
    """The counties a campaign may be limited to (inside ``user``'s region unless an admin)."""
    return [r for r in campaign_regions(user) if r.level is Level.COUNTY]


def inspectors_named(ids: list[int]) -> list[User | None]:
    """The users of ``ids`` in order, in one statement (a city's 60 inspectors were as many);
    None for an unknown id, which :func:`check_campaign` refuses as no active inspector."""
    found = {user.id: user for user in db.session.scalars(
        sa.select(User).where(User.id.in_(ids)))} if ids else {}
    return [found.get(ident) for ident in ids]


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


def _by_region(target: Facility | Contract, inspectors: list[User]) -> User | None:
    covering = [i for i in inspectors if within(target.region, i.region)]
    if not covering:
        return None
    return max(covering, key=lambda i: (len(i.region.path), -i.id))


def plan_targets(targets: list, inspectors: list[User], assignment: Assignment
                 ) -> tuple[list[tuple[Any, User]], list]:
    """(target, inspector) pairs in order, and the targets (homes or contracts) nobody
    covers."""
    inspectors = sorted(inspectors, key=lambda i: i.id)
    pairs: list[tuple[Any, User]] = []
    uncovered: list = []
    turn = 0
    for target in targets:
        if assignment is Assignment.BY_REGION:
            chosen = _by_region(target, inspectors)
        else:
            chosen = None
            for step in range(len(inspectors)):
                candidate = inspectors[(turn + step) % len(inspectors)]
                if within(target.region, candidate.region):
                    chosen = candidate
                    turn = (turn + step + 1) % len(inspectors)
                    break
        if chosen is None:
            uncovered.append(target)
        else:
            pairs.append((target, chosen))
    return pairs, uncovered


@dataclass
class CampaignInput:
    """What a campaign is made of, checked (:func:`check_campaign`)."""

    name: str
    template: AssessmentTemplate
    region: Region
    kinds: list[str]
    service_types: list[str]
    counties: list[Region]
    start: date
    end: date
    inspectors: list[User]
    assignment: Assignment
    recurrence: Recurrence

    @property
    def about_contracts(self) -> bool:
        return self.template.target is TemplateTarget.CONTRACT


def _targets_choice(errors: dict, template: AssessmentTemplate | None, facility_kinds: Any,
                    service_types: Any) -> tuple[list[str], list[str]]:
    """The kinds of home (a template about homes) or the service types (about contracts)."""
    kinds = sorted({str(k) for k in (facility_kinds or [])})
    types = sorted({str(t) for t in (service_types or [])})
    if template is None:
        return kinds, types
    if template.target is TemplateTarget.FACILITY:
        if not kinds:
            errors.setdefault("facility_kinds", []).append(_("Choose at least one kind of home."))
        elif any(k not in {k.value for k in FacilityKind} for k in kinds):
            errors.setdefault("facility_kinds", []).append(_("Unknown kind of home."))
        return kinds, []
    if not types:
        errors.setdefault("service_types", []).append(
            _("This template assesses contracts: choose at least one service type."))
    elif any(t not in {t.value for t in ServiceType} for t in types):
        errors.setdefault("service_types", []).append(_("Unknown service type."))
    return [], types


def _counties(errors: dict, region: Region | None, county_codes: Any) -> list[Region]:
    codes = sorted({str(c) for c in (county_codes or [])})
    counties = list(db.session.scalars(sa.select(Region).where(Region.code.in_(codes))))
    if len(counties) != len(codes) or any(
            c.level is not Level.COUNTY or (region is not None and not within(c, region))
            for c in counties):
        errors.setdefault("county_codes", []).append(
            _("Choose counties inside the campaign's region."))
    return sorted(counties, key=lambda c: c.code)


def check_campaign(*, name: Any, template: AssessmentTemplate | None, region: Region | None,
                   facility_kinds: Any, window_start: Any, window_end: Any, inspectors: Any,
                   assignment: Any, recurrence: Any, actor: User | None,
                   service_types: Any = None, county_codes: Any = None) -> CampaignInput:
    """Every field of a campaign checked; ``ValidationError`` names each bad one."""
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
        template = None
    if region is None:
        add("region_code", _("Choose the region."))
    elif actor is not None and actor.role is not Role.ADMIN and not (
            actor.role is Role.OFFICER and within(region, actor.region)):
        add("region_code", _("You may create campaigns only inside your region."))
    kinds, types = _targets_choice(errors, template, facility_kinds, service_types)
    counties = _counties(errors, region, county_codes)
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
    # an officer sends only whom the form offers; an admin or a job anyone
    mine = (assignable_ids(actor, [p.id for p in people if p is not None])
            if actor is not None and actor.role is Role.OFFICER else None)
    for person in people:
        who = getattr(person, "name", "") or getattr(person, "email", "?")
        if person is None or person.role is not Role.INSPECTOR or not person.is_enabled:
            add("inspectors", _("%(who)s is not an active inspector.", who=who))
        elif mine is not None and person.id not in mine:
            add("inspectors", _("%(who)s works outside your region; you may not assign them.",
                                who=who))
    try:
        how = Assignment(assignment or Assignment.BY_REGION)
    except ValueError:
        how = Assignment.BY_REGION
        add("assignment", _("Choose by region or in turn."))
    try:
        again = Recurrence(recurrence or Recurrence.NONE)
    except ValueError:
        again = Recurrence.NONE
        add("recurrence", _("Choose none, yearly or each survey window."))
    if errors:
        raise ValidationError(_("The campaign was not created."), errors)
    return CampaignInput(text, template, region, kinds, types,  # type: ignore[arg-type]
                         counties, start, end, people, how, again)  # type: ignore[arg-type]


def _target_names(targets: list, limit: int = 20) -> str:
    names = [f"{t.name} ({t.region.name})" if isinstance(t, Facility)
             else f"{t.number} {t.title} ({t.region.name})" for t in targets[:limit]]
    if len(targets) > limit:
        names.append(_("and %(n)d more", n=len(targets) - limit))
    return "; ".join(names)


def _refuse_the_same(data: CampaignInput) -> None:
    same = db.session.scalars(sa.select(Campaign).where(
        Campaign.name == data.name, Campaign.template_id == data.template.id,
        Campaign.region_id == data.region.id, Campaign.window_start == data.start,
        Campaign.window_end == data.end))
    for campaign in same:
        if (sorted(campaign.facility_kinds or []), sorted(campaign.service_types or []),
                sorted(campaign.county_codes or [])) == (
                data.kinds, data.service_types, [c.code for c in data.counties]):
            raise Conflict(_("This campaign exists already (campaign %(id)d); nothing was "
                             "created.", id=campaign.id), {"name": [data.name]})


def create_planned(data: CampaignInput, *, actor: User | None,
                   previous: Campaign | None = None, targets: list | None = None) -> Campaign:
    """The campaign of checked ``data`` and one inspection per target, or nothing.

    ``targets`` (homes or contracts, in order) replaces the targets matched by rule, e.g. the
    highest-risk homes of the inspection plan."""
    hold_key("campaign from the plan", "")  # one campaign made at a time: see the docstring
    if targets is None and previous is None:
        _refuse_the_same(data)
    chosen = targets if targets is not None else targets_by_rule(data)
    pairs, uncovered = plan_targets(chosen, data.inspectors, data.assignment)
    if uncovered:
        message = _("No chosen inspector covers these targets: %(names)s.",
                    names=_target_names(uncovered))
        raise ValidationError(message, {"inspectors": [message]})
    campaign = Campaign(
        name=data.name, template_id=data.template.id, region_id=data.region.id,
        facility_kinds=data.kinds, service_types=data.service_types,
        county_codes=[c.code for c in data.counties], window_start=data.start,
        window_end=data.end, assignment=data.assignment, recurrence=data.recurrence,
        previous_id=previous.id if previous is not None else None,
        created_by_id=actor.id if actor is not None else None)
    campaign.inspectors = sorted(data.inspectors, key=lambda i: i.id)
    db.session.add(campaign)
    db.session.flush()
    days = visit_days([target for target, _inspector in pairs], data.start, data.end)
    for (target, inspector), day in zip(pairs, days, strict=True):
        about = {"contract": target} if data.about_contracts else {"facility": target}
        schedule_inspection(template=data.template, inspector=inspector, scheduled_for=day,
                            actor=actor, campaign=campaign, **about)
    db.session.flush()
    return campaign


def create_campaign(*, name: str, template: AssessmentTemplate | None, region: Region | None,
                    facility_kinds: list[str] | None = None, window_start: date | str,
                    window_end: date | str, inspectors: list[User],
                    assignment: Assignment | str = Assignment.BY_REGION,
                    recurrence: Recurrence | str = Recurrence.NONE,
                    service_types: list[str] | None = None,
                    county_codes: list[str] | None = None,
                    actor: User | None = None) -> Campaign:
    """Create the campaign and ALL its inspections (one per matching home or contract), or
    nothing."""
    if actor is not None and actor.role not in (Role.OFFICER, Role.ADMIN):
        raise Forbidden(_("Only officers create campaigns."))
    data = check_campaign(name=name, template=template, region=region,
                          facility_kinds=facility_kinds, window_start=window_start,
                          window_end=window_end, inspectors=inspectors, assignment=assignment,
                          recurrence=recurrence, actor=actor, service_types=service_types,
                          county_codes=county_codes)
    return create_planned(data, actor=actor)


def create_campaign_by_reference(*, name: str, template_id: int | None, region_code: str | None,
                                 facility_kinds: list[str] | None = None,
                                 window_start: date | str, window_end: date | str,
                                 inspector_ids: list[int],
                                 assignment: Assignment | str = Assignment.BY_REGION,
                                 recurrence: Recurrence | str = Recurrence.NONE,
                                 service_types: list[str] | None = None,
                                 county_codes: list[str] | None = None,
                                 actor: User | None = None) -> Campaign:
    """``create_campaign`` with the template, region and inspectors named by id and code, as
    the form and the API send them; an unknown one is refused like a missing one."""
    return create_campaign(
        name=name, template=db.session.get(AssessmentTemplate, template_id),
        region=db.session.scalar(sa.select(Region).where(Region.code == region_code)),
        facility_kinds=facility_kinds, window_start=window_start, window_end=window_end,
        inspectors=inspectors_named(inspector_ids), assignment=assignment,
        recurrence=recurrence, service_types=service_types, county_codes=county_codes,
        actor=actor)
