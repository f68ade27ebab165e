"""The `reconcile` command: schema, registry, tokens, audit, demo data, the server."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reconcile.actors import ROLES, cli_actor
from reconcile.db import migrate
from reconcile.db.engine import make_engine
from reconcile.db.uow import UnitOfWork
from reconcile.errors import DomainError
from reconcile.services import checkpoints, courts, tokens, verification
from reconcile.settings import SettingsError, load_settings


class Context:
    """Settings and engine, built on first use so `--help` needs no database."""

    def __init__(self) -> None:
        self._settings = None
        self._engine = None

    @property
    def settings(self) -> dict:
        if self._settings is None:
            try:
                self._settings = load_settings()
            except SettingsError as e:
                raise click.ClickException(str(e)) from e
        return self._settings

    @property
    def engine(self):
        if self._engine is None:
            db = self.settings["database"]
            self._engine = make_engine(
                db["url"], pool_size=db["pool_size"], audit_key=self.settings["audit"]["key"]
            )
        return self._engine

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


pass_ctx = click.make_pass_decorator(Context, ensure=True)


@click.group()
@click.pass_context
def cli(click_ctx: click.Context) -> None:
    """Case-account reconciliation for court enforcement funds (一案一账号)."""
    click_ctx.call_on_close(click_ctx.ensure_object(Context).close)


@cli.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
@pass_ctx
def db_upgrade(ctx: Context) -> None:
    """Create or upgrade the schema."""
    migrate.upgrade(ctx.engine)
    click.echo("schema is up to date")


@cli.group("courts")
def courts_group() -> None:
    """Courts."""


@courts_group.command("add")
@click.option("--code", required=True, help="court code, e.g. 京0105")
@click.option("--name", required=True)
@pass_ctx
def courts_add(ctx: Context, code: str, name: str) -> None:
    """Register a court."""
    court = courts.add_court(ctx.uow(), cli_actor(), code, name)
    click.echo(f"court {court['code']} added (id {court['id']})")


@cli.group("accounts")
def accounts_group() -> None:
    """Collection accounts (执行款专户)."""


@accounts_group.command("add")
@click.option("--court", required=True)
@click.option("--number", required=True, help="the collection account number")
@click.option("--bank", required=True, help="bank name")
@click.option("--name", "account_name", help="the holder's name as the bank registered it")
@click.option("--sub-account-prefix", required=True, help="digits sub-accounts start with")
@click.option(
    "--no-check-digits",
    is_flag=True,
    help="the bank's sub-account numbers carry no MOD 97-10 check digits",
)
@click.option(
    "--court-account",
    "court_accounts",
    multiple=True,
    help="a court account debits may lawfully go to (e.g. the fee account)",
)
@pass_ctx
def accounts_add(
    ctx: Context,
    court: str,
    number: str,
    bank: str,
    sub_account_prefix: str,
    no_check_digits: bool,
    court_accounts: tuple[str, ...],
    account_name: str | None,
) -> None:
    """Register a collection account."""
    account = courts.add_collection_account(
        ctx.uow(),
        cli_actor(),
        court=court,
        number=number,
        bank=bank,
        sub_account_prefix=sub_account_prefix,
        check_digits=not no_check_digits,
        sub_account_width=ctx.settings["sub_accounts"]["sequence_width"],
        currency=ctx.settings["court"]["currency"],
        court_accounts=list(court_accounts),
        account_name=account_name,
    )
    click.echo(f"collection account {account['account_number']} added for {court}")


@cli.group("tokens")
def tokens_group() -> None:
    """API tokens."""


@tokens_group.command("create")
@click.option(
    "--role",
    required=True,
    type=click.Choice(ROLES),
)
@click.option("--court", "court_codes", multiple=True, required=True)
@click.option("--name", default=None, help="who or what uses it")
@click.option(
    "--person",
    default=None,
    help="the person it belongs to (added if new); their other tokens and staff sign-ins "
    "are the same person, who never approves what they requested. Default: its own person",
)
@click.option(
    "--position",
    default=None,
    help="the person's post (职务), one of [positions] of the courts, e.g. 执行局长; "
    "approval levels name positions",
)
@pass_ctx
def tokens_create(
    ctx: Context,
    role: str,
    court_codes: tuple[str, ...],
    name: str | None,
    person: str | None,
    position: str | None,
) -> None:
    """Create a token and print it once; only its hash is stored."""
    token = tokens.create_token(
        ctx.uow(),
        cli_actor(),
        role=role,
        courts=list(court_codes),
        name=name or f"{role} token",
        person=person,
        position=position,
        settings=ctx.settings,
    )
    click.echo(token)


@tokens_group.command("list")
@pass_ctx
def tokens_list(ctx: Context) -> None:
    """List tokens: id, role, courts, whether revoked, person and name (never the token)."""
    for t in tokens.list_tokens(ctx.uow(), cli_actor()):
        state = "revoked" if t["revoked_at"] else "live"
        click.echo(
            f"{t['id']:>5}  {t['role']:<12} {','.join(t['courts']):<20} {state:<8} "
            f"{t['person']:<16} {t['position'] or '—':<8} {t['name']}"
        )


@tokens_group.command("revoke")
@click.argument("token_id", type=int)
@pass_ctx
def tokens_revoke(ctx: Context, token_id: int) -> None:
    """Revoke a token by its id (see `reconcile tokens list`)."""
    tokens.revoke_token(ctx.uow(), cli_actor(), token_id)
    click.echo(f"token {token_id} revoked")


@cli.group("audit")
def audit_group() -> None:
    """The audit trail."""


@audit_group.command("verify")
@click.option(
    "--checkpoints",
    "checkpoints_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The checkpoints the complaint desk kept (JSON lines; the reference receiver's "
    "--store file will do). Without it, the database's own copies are used, which a "
    "database writer could have removed.",
)
@pass_ctx
def audit_verify(ctx: Context, checkpoints_file: Path | None) -> None:
    """Check the keyed hash chain, then the chain's head and the ledger entries and
    statement lines against the signed checkpoints; report every break."""
    documents = None
    if checkpoints_file is not None:
        try:
            documents = checkpoints.read_documents(checkpoints_file.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            raise click.ClickException(f"{checkpoints_file}: {e}") from e
    problems = []
    chain_break = verification.audit_trail_break(ctx.engine)
    if chain_break is not None:
        problems.append(f"audit trail broken: {chain_break}")
    problems += [
        f"checkpoint broken: {b}" for b in checkpoints.checkpoint_breaks(ctx.engine, documents)
    ]
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(1)
    seen = "the desk's" if documents is not None else "the database's own"
    click.echo(f"audit trail intact; {seen} checkpoints hold")


@audit_group.command("checkpoint")
@pass_ctx
def audit_checkpoint(ctx: Context) -> None:
    """Take a signed checkpoint now and queue it for the complaint desk."""
    checkpoint = checkpoints.take_checkpoint(ctx.engine)
    click.echo(
        f"checkpoint {checkpoint.number}: audit record {checkpoint.audit_seq}, "
        f"{checkpoint.ledger_entries.total} ledger entries, "
        f"{checkpoint.statement_lines.total} statement lines"
    )


@cli.command()
@pass_ctx
def demo(ctx: Context) -> None:
    """Load a small demo court with cases, and print tokens to try the API with."""
    from api.demo import load_demo

    migrate.upgrade(ctx.engine)
    for line in load_demo(ctx.engine, ctx.settings):
        click.echo(line)


@cli.command()
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8000, type=int)
@click.option("--demo", "with_demo", is_flag=True, help="load the demo court first")
@pass_ctx
def serve(ctx: Context, host: str, port: int, with_demo: bool) -> None:
    """Run the API and staff pages (development server; see docs for production)."""
    from api import create_app

    migrate.upgrade(ctx.engine)
    if with_demo:
        from api.demo import load_demo

        for line in load_demo(ctx.engine, ctx.settings):
            click.echo(line)
    from api.jobs import start_scheduler

    app = create_app({"settings": ctx.settings, "engine": ctx.engine})
    scheduler = start_scheduler(app, ctx.settings)
    click.echo(f"serving on http://{host}:{port}/  (API: http://{host}:{port}/api/v1/openapi.json)")
    try:
        app.run(host=host, port=port, threaded=True, use_reloader=False)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)


def main() -> None:
    """Run the CLI, turning domain errors into one clear line and exit code 1."""
    try:
        cli(standalone_mode=True)
    except DomainError as e:
        click.echo(f"error: {e.message}", err=True)
        sys.exit(1)


def _add_commands() -> None:
    """Add the commands that live beside their areas (they use Context from this module)."""
    from api import cli_alerts, cli_deadlines, cli_ledger, cli_statements, cli_users, scheduler

    for module in (cli_statements, cli_alerts, cli_deadlines, cli_users, cli_ledger, scheduler):
        module.register(cli)
    from api import cli_plans

    cli_plans.register(cli)


_add_commands()
