"""The ``portal`` command. Each command is attached in :func:`init_app`, so it runs inside a real app."""

from __future__ import annotations

import functools
import getpass
import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app, has_app_context
from flask.cli import ScriptInfo

from metadata.codelists.demo import seed_code_lists
from metadata.sims.demo import seed_documentation
from portal.accounts import service as accounts
from portal.accounts.models import Role
from portal.demo import seed
from portal.http.db import get_database
from portal.http.instant import now
from portal.kernel import migrate
from portal.kernel.access import CLI_ACTOR
from portal.kernel.errors import PortalError
from portal.programme.service import find_producer
from pxbridge.blueprint import get_store
from pxbridge.demo import seed_tables
from release_calendar.demo import seed_releases


def _create_app() -> Flask:
    from portal.app import create_app

    return create_app()


#: Commands that run on a database that is not at the newest schema revision (they migrate it, say where it
#: is, or check it themselves).
#: (backup reads any revision as it is; restore migrates to the archive's.)
UNMIGRATED_OK = {"db upgrade", "db current", "serve", "backup", "restore"}


def _behind_message(current: str | None, head: str | None, behind: int) -> str:
    if current is None:
        return "The database is empty (no schema yet): run `portal db upgrade` first."
    if behind < 0:
        return (
            f"The database is at revision {current}, which this version of the portal does not "
            f"know (its newest is {head}): install the newer version that migrated it."
        )
    plural = "revision" if behind == 1 else "revisions"
    return (
        f"The database is at revision {current}, {behind} {plural} behind {head}: "
        "run `portal db upgrade` first."
    )


def _check_schema() -> None:
    from sqlalchemy.exc import SQLAlchemyError

    try:
        current, head, behind = migrate.revisions_behind(get_database().engine)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise click.ClickException(f"The database does not answer: {reason}") from None
    if behind:
        raise click.ClickException(_behind_message(current, head, behind))


def _in_app(command: click.Command, path: str) -> None:
    """Run ``command`` (and every command under it) inside a freshly built app, on a migrated database.

    The app is built only when a command runs, so ``--help`` anywhere creates no file and opens no
    database. Errors the portal explains (:class:`PortalError`) end the command with their message and
    exit status 1, never a traceback."""
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            _in_app(sub, f"{path} {name}".strip())
        return
    callback = command.callback
    if callback is None or getattr(callback, "_portal_wrapped", False):
        return

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        # Inside an app already, or run from an app's own CLI (its test runner, ``flask`` commands):
        # that app; from the ``portal`` command, a new one.
        context = click.get_current_context(silent=True)
        info = context.find_object(ScriptInfo) if context else None
        if has_app_context():
            app = current_app._get_current_object()  # type: ignore[attr-defined]
        elif info is not None:
            app = info.load_app()
        else:
            app = _create_app()
        with app.app_context():
            if path not in UNMIGRATED_OK:
                _check_schema()
            try:
                return callback(*args, **kwargs)
            except PortalError as error:
                raise click.ClickException(error.detail or error.title) from None

    run._portal_wrapped = True  # type: ignore[attr-defined]
    command.callback = run


def upgrade_database() -> None:
    migrate.upgrade(get_database().engine)


def seed_demo() -> list[seed.DemoAccount]:
    with get_database().session() as session:
        added = seed.seed_programme(session, now())
        created = seed.seed_demo_accounts(session, now())
        releases = seed_releases(session, now())
        documentation = seed_documentation(session, now())
        code_lists = seed_code_lists(session, now())
        tables = seed_tables(session, get_store(), now())
    from portal.search import follow
    from portal.search.extension import get_index

    with get_database().sessions() as session:
        indexed = follow.rebuild(session, get_index(), now())
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
@click.option(
    "--control-socket/--no-control-socket",
    default=True,
    show_default=True,
    help="gunicorn's control socket (for gunicornc), as gunicorn-PORT.ctl in the instance folder.",
)
def serve_command(demo: bool, host: str, port: int, workers: int, control_socket: bool) -> None:
    """Serve the portal with gunicorn (a production WSGI server)."""
    from portal.serve import control_socket_path, run

    if demo:
        upgrade_database()
        with get_database().session() as session:
            empty = seed.is_empty(session)
        if empty:
            seed_demo()
        print_demo_accounts()
    else:
        _check_schema()
    from portal.search import follow
    from portal.search.extension import get_index

    if get_index().recreated:  # the index folder held an older schema: rebuild it before serving
        with get_database().sessions() as session:
            count = follow.rebuild(session, get_index(), now())
        click.echo(f"The search index had an older schema; rebuilt with {count} documents.")
    click.echo(
        f"\nStatistikkportalen on http://{host}:{port}/  (English: http://{host}:{port}/en/)"
    )
    get_database().dispose()
    socket = control_socket_path(Path(current_app.instance_path), port) if control_socket else None
    run(host=host, port=port, workers=workers, control_socket=socket)


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
    """Print the database's schema revision and whether it is the newest."""
    current, head, behind = migrate.revisions_behind(get_database().engine)
    if behind == 0:
        click.echo(f"{current} (head)")
    elif current is None:
        click.echo(
            f"empty: no schema yet, {behind} revisions behind {head} (run `portal db upgrade`)"
        )
    elif behind < 0:
        click.echo(f"{current} (unknown to this version, whose newest is {head})")
    else:
        plural = "revision" if behind == 1 else "revisions"
        click.echo(f"{current} ({behind} {plural} behind {head}: run `portal db upgrade`)")


