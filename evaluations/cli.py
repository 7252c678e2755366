"""``flask templates ...``: seed the built-in assessment templates, export and import them."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.errors import ValidationError
from app.extensions import db
from app.validation import INT_MAX, parse_json
from evaluations.assessment import services
from evaluations.assessment.models import AssessmentTemplate


@click.group("templates", help="Assessment templates.")
def templates_cli() -> None:
    pass


@templates_cli.command("seed-builtin")
@with_appcontext
def seed_builtin():
    """Store the four built-in templates (published, version 1) whose code is absent."""
    created = services.seed_builtin_templates()
    db.session.commit()
    for template in created:
        click.echo(f"Stored {template.code} version {template.version}.")
    if not created:
        click.echo("The built-in templates are already there.")


@templates_cli.command("export")
@click.argument("code")
@click.option("--version", "version", type=click.IntRange(1, INT_MAX), default=None,
              help="Version to export (default: the current one).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: standard output).")
@with_appcontext
def export(code, version, output):
    """Write template CODE in the format careprocure-template/1."""
    if version is None:
        template = services.current_template(code)
    else:
        template = db.session.scalar(services.template_stmt(code=code).where(
            AssessmentTemplate.version == version))
    if template is None:
        raise click.ClickException(f"No {'current' if version is None else f'version {version} of'}"
                                   f" template {code}.")
    text = json.dumps(services.export_template(template), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:  # no such folder, no right to write
            raise click.ClickException(f"Cannot write {output}: {error.strerror or error}.") \
                from None
        click.echo(f"Wrote {code} version {template.version} to {output}.", err=True)


@templates_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--publish", is_flag=True, help="Publish at once instead of storing a draft.")
@with_appcontext
def import_(file, publish):
    """Import FILE (careprocure-template/1) as the next version of its code."""
    try:
        # the app's reading of JSON: a file nested thousands deep is refused, not a traceback
        data = parse_json(file.read_text(encoding="utf-8-sig"))
    except ValueError as error:  # not UTF-8, not JSON, or nested too deeply
        raise click.ClickException(f"{file} is not JSON: {error}") from None
    try:
        template = services.import_template(data, None, publish=publish)
    except ValidationError as error:
        db.session.rollback()
        lines = [error.message] + [f"  {path}: {msg}" for path, msgs in error.fields.items()
                                   for msg in msgs]
        raise click.ClickException("\n".join(lines)) from None
    db.session.commit()
    click.echo(f"Imported {template.code} version {template.version} ({template.status.value}).")


@click.group("inspections", help="Inspections and their evidence.")
def inspections_cli() -> None:
    pass


@inspections_cli.command("hash-photos")
@click.option("--batch", type=click.IntRange(1, 10_000), default=500, show_default=True,
              help="Photos per transaction.")
@with_appcontext
def hash_photos(batch: int):
    """Fill in the perceptual hash and GPS position of photos stored before they were kept.

    Reads each unhashed photo's stored file once; run it again at any time (featureless
    pictures stay unhashed and are read again, which is cheap)."""
    from evaluations.inspections.backfill import backfill_photos

    hashed, unreadable = backfill_photos(batch)
    click.echo(f"Hashed {hashed} photos; {unreadable} files missing or unreadable.")
