"""``zhanqun users``: accounts of the editors' hub."""
from __future__ import annotations

import secrets

import click
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from cli.options import db_option
from hub.tokens import hash_token, new_token
from hub.actions import record
from hub.users.service import reset_password, snapshot
from storage.db import make_engine, session_factory
from storage.migrate import upgrade
from storage.models import USER_ROLES, Unit, User


@click.group()
def users() -> None:
    """Manage hub accounts (admin, editor, reporter)."""


def _sessions(db_url: str):
    engine = make_engine(db_url)
    upgrade(engine)
    return session_factory(engine)


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(USER_ROLES), required=True)
@click.option("--unit", "unit_id", default=None, help="Unit id (reporters).")
@click.option("--password", default=None, help="Password (default: a random one, printed once).")
@db_option
def add(name: str, role: str, unit_id: str | None, password: str | None, db_url: str) -> None:
    """Create account NAME."""
    if role == "reporter" and not unit_id:
        raise click.UsageError("a reporter needs --unit")
    generated = password is None
    if generated:
        password = secrets.token_urlsafe(15)
    with _sessions(db_url)() as session:
        if session.scalar(select(User.id).where(User.username == name)) is not None:
            raise click.ClickException(f"user {name!r} already exists")
        if unit_id and session.get(Unit, unit_id) is None:
            raise click.ClickException(f"unknown unit {unit_id!r}")
        user = User(username=name, role=role, unit_id=unit_id, password_hash=generate_password_hash(password))
        session.add(user)
        session.flush()
        record(session, None, "user_create", None, {}, {**snapshot(user), "via": "cli"})  # audited as "system"
        session.commit()
    click.echo(f"created {role} {name}")
    if generated:
        click.echo(f"password: {password}")


@users.command("token")
@click.argument("name")
@db_option
def token(name: str, db_url: str) -> None:
    """Print a new API token for NAME (only its hash is stored; the old token stops working)."""
    with _sessions(db_url)() as session:
        user = session.scalar(select(User).where(User.username == name))
        if user is None:
            raise click.ClickException(f"no user {name!r}")
        value = new_token()
        had = user.api_token_hash is not None
        user.api_token_hash = hash_token(value)
        record(session, None, "user_token", None, {"user": user.username, "api_token": "replaced" if had else None},
               {"user": user.username, "api_token": "issued", "via": "cli"})
        session.commit()
    click.echo(value)


@users.command("password")
@click.argument("name")
@db_option
def password(name: str, db_url: str) -> None:
    """Give NAME a new random password (printed once) and forget its failed sign-ins.

    The way back in when no administrator can sign in (audited as "system")."""
    with _sessions(db_url)() as session:
        user = session.scalar(select(User).where(User.username == name))
        if user is None:
            raise click.ClickException(f"no user {name!r}")
        secret = reset_password(session, None, user)
        session.commit()
    click.echo(f"password: {secret}")
