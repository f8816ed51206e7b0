"""The kernel: what every domain shares, and nothing above it. It imports no domain and never loads Flask
(an import contract in pyproject.toml checks both, transitively).

* :mod:`~portal.kernel.db`: the declarative base, UTC datetimes, engines and sessions, bounded waits
* :mod:`~portal.kernel.clock`: the clock protocol, Oslo time
* :mod:`~portal.kernel.errors`: the one error type and its problem-details form
* :mod:`~portal.kernel.access`: actors, permissions, producer scoping and the one visibility rule
* :mod:`~portal.kernel.audit`: the append-only audit log every write goes into
* :mod:`~portal.kernel.concurrency`: conditional writes; a lost race is a conflict
* :mod:`~portal.kernel.i18n`: nb and en interface strings, registered by each domain
* :mod:`~portal.kernel.config`: defaults, the instance folder, ``PORTAL_*`` variables
* :mod:`~portal.kernel.parsing`, :mod:`~portal.kernel.querying`: bounded input parsing, safe ``LIKE``
* :mod:`~portal.kernel.migrate`: the one Alembic history (in ``portal/migrations``)
* :mod:`~portal.kernel.schema_org`: schema.org JSON-LD builders for pages
"""
