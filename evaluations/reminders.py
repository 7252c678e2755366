"""Reminders of the evaluations feature, and the yearly campaigns (evaluations.jobs).

Same rules as every reminder (helpers of app.notifications.reminders): one notice per dedupe key, each in
its recipient's language; a missed day is caught up for at most ``CATCH_UP_DAYS``. Services
flush, never commit.

- Inspections: due within 3 days (scheduled or in progress) → the inspector; not submitted
  after its day → the inspector; 7 days after → also the officers over its region.
- Corrective actions: deadline within 3 days → the provider's users; past it → the provider's
  users and, the same day, the officers over its region. The provider is reminded while the
  action is OPEN (once answered, the officer holds it); officers while it is not CLOSED.
- Recurring campaigns: a yearly campaign of an earlier year is repeated this year on the month
  and day its window started (warm winter every 1 November...); a survey-window campaign moves
  on to the next three-week survey window when that window begins; the inspectors are told.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app import clock
from app.extensions import db
from app.notifications import kinds
from app.notifications.reminders import (
    CATCH_UP_DAYS,
    DUE_SOON_DAYS,
    ESCALATION_DAYS,
    link,
    officers_over,
    provider_users,
    region_name,
    send,
)
from app.users.models import User
from evaluations.actions.models import NOT_CLOSED, ActionStatus, CorrectiveAction
from evaluations.campaigns.models import Campaign
from evaluations.campaigns.recurrence import (
    create_successor,
    same_day_in,
    successor_due_on,
    window_campaigns_due,
    yearly_campaigns_due,
)
from evaluations.inspections.models import TO_COME, Inspection


def _target_name(inspection: Inspection) -> str:
    if inspection.facility is not None:
        return inspection.facility.name
    return inspection.contract.number if inspection.contract is not None else ""


def _active_inspector(user: User | None) -> list[User]:
    """The assignee to remind, while an enabled inspector: one made an officer elsewhere sees
    the visit no more (its link is a 404 in their new post), a disabled one cannot act on it;
    the visit is then the officers' to reassign, told once it is late."""
    if user is None or not user.is_active_inspector:
        return []
    return [user]


# ---- 2. inspections -------------------------------------------------------------------------

def inspection_reminders(today: date | None = None) -> int:
    today = today or clock.today()
    earliest = today - timedelta(days=ESCALATION_DAYS + CATCH_UP_DAYS)
    inspections = db.session.scalars(sa.select(Inspection).where(
        TO_COME,
        Inspection.scheduled_for.between(earliest, today + timedelta(days=DUE_SOON_DAYS)))
        .order_by(Inspection.id))
    sent = 0
    for inspection in inspections:
        late = (today - inspection.scheduled_for).days
        url = _inspection_link(inspection)
        base = _inspection_key(inspection)
        if late <= 0:
            sent += tell_inspection_due(inspection)
        if 1 <= late < 1 + CATCH_UP_DAYS:
            sent += send(_active_inspector(inspection.inspector), kinds.INSPECTION_OVERDUE,
                         f"{base}:overdue",
                         lambda u, i=inspection: _inspection_text(i, u, "overdue"), url,
                         inspection)
        if late >= ESCALATION_DAYS:
            sent += send(officers_over(inspection.region), kinds.INSPECTION_OVERDUE,
                         f"{base}:escalated",
                         lambda u, i=inspection: _inspection_text(i, u, "escalated"), url,
                         inspection)
    return sent


def tell_inspection_due(inspection: Inspection) -> int:
    """The assignee's notice of a visit to come, as the daily reminders give it (once: its
    key is the visit's and its day's)."""
    return send(_active_inspector(inspection.inspector), kinds.INSPECTION_DUE,
                f"{_inspection_key(inspection)}:due",
                lambda u: _inspection_text(inspection, u, "due"), _inspection_link(inspection),
                inspection)


def _inspection_key(inspection: Inspection) -> str:
    return f"inspection:{inspection.id}:{inspection.scheduled_for.isoformat()}"


def _inspection_link(inspection: Inspection) -> str:
    return link("evaluations.inspection_detail", inspection_id=inspection.id)


def _inspection_text(inspection: Inspection, user: User, stage: str) -> tuple[str, str]:
    values = dict(target=_target_name(inspection), day=inspection.scheduled_for.isoformat(),
                  region=region_name(inspection.region, user),
                  inspector=inspection.inspector.name or inspection.inspector.email)
    if stage == "due":
        return (_("Inspection of %(target)s on %(day)s", **values),
                _("You are to inspect %(target)s (%(region)s) on %(day)s.", **values))
    if stage == "overdue":
        return (_("Inspection of %(target)s is overdue", **values),
                _("The inspection of %(target)s (%(region)s) planned for %(day)s has "
                  "not been submitted.", **values))
    return (_("Inspection of %(target)s is 7 days overdue", **values),
            _("%(inspector)s has not submitted the inspection of %(target)s "
              "(%(region)s) planned for %(day)s.", **values))


