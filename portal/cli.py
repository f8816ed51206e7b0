"""The ``portal`` command. Each command is attached in :func:`init_app`, so it runs inside a real app."""

from __future__ import annotations

import getpass
import sys
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup

from metadata.codelists.demo import seed_code_lists
from metadata.sims.demo import seed_documentation
from portal import migrate
from portal.access import CLI_ACTOR
from portal.accounts import service as accounts
from portal.accounts.models import Role
from portal.db import get_database
from portal.demo import seed
from portal.errors import PortalError
from portal.programme.service import find_producer
from pxbridge.demo import seed_tables
from pxbridge.views import get_store
from release_calendar.demo import seed_releases


def _create_app() -> Flask:
    from portal.app import create_app

    return create_app()


main = FlaskGroup(
    name="portal",
    create_app=_create_app,
    add_default_commands=False,
    add_version_option=False,
    load_dotenv=False,
    set_debug_flag=False,
    help="Statistikkportalen: serve the portal and manage its database, users and API tokens.",
)


def _now() -> Any:
    return current_app.extensions["portal.clock"].now()


def _fail(error: PortalError) -> None:
    raise click.ClickException(error.detail or error.title)


def upgrade_database() -> None:
    migrate.upgrade(get_database().engine)


def seed_demo() -> list[seed.DemoAccount]:
    with get_database().session() as session:
        added = seed.seed_programme(session, _now())
        created = seed.seed_demo_accounts(session, _now())
        releases = seed_releases(session, _now())
        documentation = seed_documentation(session, _now())
        code_lists = seed_code_lists(session, _now())
        tables = seed_tables(session, get_store(), _now())
    from portal.search import documents
    from portal.search.views import get_index

    with get_database().sessions() as session:
        indexed = get_index().rebuild(documents.all_docs(session))
    click.echo(
        f"Demo data: {added['producers']} producers, {added['subject_areas']} subject areas, "
        f"{added['statistics']} statistics, {releases} releases, {documentation} documentation "
        f"versions, {code_lists} code lists, {tables} tables, {len(created)} accounts added; "
        f"{indexed} documents in the search index."
    )
    return created


def print_demo_accounts() -> None:
    click.echo("\nDemo accounts (demo only — never use these passwords in production):")
    for account in seed.DEMO_ACCOUNTS:
        where = account.producer.upper() if account.producer else "all producers"
        click.echo(f"  {account.email:45} {account.password:26} {account.role.value} ({where})")


@click.command("serve")
@click.option(
    "--demo", is_flag=True, help="Migrate and seed an empty database with demo data first."
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
def serve_command(demo: bool, host: str, port: int, workers: int) -> None:
    """Serve the portal with gunicorn (a production WSGI server)."""
    from portal.serve import run

    if demo:
        upgrade_database()
        with get_database().session() as session:
            empty = seed.is_empty(session)
        if empty:
            seed_demo()
        print_demo_accounts()
    elif migrate.current_revision(get_database().engine) != migrate.head_revision(
        get_database().engine
    ):
        raise click.ClickException("The database is not migrated: run `portal db upgrade` first.")
    from portal.search import documents
    from portal.search.views import get_index

    if get_index().recreated:  # the index folder held an older schema: rebuild it before serving
        with get_database().sessions() as session:
            count = get_index().rebuild(documents.all_docs(session))
        click.echo(f"The search index had an older schema; rebuilt with {count} documents.")
    click.echo(
        f"\nStatistikkportalen on http://{host}:{port}/  (English: http://{host}:{port}/en/)"
    )
    get_database().dispose()
    run(host=host, port=port, workers=workers)


@click.group("db")
def db_group() -> None:
    """The database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Migrate the database to the newest schema (or REVISION)."""
    migrate.upgrade(get_database().engine, revision)
    click.echo(f"Database at revision {migrate.current_revision(get_database().engine)}.")


@db_group.command("current")
def db_current() -> None:
    """Print the database's schema revision."""
    click.echo(migrate.current_revision(get_database().engine) or "empty")


@click.command("seed")
@click.option("--demo", is_flag=True, required=True, help="The demo programme and accounts.")
def seed_command(demo: bool) -> None:
    """Load the real statistics programme and the demo accounts (idempotent)."""
    seed_demo()
    print_demo_accounts()


@click.group("user")
def user_group() -> None:
    """Users at the producers."""


@user_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.EDITOR.value,
    show_default=True,
)
@click.option("--producer", help="Producer short name or slug (not for portal-admin).")
@click.option("--password", envvar="PORTAL_NEW_PASSWORD", help="Prompted for when left out.")
def user_create(
    email: str, name: str, role: str, producer: str | None, password: str | None
) -> None:
    """Create a user (password at least 12 characters)."""
    if password is None:
        if not sys.stdin.isatty():
            raise click.ClickException(
                "Give --password or PORTAL_NEW_PASSWORD when not on a terminal."
            )
        password = getpass.getpass("Password: ")
    try:
        with get_database().session() as session:
            found = find_producer(session, producer) if producer else None
            user = accounts.create_user(
                session,
                CLI_ACTOR,
                email=email,
                name=name,
                password=password,
                role=Role(role),
                producer=found,
                now=_now(),
            )
            click.echo(f"Created user {user.email} ({user.role}).")
    except PortalError as error:
        _fail(error)


@click.group("token")
def token_group() -> None:
    """API tokens for producers' own systems."""


@token_group.command("create")
@click.option("--producer", required=True, help="Producer short name or slug.")
@click.option("--name", required=True, help="What the token is for, e.g. 'release system'.")
def token_create(producer: str, name: str) -> None:
    """Create a token; it is printed once and only its hash is stored."""
    try:
        with get_database().session() as session:
            new = accounts.create_token(
                session, CLI_ACTOR, producer=find_producer(session, producer), name=name, now=_now()
            )
    except PortalError as error:
        _fail(error)
    click.echo(
        f"Token {new.id} for {new.producer_short_name} ({new.name}). Shown once; keep it safe:"
    )
    click.echo(new.secret)


@token_group.command("list")
@click.option("--producer", required=True)
def token_list(producer: str) -> None:
    """List a producer's tokens (never their secrets)."""
    try:
        with get_database().session() as session:
            for token in accounts.list_tokens(session, find_producer(session, producer).id):
                state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
                used = (
                    f"{token.last_used_at:%Y-%m-%d %H:%M}Z" if token.last_used_at else "never used"
                )
                click.echo(f"{token.id:5}  {token.prefix}…  {token.name:30}  {state:20}  {used}")
    except PortalError as error:
        _fail(error)


@token_group.command("revoke")
@click.argument("token_id", type=int)
def token_revoke(token_id: int) -> None:
    """Revoke a token for good."""
    try:
        with get_database().session() as session:
            accounts.revoke_token(session, CLI_ACTOR, token_id, _now())
    except PortalError as error:
        _fail(error)
    click.echo(f"Token {token_id} revoked.")


def init_app(app: Flask) -> None:
    for command in (serve_command, db_group, seed_command, user_group, token_group):
        app.cli.add_command(command)
