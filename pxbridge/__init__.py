"""The PxAPI bridge (pillar 4): tables, PX ingest, PxWebApi 2.0 and the classic PxWeb API, and the bridge
to producers' existing PxWeb installations (issue 6).

Subpackages by job:

- :mod:`pxbridge.ingest`: tables in (PX, JSON-stat 2.0, long CSV with a JSON sidecar), checked and stored.
- :mod:`pxbridge.store`: the cells, one float64 array per table revision, and their files.
- :mod:`pxbridge.query`: selections and the :class:`~pxbridge.query.cube.Cube` cut from the cells (or
  asked of a remote); :mod:`pxbridge.query.cubes` is the service the APIs and pages call.
- :mod:`pxbridge.formats`: the output formats a cube is written in.
- :mod:`pxbridge.api`: PxWebApi 2.0, the classic PxWeb API and the producers' upload API.
- :mod:`pxbridge.pages`: the table pages and their chart.
- :mod:`pxbridge.remotes`: producers' own PxWebApi 2.0 installations, mirrored and asked.

At the top: :mod:`~pxbridge.models`, :mod:`~pxbridge.service` (which tables are public, by the one
visibility rule), :mod:`~pxbridge.codelists`, :mod:`~pxbridge.blueprint` (the app wiring, and the limits
read from the configuration), :mod:`~pxbridge.cli`, :mod:`~pxbridge.search`, :mod:`~pxbridge.demo` and
:mod:`~pxbridge.messages`. Only the modules that speak HTTP (``api``, ``pages.views``,
``formats.output``, ``blueprint``, ``cli``) load Flask."""

from pxbridge import messages as _messages  # noqa: E402,F401  (registers the strings)
