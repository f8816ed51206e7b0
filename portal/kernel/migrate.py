"""Alembic, driven from code: the schema only ever changes through a migration in migrations/versions."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent.parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database behind ``engine`` up to ``revision``."""
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def revisions_behind(engine: Engine) -> tuple[str | None, str | None, int]:
    """The database's revision, the newest one, and how many revisions lie between them (0 at head).

    An empty database counts every revision."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    current, head = current_revision(engine), script.get_current_head()
    if current == head:
        return current, head, 0
    lower = current or "base"
    try:
        behind = sum(1 for _ in script.iterate_revisions(head, lower))
    except Exception:  # noqa: BLE001  (a revision this code does not know: newer than this version)
        return current, head, -1
    return current, head, behind
