"""``flask demo seed``: safe to run twice."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.demo.seed import DEMO_LOGINS, seed_demo
from app.extensions import db


@click.group("demo", help="The demo city.")
def demo_cli() -> None:
    pass


@demo_cli.command("seed")
@with_appcontext
def seed():
    """Fill an empty database with the demo city; does nothing if it is already there."""
    created = seed_demo()
    db.session.commit()
    if created:
        click.echo("Seeded the demo city. Demo logins:")
    else:
        click.echo("The demo city is already there. Demo logins:")
    for role, email, password in DEMO_LOGINS:
        click.echo(f"  {role:<10} {email:<28} {password}")