@click.command("seed")
@click.option("--demo", is_flag=True, required=True, help="The demo programme and accounts.")
def seed_command(demo: bool) -> None:
    """FOR DEMONSTRATIONS ONLY: the programme, a generated year of releases, documentation, code lists,
    tables and five accounts whose passwords are published. A real portal uses `portal programme load`
    and `portal user create` instead. Idempotent."""
    seed_demo()
    print_demo_accounts()


@click.group("programme")
def programme_group() -> None:
    """The statistics programme: producers, subject areas and statistics."""


@programme_group.command("load")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--retire-missing",
    is_flag=True,
    help="Retire what the database has but the files lack (of the kinds the files give).",
)
@click.option("--dry-run", is_flag=True, help="Check and report, then change nothing.")
def programme_load(files: tuple[Path, ...], retire_missing: bool, dry_run: bool) -> None:
    """Load the programme from FILES (JSON or CSV, see docs/programme.md), or without FILES the one that
    ships with the package (16 producers, 21 subject areas, 95 statistics). Adds and updates in place;
    never deletes; creates no accounts and no releases."""
    from portal.programme.load import builtin_programme, load_programme, read_files

    programme = read_files(files) if files else builtin_programme()
    try:
        with get_database().session() as session:
            try:
                report = load_programme(
                    session, CLI_ACTOR, programme, now(), retire_missing=retire_missing
                )
            except PortalError as error:
                for problem in error.errors[:50]:
                    click.echo(f"  {problem.detail}", err=True)
                if len(error.errors) > 50:
                    click.echo(f"  … and {len(error.errors) - 50} more", err=True)
                raise
            for line in report.lines():
                click.echo(line)
            if dry_run:
                raise _RolledBack
    except _RolledBack:
        click.echo("Dry run: nothing was changed.")
        return
    _reindex_quietly()


class _RolledBack(Exception):
    """Leaves a ``Database.session()`` block so that it rolls back."""


def _reindex_quietly() -> None:
    from portal.search import follow
    from portal.search.extension import get_index

    with get_database().sessions() as session:
        follow.rebuild(session, get_index(), now())


@click.group("producer")
def producer_group() -> None:
    """Producers (portal administrators' work; also at /min-side/admin)."""


@producer_group.command("list")
def producer_list() -> None:
    """Every producer, retired ones too."""
    from portal.programme.admin import list_all_producers

    with get_database().session() as session:
        for p in list_all_producers(session):
            state = f"retired {p.retired_at:%Y-%m-%d}" if p.retired_at else "active"
            click.echo(
                f"{p.slug:12} {p.short_name:14} {p.org_number or '-':10} {state:20} {p.name_nb}"
            )


@producer_group.command("create")
@click.option("--slug", required=True)
@click.option("--short-name", required=True)
@click.option("--name-nb", required=True)
@click.option("--name-en", required=True)
@click.option("--website", required=True)
@click.option("--org-number", default=None, help="Nine digits, from Enhetsregisteret.")
def producer_create(
    slug: str, short_name: str, name_nb: str, name_en: str, website: str, org_number: str | None
) -> None:
    """Add a producer."""
    from portal.programme.admin import ProducerFields, create_producer

    with get_database().session() as session:
        create_producer(
            session,
            CLI_ACTOR,
            slug=slug,
            fields=ProducerFields(short_name, name_nb, name_en, website, org_number),
            now=now(),
        )
    click.echo(f"Producer {slug} created.")


