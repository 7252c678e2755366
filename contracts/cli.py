"""``flask households refresh-flags``: recompute the anomaly flags of every household record
(after an upgrade, or after changing ``HOUSEHOLD_SURVEYOR_DAILY_MAX`` or
``HOUSEHOLD_FAR_BELOW_PERCENT``; the scheduler does it every night too)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.extensions import db


@click.group("households", help="Household-survey records.")
def households_cli() -> None:
    pass


@households_cli.command("refresh-flags")
@with_appcontext
def refresh_flags() -> None:
    """Recompute the anomaly flags of every household record."""
    from contracts.households.flags import refresh_all

    flags = refresh_all()
    db.session.commit()
    click.echo(f"{flags} anomaly flags.")
