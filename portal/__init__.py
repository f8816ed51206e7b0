"""Statistikkportalen: the shared publishing portal for Norway's producers of official statistics.

Importing this package builds and loads nothing, so importing the kernel (``portal.kernel``) never loads
Flask: :func:`portal.app.create_app` is the only place an app is made. README.md, "Layout", maps the tree.
"""
