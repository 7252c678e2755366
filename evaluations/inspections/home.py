"""The inspector's part of the home page: overdue and today's inspections first, the next one
a tap away, and each of them kept on the device for offline work; and the home page's cards of
evaluation work waiting: inspections past their date, corrective actions past their deadline
(one COUNT each)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from app import clock
from app.main.dashboard import NEEDS_ACTION, Card, Panel, card_source, count, panel_source
from app.users.models import Role, User
from evaluations.actions.models import CorrectiveAction
from evaluations.actions.services import overdue_clause, visible_actions
from evaluations.inspections.lists import OVERDUE, overdue, todo_for_inspector
from evaluations.inspections.models import Inspection
from evaluations.inspections.services import visible_inspections


@card_source
def evaluation_cards(user: User) -> list[Card]:
    if user.role not in (Role.ADMIN, Role.OFFICER, Role.INSPECTOR):
        return []
    today = clock.today()
    late = visible_inspections(user).with_only_columns(Inspection.id).where(overdue(today))
    actions = visible_actions(user).with_only_columns(CorrectiveAction.id).where(
        overdue_clause(today))
    # the list the card opens shows what it counts: begun visits too, no correction
    return [Card(_l("Inspections overdue"), count(late),
                 url_for("evaluations.inspections", status=OVERDUE),
                 priority=NEEDS_ACTION + 2),
            Card(_l("Corrective actions overdue"), count(actions),
                 url_for("evaluations.action_list", overdue="yes"), priority=NEEDS_ACTION + 3)]


@panel_source
def inspector_home(user: User) -> list[Panel]:
    if user.role is not Role.INSPECTOR:
        return []
    today = clock.today()
    todo = todo_for_inspector(user, today)
    ordered = todo["overdue"] + todo["today"] + todo["upcoming"]
    return [Panel("evaluations/_inspector_home.html",
                  {"todo": todo, "next": ordered[0] if ordered else None, "today": today},
                  columns="col-12")]
