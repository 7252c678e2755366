"""``flask users create`` and ``flask users set-password`` exactly as API.md names them."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.errors import DomainError, ValidationError
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
        db.session.commit()
    except DomainError as error:  # also the address created by somebody else just now
        db.session.rollback()
        raise click.ClickException(_describe(error)) from None
    click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")


@users_cli.command("set-password")
@click.option("--email", required=True)
@click.option("--password", required=True)
@with_appcontext
def set_password(email, password):
    """Set a user's password; every session, remember-me cookie and API token of theirs ends."""
    user = services.get_by_email(email)
    if user is None:
        raise click.ClickException(f"No user has the e-mail {email}.")
    try:
        services.reset_password(user, password)
    except ValidationError as error:
        db.session.rollback()
        raise click.ClickException(_describe(error)) from None
    db.session.commit()
    click.echo(f"Set the password of {user.email}; their sessions and API tokens have ended.")


def _describe(error: DomainError) -> str:
    details = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.fields.items())
    return f"{error.message} {details}".strip()
