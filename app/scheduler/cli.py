"""``flask scheduler run`` (the scheduler process), ``list`` and ``run-job``."""

from __future__ import annotations

import logging
import signal
from importlib import import_module

import click
from flask import current_app
from flask.cli import with_appcontext

from app.retry import SECONDS, check_silence
from app.scheduler import registry, runner
from app.scheduler.services import job_overview

#: what a PostgreSQL advisory lock key holds (a bigint)
LOCK_KEYS = click.IntRange(-(2**63), 2**63 - 1)


@click.group("scheduler", help="Run and inspect scheduled jobs.")
def scheduler_cli() -> None:
    pass


def _import_job_modules(modules: tuple[str, ...]) -> None:
    for name in modules:
        import_module(name)


@scheduler_cli.command("run")
@click.option("--heartbeat", type=SECONDS, envvar="SCHEDULER_HEARTBEAT_SECONDS",
              help="Seconds between lock refreshes.")
@click.option("--lock-timeout", type=SECONDS, envvar="SCHEDULER_LOCK_TIMEOUT_SECONDS",
              help="Seconds after which a silent leader's lock row is free (SQLite).")
@click.option("--standby-retry", type=SECONDS, envvar="SCHEDULER_STANDBY_RETRY_SECONDS",
              help="Seconds between a standby's tries of the lock.")
@click.option("--command-poll", type=SECONDS, envvar="SCHEDULER_COMMAND_POLL_SECONDS",
              help="Seconds between reads of the admin page's commands.")
@click.option("--lock-key", type=LOCK_KEYS, envvar="SCHEDULER_LOCK_KEY",
              help="PostgreSQL advisory lock key.")
@click.option("--job-module", "job_modules", multiple=True, envvar="SCHEDULER_JOB_MODULES",
              help="Extra module registering jobs at import (repeatable).")
@click.option("--retry-first", type=SECONDS, envvar="SCHEDULER_RETRY_FIRST_SECONDS",
              help="Seconds to wait after the first failed try of the database.")
@click.option("--retry-max", type=SECONDS, envvar="SCHEDULER_RETRY_MAX_SECONDS",
              help="Longest wait between tries while the database is away.")
@with_appcontext
def run(heartbeat, lock_timeout, standby_retry, command_poll, lock_key, job_modules,
        retry_first, retry_max):
    """Run the scheduler until stopped (SIGTERM or Ctrl-C); one process leads, others wait.

    A database outage is waited out, never a reason to exit."""
    app = current_app._get_current_object()
    overrides = {"SCHEDULER_HEARTBEAT_SECONDS": heartbeat,
                 "SCHEDULER_LOCK_TIMEOUT_SECONDS": lock_timeout,
                 "SCHEDULER_STANDBY_RETRY_SECONDS": standby_retry,
                 "SCHEDULER_COMMAND_POLL_SECONDS": command_poll,
                 "SCHEDULER_LOCK_KEY": lock_key,
                 "SCHEDULER_RETRY_FIRST_SECONDS": retry_first,
                 "SCHEDULER_RETRY_MAX_SECONDS": retry_max}
    settings = {k: v for k, v in overrides.items() if v is not None}
    check_silence(*(float(settings.get(name, runner.setting(app, name))) for name in (
        "SCHEDULER_HEARTBEAT_SECONDS", "SCHEDULER_LOCK_TIMEOUT_SECONDS")), "--lock-timeout")
    app.config.update(settings)
    _import_job_modules(job_modules)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    host = runner.SchedulerHost(app)
    signal.signal(signal.SIGTERM, lambda *_: host.stop.set())
    click.echo(f"Scheduler starting with {len(registry.registered_jobs())} job(s).")
    try:
        host.run()
    except KeyboardInterrupt:
        host.stop.set()
    click.echo("Scheduler stopped.")


@scheduler_cli.command("list")
@with_appcontext
def list_jobs():
    """List the registered jobs with their next run time."""
    for row in job_overview():
        when = row.next_run_at.isoformat() if row.next_run_at else (
            "paused" if row.paused else "not scheduled yet")
        click.echo(f"{row.spec.id}\t{row.spec.trigger_text}\t{when}")


@scheduler_cli.command("run-job")
@click.argument("job_id")
@with_appcontext
def run_job(job_id):
    """Run one job now in this process, and record the run."""
    if registry.get_job(job_id) is None:
        raise click.ClickException(f"No job {job_id!r} is registered.")
    run = runner.run_job(current_app._get_current_object(), job_id, manual=True)
    click.echo(f"{job_id}: {run.status.value} in {run.duration_ms} ms {run.message}".rstrip())
    if run.status.value == "error":
        raise SystemExit(1)