@producer_group.command("retire")
@click.argument("slug")
@click.option("--undo", is_flag=True, help="Bring a retired producer back.")
def producer_retire(slug: str, undo: bool) -> None:
    """Retire a producer: its history and pages stay, its users and tokens can no longer write."""
    from portal.programme.admin import set_producer_retired

    with get_database().session() as session:
        set_producer_retired(session, CLI_ACTOR, slug, not undo, now())
    click.echo(f"Producer {slug} {'reinstated' if undo else 'retired'}.")


@click.group("user")
def user_group() -> None:
    """Users at the producers, and portal administrators."""


def _password(password: str | None) -> str:
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise click.ClickException("Give --password or PORTAL_NEW_PASSWORD when not on a terminal.")
    return getpass.getpass("Password: ")


ROLE_CHOICE = click.Choice([r.value for r in Role])


@user_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=ROLE_CHOICE, default=Role.EDITOR.value, show_default=True)
@click.option("--producer", help="Producer short name or slug (not for portal-admin).")
@click.option("--password", envvar="PORTAL_NEW_PASSWORD", help="Prompted for when left out.")
def user_create(
    email: str, name: str, role: str, producer: str | None, password: str | None
) -> None:
    """Create a user with a password (at least 12 characters). To let the user choose it, use invite."""
    password = _password(password)
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
            now=now(),
        )
        click.echo(f"Created user {user.email} ({user.role}).")


def _link(path: str) -> str:
    base = current_app.config.get("BASE_URL")
    return f"{str(base).rstrip('/')}{path}" if base else path


@user_group.command("invite")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=ROLE_CHOICE, default=Role.EDITOR.value, show_default=True)
@click.option("--producer", help="Producer short name or slug (not for portal-admin).")
def user_invite(email: str, name: str, role: str, producer: str | None) -> None:
    """Create a user and print a one-time link that lets them choose their password."""
    from portal.accounts import admin

    with get_database().session() as session:
        found = find_producer(session, producer) if producer else None
        issued = admin.invite_user(
            session,
            CLI_ACTOR,
            email=email,
            name=name,
            role=Role(role),
            producer=found,
            now=now(),
        )
        click.echo(
            f"Invited {issued.user.email}. Send them this link (one use, until "
            f"{issued.expires_at:%Y-%m-%d %H:%M} UTC):"
        )
        click.echo(_link(f"/passord/{issued.secret}"))


@user_group.command("list")
@click.option("--producer", help="Only this producer's users (slug).")
@click.option("--role", type=ROLE_CHOICE)
@click.option("--active/--disabled", default=None, help="Only active or only disabled users.")
@click.option("--search", "text", help="Part of the name or e-mail address.")
def user_list(
    producer: str | None, role: str | None, active: bool | None, text: str | None
) -> None:
    """List users with their role, producer and state."""
    from portal.accounts import admin

    with get_database().session() as session:
        users = admin.list_users(session, CLI_ACTOR, admin.UserQuery(producer, role, active, text))
        for u in users:
            where = u.producer.short_name if u.producer else "-"
            state = "active" if u.is_active else "disabled"
            last = f"{u.last_login_at:%Y-%m-%d}" if u.last_login_at else "never"
            click.echo(f"{u.id:5}  {u.email:40} {u.role:15} {where:12} {state:9} last login {last}")


@user_group.command("disable")
@click.argument("user")
def user_disable(user: str) -> None:
    """Disable USER (id or e-mail): every session ends and the tokens they created are revoked."""
    _set_active(user, False)


@user_group.command("enable")
@click.argument("user")
def user_enable(user: str) -> None:
    """Let a disabled USER (id or e-mail) log in again."""
    _set_active(user, True)


def _set_active(key: str, active: bool) -> None:
    from portal.accounts import admin

    with get_database().session() as session:
        user = admin.find_user(session, key)
        admin.set_active(session, CLI_ACTOR, user.id, active, now())
        click.echo(f"{user.email} {'enabled' if active else 'disabled'}.")


