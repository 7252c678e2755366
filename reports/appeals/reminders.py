"""The officers over an appeal's region are reminded to answer it by its day (``due_by``,
``APPEAL_RESOLVE_DAYS`` after it was lodged): three days before, on the day, and once it is
overdue. Without it an appeal no officer opened again went past its day unnoticed, holding
the decision it contests pending. Stages and sending once per event:
:mod:`app.notifications.reminders` (run by ``reports.appeal_reminders``)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock
from app.extensions import db
from app.notifications.kinds import register_kind
from app.notifications.reminders import (
    CATCH_UP_DAYS,
    DUE_SOON_DAYS,
    link,
    officers_over,
    send,
    stage_of,
)
from reports.appeals.models import Appeal, AppealStatus
from reports.appeals.services import subject_text

APPEAL_DUE = register_kind("appeal_due", _l("Appeal to answer"))
APPEAL_OVERDUE = register_kind("appeal_overdue", _l("Appeal overdue"))
#: the stages told, of app.notifications.reminders.stage_of ("escalated" would tell the same
#: officers again: the city's are among those over every region)
STAGES = {"d-3": APPEAL_DUE, "d0": APPEAL_DUE, "overdue": APPEAL_OVERDUE}


def appeal_reminders(today: date | None = None) -> int:
    """Remind the officers of the open appeals due within three days or lately overdue."""
    today = today or clock.today()
    appeals = db.session.scalars(
        sa.select(Appeal).where(Appeal.status == AppealStatus.OPEN, Appeal.due_by.between(
            today - timedelta(days=CATCH_UP_DAYS), today + timedelta(days=DUE_SOON_DAYS)))
        .order_by(Appeal.id))
    sent = 0
    for appeal in appeals:
        url = link("reports.appeal_detail", appeal_id=appeal.id)
        base = f"appeal-due:{appeal.id}:{appeal.due_by.isoformat()}"
        for stage in (s for s in stage_of(appeal.due_by, today) if s in STAGES):
            sent += send(officers_over(appeal.region), STAGES[stage], f"{base}:{stage}",
                         lambda user, a=appeal, s=stage: _text(a, s), url, appeal)
    return sent


def _text(appeal: Appeal, stage: str) -> tuple[str, str]:
    values = dict(subject=subject_text(appeal), day=appeal.due_by.isoformat(),
                  provider=appeal.provider.name, reason=appeal.reason[:300])
    if stage == "overdue":
        return (_("Appeal of %(subject)s not answered by %(day)s", **values),
                _("%(provider)s is still waiting for the answer to its appeal: %(reason)s",
                  **values))
    return (_("Appeal of %(subject)s to answer by %(day)s", **values),
            _("%(provider)s appeals: %(reason)s", **values))
