"""``portal backup`` and ``portal restore``: one archive holding everything needed to bring a portal back.

The archive is a ``.tar.gz`` with, in this order:

- ``database/<table>.jsonl``: every row of every table, read inside one transaction (one snapshot), in a
  form that restores onto SQLite and PostgreSQL alike (:mod:`portal.backup.database`);
- ``instance/secret_key`` and ``instance/config.py`` (when the instance folder has them);
- ``instance/tables/<table id>/<revision>.npy`` (and ``.nan.npy``): the cell files the snapshot's
  ``data_table`` rows refer to, and no others;
- ``manifest.json``: the format, the portal version, when, the database kind, the Alembic revision, the
  tables with their columns and row counts, and every other member's size and SHA-256.

The search index (``search/``) is left out: it is derived from the database, ``portal search reindex``
rebuilds it (restore does so itself), and a copy taken while a worker commits could hold documents the
snapshot does not. The logic lives in :mod:`portal.backup.archive` (no Flask); the commands in
:mod:`portal.backup.cli`.
"""
