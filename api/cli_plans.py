"""`reconcile plans execute-due`: the daily execution of distribution plans, on demand."""

from __future__ import annotations

import json
from datetime import date

import click

from reconcile.actors import cli_actor
from reconcile.clock import local_today


@click.group("plans")
def plans() -> None:
    """Distribution plans (分配方案)."""


@plans.command("execute-due")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="the day to execute as of, YYYY-MM-DD (default: today, court time)",
)
@click.pass_obj
def execute_due(ctx, as_of) -> None:
    """Execute every plan whose objection period ended with no objection; each once,
    however often run and beside the scheduler."""
    from reconcile.services.distribution_plans import execute_due_plans

    day: date = as_of.date() if as_of else local_today()
    report = execute_due_plans(ctx.engine, ctx.settings, day, actor=cli_actor())
    click.echo(json.dumps(report, ensure_ascii=False, default=str, indent=2))


def register(cli: click.Group) -> None:
    """Add the command group to the `reconcile` group."""
    cli.add_command(plans)
