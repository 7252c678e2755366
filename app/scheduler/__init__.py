"""The scheduler host: APScheduler in its own process (``flask scheduler run``), jobs from a
registry, one leader among scheduler processes, a record of every run, an admin page.

Web workers never start a scheduler. The admin page talks to the scheduler process through
rows of ``job_commands``, which it picks up within seconds.
"""

from flask import Blueprint

bp = Blueprint("scheduler", __name__, template_folder="templates", url_prefix="/admin/scheduler")

from app.scheduler import views  # noqa: E402,F401
