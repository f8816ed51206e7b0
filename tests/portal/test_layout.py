"""House rules that can be checked mechanically: the core never imports Flask, no module shadows the
standard library, every interface string exists in both languages, every config key is documented."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

from portal.config import DEFAULTS
from portal.i18n import MESSAGES

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("portal", "release_calendar", "metadata", "pxbridge")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_modules_never_import_flask() -> None:
    core = [
        p
        for pkg in PACKAGES
        for p in (ROOT / pkg).rglob("*.py")
        if p.name in {"models.py", "service.py", "audit.py", "clock.py", "access.py"}
    ]
    assert core
    for path in core:
        assert not _imports(path) & {"flask", "werkzeug", "flask_wtf"}, path


def test_no_module_shadows_the_standard_library() -> None:
    for pkg in PACKAGES:
        assert pkg not in sys.stdlib_module_names
    top_level = {p.stem for p in ROOT.glob("*.py")} | {p.name for p in ROOT.iterdir() if p.is_dir()}
    assert not top_level & set(sys.stdlib_module_names)


def test_every_template_string_exists_in_both_languages() -> None:
    used = set()
    for template in (ROOT / "portal" / "templates").rglob("*.html"):
        used |= set(re.findall(r"_\('([a-z0-9_.\-]+)'", template.read_text()))
    used = {k for k in used if not k.endswith(".")}
    missing = used - set(MESSAGES)
    assert not missing, missing
    assert all(nb and en for nb, en in MESSAGES.values())


def test_every_config_key_is_documented() -> None:
    docs = (ROOT / "docs" / "configuration.md").read_text()
    for key in DEFAULTS:
        assert re.search(rf"^### `{key}`", docs, re.M), (
            f"{key} has no heading in docs/configuration.md"
        )
