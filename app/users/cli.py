"""``flask users create`` exactly as API.md names it."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.errors import ValidationError
from app.extensions import db
from app.regions.services import get_by_code
from app.users import services


@click.group("users", help="Manage user accounts.")
def users_cli() -> None:
    pass


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True,
              type=click.Choice(["admin", "officer", "inspector", "provider"]))
@click.option("--region", "region_code", default=None, help="Region code (officer, inspector).")
@click.option("--provider-id", type=int, default=None, help="Provider organization (provider).")
@click.option("--name", default="")
@with_appcontext
def create(email, password, role, region_code, provider_id, name):
    """Create a user."""
    region = None
    if region_code:
        region = get_by_code(region_code)
        if region is None:
            raise click.ClickException(f"Unknown region code {region_code}.")
    try:
        user = services.create_user(email=email, password=password, role=role, name=name,
                                    region=region, provider_id=provider_id)
    except ValidationError as error:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.fields.items())
        db.session.rollback()
        raise click.ClickException(f"{error.message} {details}".strip()) from None
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")
