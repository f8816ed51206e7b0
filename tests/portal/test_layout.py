"""House rules that can be checked mechanically (the import graph has its own: test_architecture.py): no
module shadows the standard library, every interface string exists in both languages, every config key is documented."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import metadata.codelists  # noqa: F401  (each domain registers its strings when imported)
import metadata.sims  # noqa: F401
import portal.accounts  # noqa: F401
import portal.notify.messages  # noqa: F401  (the alerts and their pages)
import portal.search  # noqa: F401
import portal.web.accessibility_messages  # noqa: F401  (the accessibility statement)
import portal.web.keyfigures  # noqa: F401  (the key figures)
import portal.web.messages  # noqa: F401  (the shell's pages: the dashboard)
import portal.web.pages  # noqa: F401  (the public pages' own strings)
import pxbridge  # noqa: F401
import pxbridge.pages.upload_messages  # noqa: F401  (the producers' table pages)
import release_calendar  # noqa: F401
import release_calendar.views  # noqa: F401  (the calendar pages' own strings)
from portal.kernel.config import DEFAULTS
from portal.kernel.i18n import MESSAGES

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("portal", "release_calendar", "metadata", "pxbridge")


def test_no_module_shadows_the_standard_library() -> None:
    for pkg in PACKAGES:
        assert pkg not in sys.stdlib_module_names
    top_level = {p.stem for p in ROOT.glob("*.py")} | {p.name for p in ROOT.iterdir() if p.is_dir()}
    assert not top_level & set(sys.stdlib_module_names)


def test_every_template_string_exists_in_both_languages() -> None:
    used = set()
    templates = [
        p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.html") if "templates" in p.parts
    ]
    assert len(templates) >= 48, templates
    for template in templates:
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
