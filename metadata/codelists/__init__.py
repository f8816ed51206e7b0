"""Classifications and code lists, served through a Klass-compatible API (issue 5)."""

from metadata.codelists import messages as _messages  # noqa: E402,F401  (registers the strings)
