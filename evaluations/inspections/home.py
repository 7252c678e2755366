"""The inspector's part of the home page: overdue and today's inspections first, the next one
a tap away, and each of them kept on the device for offline work."""

from __future__ import annotations

from app import clock
from app.main.dashboard import Panel, panel_source
from app.users.models import Role, User
from evaluations.inspections.lists import todo_for_inspector


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
