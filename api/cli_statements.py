"""`reconcile import` and `reconcile parse`: statements from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from importers import parse_file
from importers.base import StatementParseError
from importers.serialize import statement_to_json
from reconcile.actors import cli_actor
from reconcile.booking_window import BookingWindow
from reconcile.errors import DomainError

FORMAT_HELP = "ofx | camt053 | mt940 | csv[:profile]; detected from the content if omitted"


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--account", default=None, help="the collection account, if the file lacks it")
@click.option("--format", "format_", default=None, help=FORMAT_HELP)
@click.pass_obj
def import_command(ctx, file: Path, account: str | None, format_: str | None) -> None:
    """Import a statement file: completely or not at all, and only once."""
    from reconcile.services import imports

    with file.open("rb") as source:
        try:
            report = imports.import_statement(
                ctx.uow(),
                cli_actor(),
                source,
                filename=file.name,
                format=format_,
                account=account,
                batch_size=ctx.settings["imports"]["batch_size"],
                progress=_show_progress(file.name),
                booking_window=BookingWindow.from_settings(ctx.settings["imports"]),
                return_window_days=ctx.settings["imports"].get("returned_payment_window_days", 30),
            )
        except DomainError as e:
            click.echo(f"\nerror: {e.message}", err=True)
            sys.exit(2)
    click.echo(f"\r{file.name}: {report['lines_total']} lines read", err=True)
    click.echo(json.dumps(report, ensure_ascii=False, indent=2))


def _show_progress(name: str):
    def show(lines_read: int) -> None:
        click.echo(f"\r{name}: {lines_read} lines read…", nl=False, err=True)

    return show


@click.command("parse")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "format_", default=None, help=FORMAT_HELP)
def parse_command(file: Path, format_: str | None) -> None:
    """Print the normalised statement(s) as JSON; store nothing."""
    try:
        with file.open("rb") as source:
            statements = [
                statement_to_json(s) for s in parse_file(source, format_, filename=file.name)
            ]
    except StatementParseError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    click.echo(json.dumps(statements, ensure_ascii=False, indent=2))


def register(cli: click.Group) -> None:
    cli.add_command(import_command)
    cli.add_command(parse_command)