@user_group.command("set-role")
@click.argument("user")
@click.option("--role", type=ROLE_CHOICE, required=True)
@click.option("--producer", help="Producer short name or slug (not for portal-admin).")
def user_set_role(user: str, role: str, producer: str | None) -> None:
    """Change USER's (id or e-mail) role and producer; their sessions end."""
    from portal.accounts import admin

    with get_database().session() as session:
        found = admin.find_user(session, user)
        owner = find_producer(session, producer) if producer else None
        if owner is None and role != Role.PORTAL_ADMIN.value:
            owner = found.producer
        admin.set_role(session, CLI_ACTOR, found.id, role=Role(role), producer=owner, now=now())
        click.echo(f"{found.email} is now {role}{f' at {owner.short_name}' if owner else ''}.")


@user_group.command("reset-password")
@click.argument("user")
@click.option(
    "--password",
    envvar="PORTAL_NEW_PASSWORD",
    help="Set this password now; without it a one-time link is printed.",
)
def user_reset_password(user: str, password: str | None) -> None:
    """Give USER (id or e-mail) a new password, or a one-time link to choose one."""
    from portal.accounts import admin

    with get_database().session() as session:
        found = admin.find_user(session, user)
        if password is not None:
            admin.set_password(session, CLI_ACTOR, found.id, password, now())
            click.echo(f"New password set for {found.email}; their sessions have ended.")
            return
        issued = admin.issue_password_reset(session, CLI_ACTOR, found.id, now())
        click.echo(
            f"Send {found.email} this link (one use, until {issued.expires_at:%Y-%m-%d %H:%M} UTC):"
        )
        click.echo(_link(f"/passord/{issued.secret}"))


@click.group("token")
def token_group() -> None:
    """API tokens for producers' own systems, and administration tokens."""


@token_group.command("create")
@click.option("--producer", help="Producer short name or slug.")
@click.option(
    "--admin", "admin_token", is_flag=True, help="A portal administrator's token (no producer)."
)
@click.option("--name", required=True, help="What the token is for, e.g. 'release system'.")
def token_create(producer: str | None, admin_token: bool, name: str) -> None:
    """Create a token; it is printed once and only its hash is stored."""
    if bool(producer) == admin_token:
        raise click.UsageError("Give either --producer or --admin.")
    with get_database().session() as session:
        owner = find_producer(session, producer) if producer else None
        new = accounts.create_token(session, CLI_ACTOR, producer=owner, name=name, now=now())
    click.echo(
        f"Token {new.id} for {new.producer_short_name} ({new.name}). Shown once; keep it safe:"
    )
    click.echo(new.secret)


@token_group.command("list")
@click.option("--producer", help="Only this producer's tokens (short name or slug).")
def token_list(producer: str | None) -> None:
    """List tokens (never their secrets): producer, creator, state and last use."""
    from portal.accounts import admin

    with get_database().session() as session:
        slug = find_producer(session, producer).slug if producer else None
        for token in admin.list_all_tokens(session, CLI_ACTOR, producer=slug):
            state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}Z" if token.last_used_at else "never used"
            owner = token.producer.short_name if token.producer else "(admin)"
            click.echo(
                f"{token.id:5}  {token.prefix}…  {owner:12} {token.name:30}  {state:20}  {used}"
                f"  by {token.created_by}"
            )


@token_group.command("revoke")
@click.argument("token_id", type=int)
def token_revoke(token_id: int) -> None:
    """Revoke a token for good."""
    with get_database().session() as session:
        accounts.revoke_token(session, CLI_ACTOR, token_id, now())
    click.echo(f"Token {token_id} revoked.")


def _commands() -> tuple[click.Command, ...]:
    from portal.backup.cli import backup_command, restore_command
    from portal.notify.cli import notify_group
    from portal.search.cli import search_group
    from pxbridge.cli import remotes_group, tables_group

    return (
        serve_command,
        db_group,
        programme_group,
        producer_group,
        seed_command,
        user_group,
        token_group,
        search_group,
        tables_group,
        remotes_group,
        backup_command,
        restore_command,
        notify_group,
    )


@click.group(
    "portal",
    help="Statistikkportalen: serve the portal and manage its database, programme, users, tokens, "
    "tables and search index. Settings come from PORTAL_* environment variables (docs/configuration.md).",
)
def main() -> None:
    pass


def init_app(app: Flask) -> None:
    """The same commands on the app's own CLI (its test runner, and ``flask --app portal.app``)."""
    for command in _commands():
        app.cli.add_command(command)


def _register() -> None:
    for command in _commands():
        _in_app(command, command.name or "")
        main.add_command(command)


_register()
