"""`reconcile users create`: staff accounts for the web pages."""

from __future__ import annotations

import os

import click

from reconcile.actors import ROLES, cli_actor
from reconcile.services import users

PASSWORD_VARIABLE = "RECONCILE_PASSWORD"  # noqa: S105 - the variable's name, not a password


@click.group("users")
def users_group() -> None:
    """Staff accounts (sign-in to the web pages)."""


@users_group.command("create")
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--court", "court_codes", multiple=True, required=True, help="repeat for more")
@click.option(
    "--person",
    default=None,
    help="the person who signs in (added if new); their API tokens are the same person, "
    "who never approves what they requested. Default: its own person",
)
@click.option(
    "--position",
    default=None,
    help="the person's post (职务), one of [positions] of the courts, e.g. 执行局长; "
    "approval levels name positions",
)
@click.pass_obj
def users_create(
    ctx,
    username: str,
    role: str,
    court_codes: tuple[str, ...],
    person: str | None,
    position: str | None,
) -> None:
    """Create a staff user; asks for the password (or reads RECONCILE_PASSWORD)."""
    password = os.environ.get(PASSWORD_VARIABLE) or click.prompt(
        "password", hide_input=True, confirmation_prompt=True
    )
    user = users.create_user(
        ctx.uow(),
        cli_actor(),
        username=username,
        password=password,
        role=role,
        courts=list(court_codes),
        person=person,
        position=position,
        settings=ctx.settings,
    )
    click.echo(
        f"user {user['username']} ({user['role']}, {', '.join(user['courts'])}) created"
        f" for person {user['person']}{' (new)' if user['new_person'] else ''}"
        f"{', ' + user['position'] if user['position'] else ''}"
    )


def register(cli: click.Group) -> None:
    """Add the `users` commands to the `reconcile` group."""
    cli.add_command(users_group)
