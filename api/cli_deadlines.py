"""`reconcile scan-deadlines`: the scheduler's deadline scan, on demand."""

from __future__ import annotations

import json
from datetime import date

import click

from reconcile.actors import cli_actor
from reconcile.clock import local_today


@click.command("scan-deadlines")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="the day to scan as of, YYYY-MM-DD (default: today, court time)",
)
@click.pass_obj
def scan_deadlines(ctx, as_of) -> None:
    """Raise the deadline warnings and alerts due; each is raised once, however often run."""
    from reconcile.services.deadlines import scan_deadlines as scan

    day: date = as_of.date() if as_of else local_today()
    report = scan(ctx.engine, ctx.settings, day, actor=cli_actor())
    click.echo(json.dumps(report, ensure_ascii=False, default=str, indent=2))


def register(cli: click.Group) -> None:
    """Add the command to the `reconcile` group."""
    cli.add_command(scan_deadlines)
