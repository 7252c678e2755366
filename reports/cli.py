"""``flask reports scorecards --campaign ID --out FILE``: a campaign's scorecards as one ZIP."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from app.extensions import db
from app.validation import INT_MAX
from evaluations.campaigns.models import Campaign
from reports.scorecards.batch import campaign_inspection_ids, write_campaign_zip


@click.group("reports", help="Scorecards and exports.")
def reports_cli() -> None:
    pass


@reports_cli.command("scorecards")
@click.option("--campaign", "campaign_id", type=click.IntRange(1, INT_MAX), required=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option("--locale", default="zh_CN", type=click.Choice(["zh_CN", "en"]))
@with_appcontext
def scorecards(campaign_id: int, out: str, locale: str) -> None:
    """Write every scored inspection's scorecard of a campaign into a ZIP file."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise click.ClickException(f"No campaign has id {campaign_id}.")
    total = len(campaign_inspection_ids(campaign))
    with click.progressbar(length=total, label="Scorecards", show_pos=True) as bar, \
            force_locale(locale):
        last = [0]

        def advance(done: int, _total: int) -> None:
            bar.update(done - last[0])
            last[0] = done

        try:
            written = write_campaign_zip(campaign, Path(out), advance)
        except OSError as error:  # no such folder, no right to write, the disk full
            raise click.ClickException(f"Cannot write {out}: {error.strerror or error}.") \
                from None
    click.echo(f"Wrote {written} scorecards to {out}.")


@reports_cli.command("refresh-performance")
@with_appcontext
def refresh_performance() -> None:
    """Recompute the performance figures of every active or completed contract, the counts of
    items scored short, the sums behind the scorecards' city means and the inspections the
    plan keeps per target."""
    from reports.jobs import refresh_performance as job

    click.echo(f"Wrote {job()}.")