# ---- 3. corrective actions ------------------------------------------------------------------

def corrective_action_reminders(today: date | None = None) -> int:
    today = today or clock.today()
    earliest = today - timedelta(days=CATCH_UP_DAYS)
    actions = db.session.scalars(sa.select(CorrectiveAction).where(
        NOT_CLOSED,
        CorrectiveAction.deadline.between(earliest, today + timedelta(days=DUE_SOON_DAYS)))
        .order_by(CorrectiveAction.id))
    sent = 0
    for action in actions:
        late = (today - action.deadline).days
        url = link("evaluations.action_detail", action_id=action.id)
        base = f"corrective-action:{action.id}:{action.deadline.isoformat()}"

        def text(user: User, stage: str, action: CorrectiveAction = action
                 ) -> tuple[str, str]:
            target = action.facility.name if action.facility is not None else (
                action.contract.number if action.contract is not None else "")
            values = dict(target=target, deadline=action.deadline.isoformat(),
                          provider=action.provider.name, description=action.description[:200],
                          region=region_name(action.region, user))
            if stage == "due":
                return (_("Corrective action at %(target)s due on %(deadline)s", **values),
                        _("Put right by %(deadline)s: %(description)s", **values))
            if stage == "overdue":
                return (_("Corrective action at %(target)s is overdue", **values),
                        _("The deadline %(deadline)s has passed: %(description)s", **values))
            if action.status is ActionStatus.ANSWERED:
                # the provider's report is in the officers' hands: "has not put right" told
                # them something else than the action's own page
                return (_("Corrective action of %(provider)s waits for review", **values),
                        _("%(provider)s answered the corrective action at %(target)s "
                          "(%(region)s), due on %(deadline)s; the answer waits for your "
                          "review: %(description)s", **values))
            return (_("Corrective action of %(provider)s is overdue", **values),
                    _("%(provider)s has not put right by %(deadline)s at %(target)s "
                      "(%(region)s): %(description)s", **values))

        owners = provider_users(action.provider_id) if action.status is ActionStatus.OPEN else []
        if late <= 0:
            sent += send(owners, kinds.CORRECTIVE_ACTION_DUE, f"{base}:due",
                         lambda u, t=text: t(u, "due"), url, action)
        else:
            sent += send(owners, kinds.CORRECTIVE_ACTION_OVERDUE, f"{base}:overdue",
                         lambda u, t=text: t(u, "overdue"), url, action)
            sent += send(officers_over(action.region), kinds.CORRECTIVE_ACTION_OVERDUE,
                         f"{base}:escalated", lambda u, t=text: t(u, "escalated"), url, action)
    return sent


# ---- 6. recurring campaigns --------------------------------------------------------------------

def campaigns_to_repeat(today: date | None = None) -> list[int]:
    """Ids of the recurring campaigns whose successor is due by ``today``: yearly ones of an
    earlier year whose start day (same month and day) this year is reached, and survey-window
    ones whose next window has begun; none with a successor yet."""
    today = today or clock.today()
    yearly = [c.id for c in yearly_campaigns_due(today)
              if same_day_in(c.window_start, today.year) <= today]
    return yearly + [c.id for c in window_campaigns_due(today)
                     if successor_due_on(c, today) <= today]


def repeat_campaign(campaign_id: int, today: date | None = None) -> tuple[Campaign, int]:
    """Create the next copy of the campaign (this year's, or the next survey window's;
    idempotent) and tell its inspectors; the copy and how many notices are new.
    ``ValidationError`` when it cannot be created."""
    today = today or clock.today()
    successor = create_successor(db.session.get(Campaign, campaign_id), today)

    def text(user: User) -> tuple[str, str]:
        values = dict(name=successor.name, start=successor.window_start.isoformat(),
                      end=successor.window_end.isoformat(),
                      count=sum(1 for i in successor.inspections if i.inspector_id == user.id))
        return (_("Campaign created: %(name)s", **values),
                _("The recurring campaign %(name)s runs from %(start)s to %(end)s; "
                  "%(count)d inspection(s) are yours.", **values))

    sent = send(successor.inspectors, kinds.CAMPAIGN_CREATED, f"campaign-created:{successor.id}",
                text, link("evaluations.campaign_detail", campaign_id=successor.id), successor)
    return successor, sent
