"""Statistikkportalen: the shared publishing portal for Norway's producers of official statistics.

Importing this package builds nothing; :func:`portal.app.create_app` is the only place an app is made.
"""

from portal.app import create_app

__all__ = ["create_app"]
