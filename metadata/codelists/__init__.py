"""Classifications and code lists, served through a Klass-compatible API (issue 5)."""
