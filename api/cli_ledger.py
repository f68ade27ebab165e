"""`reconcile ledger verify`: the balances, and the daily totals the reconciliation reads,
are what the append-only entries (and the statement lines) add up to."""

from __future__ import annotations

import sys

import click

from reconcile.services.verification import (
    daily_total_breaks,
    disbursement_count_breaks,
    ledger_breaks,
)


@click.group("ledger")
def ledger_group() -> None:
    """The ledger."""


@ledger_group.command("verify")
@click.pass_obj
def ledger_verify(ctx) -> None:
    """Re-add every ledger's entries and every day's lines and entries, and recount the
    disbursements; report any balance, daily total or kept count that differs, exit 1 if
    one does."""
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
    counts = disbursement_count_breaks(ctx.engine)
    for c in counts:
        click.echo(
            f"court {c['court_id']} {c['status']} {c['kind']} {c['figure']}: kept {c['kept']}, "
            f"the disbursements recount {c['recounted']}",
            err=True,
        )
    if breaks or days or counts:
        sys.exit(1)
    click.echo("every ledger balance equals the sum of its entries")
    click.echo("every daily total equals its day's lines and entries")
    click.echo("every kept count of disbursements equals a recount")


def register(cli: click.Group) -> None:
    cli.add_command(ledger_group)
