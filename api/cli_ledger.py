"""`reconcile ledger verify`: the balances, and the daily totals the reconciliation reads,
are what the append-only entries (and the statement lines) add up to."""

from __future__ import annotations

import sys

import click

from reconcile.services.verification import daily_total_breaks, ledger_breaks


@click.group("ledger")
def ledger_group() -> None:
    """The ledger."""


@ledger_group.command("verify")
@click.pass_obj
def ledger_verify(ctx) -> None:
    """Re-add every ledger's entries and every day's lines and entries; report any balance or
    daily total that differs, exit 1 if one does."""
    breaks = ledger_breaks(ctx.engine)
    for b in breaks:
        click.echo(
            f"ledger {b['ledger_account_id']} {b['bucket']}: balance {b['balance']} fen, "
            f"entries add up to {b['entries']} fen",
            err=True,
        )
    days = daily_total_breaks(ctx.engine)
    for d in days:
        click.echo(
            f"account {d['collection_account_id']} {d['day']} {d['figure']}: daily total "
            f"{d['kept']} fen, lines and entries add up to {d['recomputed']} fen",
            err=True,
        )
    if breaks or days:
        sys.exit(1)
    click.echo("every ledger balance equals the sum of its entries")
    click.echo("every daily total equals its day's lines and entries")


def register(cli: click.Group) -> None:
    cli.add_command(ledger_group)
