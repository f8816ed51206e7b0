"""The portal's own JSON API at /api/v1/, documented by an OpenAPI 3.1 document generated from the code."""

from portal.api import messages as _messages  # noqa: E402,F401  (registers the strings)
