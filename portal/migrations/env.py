"""Alembic environment: runs on the engine the portal hands over, in batch mode so SQLite can ALTER."""

from __future__ import annotations

from alembic import context

import metadata.codelists.models  # noqa: F401
import metadata.sims.models  # noqa: F401
import portal.accounts.models  # noqa: F401  (registers the tables on Base.metadata)
import portal.kernel.audit  # noqa: F401
import portal.notify.models  # noqa: F401
import portal.notify.webhook_models  # noqa: F401
import portal.programme.models  # noqa: F401
import portal.search.models  # noqa: F401
import pxbridge.models  # noqa: F401
import release_calendar.models  # noqa: F401
from portal.kernel.db import Base

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
