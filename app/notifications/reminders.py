"""The machinery every feature's reminders share: deadline stages, recipients, links and
sending each notice once, in its recipient's language.

Each notice names its event in a dedupe key (``submission-due:{contract}:{period}:{stage}:
{deadline}:{user}``...; a deadline that moves is a new event), and ``notify`` stores a key
once: a second run, or a rerun after a crash midway, notifies nobody twice. Nothing here
commits (the job does, at its end).

Deadline stages: a stage is sent on its day, or on a later run while it is still current (a
job that did not run on a day catches up), but at most :data:`CATCH_UP_DAYS` days late, so a
backlog of old, long-known lapses (a first run over imported data) floods nobody:

- ``d-3``: from 3 days before the deadline to the day before; ``d0``: the deadline day;
- ``overdue``: from the day after the deadline, for 7 days;
- ``escalated``: from 7 days after the deadline, for 7 days (to the officers of the region).

Recipients: a provider's enabled users; the enabled officers whose region contains the
object's region (its county's, its city's...); the officers of a level, or of the city.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from app.extensions import db
from app.notifications import services as notifications
from app.regions.models import Level, Region
from app.users.models import Role, User

#: a stage missed on its day is still sent this many days later, not after
CATCH_UP_DAYS = 7
#: reminders of a deadline start this many days before it
DUE_SOON_DAYS = 3
#: a lapse this many days old goes to the officers of the region
ESCALATION_DAYS = 7


#: each stage's days from the deadline, first and last (negative: before it)
STAGE_DAYS = {
    "d-3": (-DUE_SOON_DAYS, -1),
    "d0": (0, 0),
    "overdue": (1, CATCH_UP_DAYS),
    "escalated": (ESCALATION_DAYS, ESCALATION_DAYS + CATCH_UP_DAYS - 1),
}


def stage_of(deadline: date, today: date) -> list[str]:
    """The stages of ``deadline`` current on ``today`` (see the module docstring)."""
    late = (today - deadline).days
    return [stage for stage, (first, last) in STAGE_DAYS.items() if first <= late <= last]


def stage_begins(deadline: date, stage: str) -> date:
    """The first day ``stage`` of ``deadline`` is current."""
    return deadline + timedelta(days=STAGE_DAYS[stage][0])


# ---- recipients ------------------------------------------------------------------------------

def provider_users(provider_id: int) -> list[User]:
    """The enabled users of a provider."""
    return list(db.session.scalars(
        sa.select(User).where(User.role == Role.PROVIDER, User.provider_id == provider_id,
                              User.is_enabled.is_(True)).order_by(User.id)))


def officers_over(region: Region) -> list[User]:
    """Enabled officers whose region subtree contains ``region`` (its own, its county's...)."""
    ancestors = [int(part) for part in region.path.strip("/").split("/") if part]
    return list(db.session.scalars(
        sa.select(User).where(User.role == Role.OFFICER, User.is_enabled.is_(True),
                              User.region_id.in_(ancestors or [region.id])).order_by(User.id)))


def officers_at(*levels: Level) -> list[User]:
    """Enabled officers whose region is of one of ``levels``."""
    return list(db.session.scalars(
        sa.select(User).join(Region, User.region_id == Region.id)
        .where(User.role == Role.OFFICER, User.is_enabled.is_(True), Region.level.in_(levels))
        .order_by(User.id)))


def city_officers() -> list[User]:
    """Enabled officers of a root region (the city)."""
    return list(db.session.scalars(
        sa.select(User).join(Region, User.region_id == Region.id)
        .where(User.role == Role.OFFICER, User.is_enabled.is_(True),
               Region.parent_id.is_(None)).order_by(User.id)))


# ---- writing and sending ---------------------------------------------------------------------

def region_name(region: Region, user: User) -> str:
    """The region's name in ``user``'s language."""
    return region.display_name(user.locale or "zh_CN")


def link(endpoint: str, **values: Any) -> str:
    """A relative URL of this site, built without a request (jobs have none)."""
    return current_app.url_map.bind("").build(endpoint, values)


def send(users: Iterable[User], kind: str, key: str,
         text: Callable[[User], tuple[str, str]], url: str = "", obj: Any = None) -> int:
    """Notify each of ``users`` once under ``{key}:{user id}``; ``text(user)`` gives the title
    and body, built in the user's language. Returns how many notices are new."""
    sent = 0
    for user in users:
        with force_locale(user.locale or "zh_CN"):
            title, body = text(user)
        sent += notifications.notify(user, kind, title, body, url,
                                     dedupe_key=f"{key}:{user.id}", object=obj) is not None
    return sent
