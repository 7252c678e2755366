"""``flask worker run`` (the worker process) and ``flask worker status``."""

from __future__ import annotations

import logging
import signal

import click
from flask import current_app
from flask.cli import with_appcontext

from app.retry import SECONDS, check_silence
from app.worker import queue, registry, runner


@click.group("worker", help="Run queued long work (campaign scorecard ZIPs, large imports).")
def worker_cli() -> None:
    pass


@worker_cli.command("run")
@click.option("--once", is_flag=True, help="Exit when no task is waiting instead of polling.")
@click.option("--poll", type=SECONDS, envvar="WORKER_POLL_SECONDS",
              help="Seconds between looks at the queue when idle.")
@click.option("--heartbeat", type=SECONDS, envvar="WORKER_HEARTBEAT_SECONDS",
              help="Seconds between heartbeats of a running task.")
@click.option("--stale-after", type=SECONDS, envvar="WORKER_STALE_SECONDS",
              help="Seconds of silence after which another worker takes a task over.")
@click.option("--max-attempts", type=click.IntRange(min=1), envvar="WORKER_MAX_ATTEMPTS",
              help="Starts of one task before it is failed.")
@click.option("--retry-max", type=SECONDS, envvar="WORKER_RETRY_MAX_SECONDS",
              help="Longest wait between tries while the database is away.")
@with_appcontext
def run(once, poll, heartbeat, stale_after, max_attempts, retry_max):
    """Run queued tasks until stopped (SIGTERM or Ctrl-C). Start as many as you like: each
    task is run by one of them; a database outage is waited out."""
    app = current_app._get_current_object()
    overrides = {"WORKER_POLL_SECONDS": poll, "WORKER_HEARTBEAT_SECONDS": heartbeat,
                 "WORKER_STALE_SECONDS": stale_after, "WORKER_MAX_ATTEMPTS": max_attempts,
                 "WORKER_RETRY_MAX_SECONDS": retry_max}
    settings = {k: v for k, v in overrides.items() if v is not None}
    check_silence(*(float(settings.get(name, runner.setting(app, name)))
                    for name in ("WORKER_HEARTBEAT_SECONDS", "WORKER_STALE_SECONDS")),
                  "--stale-after")
    app.config.update(settings)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    host = runner.WorkerHost(app)
    signal.signal(signal.SIGTERM, lambda *_: host.stop.set())
    kinds = ", ".join(kind.key for kind in registry.registered_kinds())
    click.echo(f"Worker {host.name} starting; task kinds: {kinds}.")
    try:
        ran = host.run(once=once)
    except KeyboardInterrupt:
        host.stop.set()
        ran = None
    click.echo("Worker stopped." if ran is None else f"Worker stopped after {ran} task(s).")


@worker_cli.command("status")
@with_appcontext
def status():
    """Queued tasks by kind and status."""
    counts = queue.counts()
    if not counts:
        click.echo("No queued tasks.")
    for (kind, state), n in sorted(counts.items()):
        click.echo(f"{kind}\t{state}\t{n}")
