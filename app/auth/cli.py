"""`flask --app app users ...`: create, list, disable, enable, set-password.
There are no default accounts: the first admin is made here."""

from __future__ import annotations

import sys
from typing import NoReturn

import click
from flask import Flask
from flask.cli import AppGroup

from ..extensions import db
from ..models import User
from ..transactions import locked, write_transaction
from .accounts import AccountError, all_users, create_user, get_user, set_disabled, set_password
from .sessions import ROLES

users = AppGroup("users", help="Editor and admin accounts.")

PASSWORD_STDIN = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (for scripts).",
)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


def _locked_user(name: str) -> User:
    """The account, locked for this write transaction (raises AccountError)."""
    user = locked(User, get_user(db.session(), name).id)
    assert user is not None
    return user


def _fail(exc: AccountError) -> NoReturn:
    db.session.rollback()
    raise click.ClickException(str(exc))


@users.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="editor or admin.")
@PASSWORD_STDIN
def create_command(name: str, role: str, password_stdin: bool) -> None:
    """Create an account (the password is asked twice, hidden)."""
    password = _password(password_stdin)  # asked before the write lock is taken
    try:
        with write_transaction() as session:
            user = create_user(session, name, role, password)
    except AccountError as exc:
        _fail(exc)
    click.echo(f"Created the {user.role} account {user.name}.")


@users.command("list")
def list_command() -> None:
    """List the accounts: name, role, state, created."""
    accounts = all_users(db.session())
    if not accounts:
        click.echo("No accounts. Create one: flask --app app users create NAME --role admin")
    for user in accounts:
        state = "disabled" if user.disabled else "active"
        click.echo(f"{user.name}\t{user.role}\t{state}\t{user.created_at:%Y-%m-%d %H:%M}")


@users.command("disable")
@click.argument("name")
def disable_command(name: str) -> None:
    """Disable an account and end all its sessions."""
    try:
        with write_transaction():
            user = _locked_user(name)
            set_disabled(user, True)
    except AccountError as exc:
        _fail(exc)
    click.echo(f"Disabled {user.name}; their sessions have ended.")


@users.command("enable")
@click.argument("name")
def enable_command(name: str) -> None:
    """Enable a disabled account."""
    try:
        with write_transaction():
            user = _locked_user(name)
            set_disabled(user, False)
    except AccountError as exc:
        _fail(exc)
    click.echo(f"Enabled {user.name}.")


@users.command("set-password")
@click.argument("name")
@PASSWORD_STDIN
def set_password_command(name: str, password_stdin: bool) -> None:
    """Set a new password (asked twice, hidden); ends all the account's sessions."""
    try:
        get_user(db.session(), name)  # an unknown name fails before the password is asked
        password = _password(password_stdin)
        with write_transaction():
            user = _locked_user(name)
            set_password(user, password)
    except AccountError as exc:
        _fail(exc)
    click.echo(f"Set a new password for {user.name}; their sessions have ended.")


def register(app: Flask) -> None:
    app.cli.add_command(users)
