"""`reconcile ledger verify`: the balances are what the append-only entries add up to."""

from __future__ import annotations

import sys

import click

from reconcile.services.verification import ledger_breaks


@click.group("ledger")
def ledger_group() -> None:
    """The ledger."""


@ledger_group.command("verify")
@click.pass_obj
def ledger_verify(ctx) -> None:
    """Re-add every ledger's entries; report any balance that differs, exit 1 if one does."""
    breaks = ledger_breaks(ctx.engine)
    for b in breaks:
        click.echo(
            f"ledger {b['ledger_account_id']} {b['bucket']}: balance {b['balance']} fen, "
            f"entries add up to {b['entries']} fen",
            err=True,
        )
    if breaks:
        sys.exit(1)
    click.echo("every ledger balance equals the sum of its entries")


def register(cli: click.Group) -> None:
    cli.add_command(ledger_group)
