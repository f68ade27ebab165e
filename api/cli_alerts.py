"""`reconcile deliver-alerts` and `reconcile desk-receiver`: the outbox by hand, and its peer."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import click

from api.cli import Context, pass_ctx
from reconcile.services.alerts import DeliveryReport, deliver_pending, requeue_dead

log = logging.getLogger(__name__)


@click.command("deliver-alerts")
@click.option("--loop", is_flag=True, help="keep delivering until stopped")
@click.option(
    "--interval",
    type=float,
    default=None,
    help="seconds between passes with --loop (default: [delivery] interval_seconds)",
)
@click.option(
    "--requeue-dead", "requeue_dead_", is_flag=True, help="first give dead letters a new window"
)
@pass_ctx
def deliver_alerts(ctx: Context, loop: bool, interval: float | None, requeue_dead_: bool) -> None:
    """Deliver pending alerts and case events (one pass, or --loop)."""
    if requeue_dead_:
        click.echo(f"{requeue_dead(ctx.engine)} dead deliveries requeued")
    if not loop:
        click.echo(_summary(deliver_pending(ctx.engine, ctx.settings)))
        return
    interval = ctx.settings["delivery"]["interval_seconds"] if interval is None else interval
    try:
        _deliver_forever(ctx, interval)
    except KeyboardInterrupt:
        click.echo("stopped")


def _deliver_forever(ctx: Context, interval: float) -> None:
    while True:
        try:
            report = deliver_pending(ctx.engine, ctx.settings)
        except Exception:  # a pass that fails (database away) must not end the loop
            log.exception("delivery pass failed")
            report = DeliveryReport()
        if report.claimed:
            click.echo(_summary(report))
        if report.claimed < ctx.settings["delivery"]["batch_size"]:
            time.sleep(interval)


def _summary(report: DeliveryReport) -> str:
    return (
        f"delivered {report.delivered}, retrying {report.failed}, dead {report.dead}, "
        f"discarded {report.discarded}, released {report.released}"
    )


@click.command("desk-receiver")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, required=True)
@click.option("--secret", default=None, help="comma-separated (default: [desk] webhook_secret)")
@click.option(
    "--store",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="append what arrives to this JSON-lines file (and remember its ids across restarts)",
)
@pass_ctx
def desk_receiver(
    ctx: Context, host: str, port: int, secret: str | None, store: Path | None
) -> None:
    """Run the reference complaint-desk receiver: verify, de-duplicate, print."""
    from api.desk_receiver import DeskReceiver

    secret = secret or ctx.settings["desk"]["webhook_secret"]
    if not secret:
        raise click.ClickException("give --secret or set RECONCILE_DESK_WEBHOOK_SECRET")
    receiver = DeskReceiver([secret], host=host, port=port, store=store, out=sys.stdout)
    click.echo(f"listening on {receiver.url}")
    try:
        receiver.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")


def register(group: click.Group) -> None:
    """Add the alert commands to the `reconcile` group."""
    group.add_command(deliver_alerts)
    group.add_command(desk_receiver)
