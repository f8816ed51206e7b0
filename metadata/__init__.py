"""Shared metadata (pillars 2 and 3).

* :mod:`metadata.sims`: "Om statistikken", SIMS-structured user documentation, versioned and bilingual
  (issue 4).
* :mod:`metadata.codelists`: the open code-list registry and its Klass-compatible API (issue 5).
"""
