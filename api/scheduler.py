"""`reconcile scheduler`: the background jobs as their own process, for production.

Under gunicorn every worker is a copy of the web app; starting the scheduler there would
run each job once per worker. The jobs would still be correct (api/jobs.py: the deadline
scan claims batches of cases with SKIP LOCKED, delivery leases outbox rows, alerts are
raised once per finding), but they would do the work several times over. So the web
workers never start it, and one scheduler process per deployment does; a second one on
another host, for availability, is safe for the same reasons. `reconcile serve` still
runs the jobs in-process for development.
"""

from __future__ import annotations

import logging
import signal
import threading

import click

from api import logging as app_logging

log = logging.getLogger("api.scheduler")  # the same name when run with -m


def run_scheduler(engine, settings: dict, stop: threading.Event) -> None:
    """Run the jobs until `stop` is set, then wait for a running job to finish."""
    from api.jobs import start_scheduler

    forced = {**settings, "scheduler": {**settings["scheduler"], "enabled": True}}
    scheduler = start_scheduler(engine, forced)
    log.info("scheduler started: %s", ", ".join(sorted(job.id for job in scheduler.get_jobs())))
    try:
        stop.wait()
    finally:
        log.info("scheduler stopping; waiting for a running job to finish")
        scheduler.shutdown(wait=True)
        log.info("scheduler stopped")


def _stop_on_signals(stop: threading.Event) -> None:
    def handler(signum, _frame):
        log.info("received %s", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def register(cli: click.Group) -> None:
    """Add `reconcile scheduler` to the command group."""
    from api.cli import pass_ctx

    @cli.command("scheduler")
    @pass_ctx
    def scheduler_command(ctx) -> None:
        """Run the deadline scan, alert delivery and daily reconciliation (production).

        Runs until SIGTERM or Ctrl-C; the [scheduler] enabled setting does not apply.
        """
        app_logging.configure(ctx.settings)
        stop = threading.Event()
        _stop_on_signals(stop)
        run_scheduler(ctx.engine, ctx.settings, stop)


def main() -> None:
    """`python -m api.scheduler`: the same command without the `reconcile` group."""
    from api.cli import cli

    register(cli)
    cli(["scheduler"])


if __name__ == "__main__":
    main()
