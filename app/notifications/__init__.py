"""In-app notices with optional e-mail: the bell, the list, per-user preferences.

Features call :func:`app.notifications.services.notify` with a ``dedupe_key`` naming the event
(``"submission_due:42:2026-12-01"``); the database keeps each key once, so a job that reruns
never notifies twice. E-mail goes out only after the transaction that stored the notice commits.
"""

from flask import Blueprint

bp = Blueprint("notifications", __name__, template_folder="templates",
               url_prefix="/notifications")

from app.notifications import views  # noqa: E402,F401
