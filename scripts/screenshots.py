"""Screenshots of the main public pages, for reviewing the layout and for the documentation.

Starts ``portal serve --demo`` on a free loopback port with a fresh instance folder (demo data), opens
Debian's Chromium through playwright (the system browser, as tests/browser does; nothing is downloaded),
and saves each page in nb and en at a phone (390 × 844) and a desktop (1366 × 900) size as
``docs/screenshots/<page>-<lang>-<width>.png``: the full page, cut at ``MAX_HEIGHT`` CSS px.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--only home,search]

``PORTAL_CHROMIUM`` names another Chromium binary (default /usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The checkout's portal, the one `python -m portal` below serves from ROOT, not an installed copy.
sys.path.insert(0, str(ROOT))

from portal.devserver import free_port, instance_env, serving  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")

#: Each page in bokmål and English; ``{release}`` is a published release of the KPI, found at run time.
PAGES: dict[str, tuple[str, str]] = {
    "home": ("/", "/en/"),
    "statistic": ("/statistikk/kpi", "/en/statistics/kpi"),
    "release": ("/kalender/{release}", "/en/calendar/{release}"),
    "search": ("/sok?q=konsumprisindeks", "/en/search?q=konsumprisindeks"),
    "calendar": ("/kalender", "/en/calendar"),
    "tables": ("/tabeller?subject_area=befolkning", "/en/tables?subject_area=befolkning"),
    # A table page with a pivoted preview (months in the columns) and its chart.
    "table": (
        "/tabeller/05333?v-Varer=MAT&v-Varer=EL&latest-Tid=12&place-Tid=kolonne&place-Varer=rad&all-ContentsCode=1",
        "/en/tables/05333?v-Varer=MAT&v-Varer=EL&latest-Tid=12&place-Tid=kolonne&place-Varer=rad&all-ContentsCode=1",
    ),
}

#: Viewports (CSS px): two phones and a desktop. The file name carries the width.
VIEWPORTS = ((390, 844), (1366, 900))

#: The tallest screenshot (CSS px); longer pages are cut here so the files stay small.
MAX_HEIGHT = 3000

#: Where the release page's example comes from: the newest published release of the KPI.
RELEASE_QUERY = "/api/v1/releases?statistic=kpi&status=published&order=newest&per_page=1"

GetJson = Callable[[str], Any]


def shots(get_json: GetJson) -> list[tuple[str, str, str]]:
    """Every (page, language, path) to photograph; ``get_json(path)`` reads the portal's JSON API
    (the release page needs a release id)."""
    release = get_json(RELEASE_QUERY)["items"][0]["id"]
    return [
        (name, lang, path.format(release=release))
        for name, paths in PAGES.items()
        for lang, path in zip(("nb", "en"), paths, strict=True)
    ]


@contextmanager
def served_portal() -> Iterator[str]:
    """``portal serve --demo`` on a free loopback port with a throwaway instance folder; its base URL."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="portal-screenshots-") as folder:
        instance = Path(folder)
        with serving(
            [sys.executable, "-m", "portal", "serve", "--demo", "--port", str(port)]
            + ["--workers", "1"],
            port=port,
            env=instance_env(instance),
            cwd=ROOT,
            log=instance / "serve.log",
            timeout=120,
        ) as base:
            yield base


def take(base: str, out: Path, only: set[str] | None = None) -> list[Path]:
    """Photograph every page of :func:`shots` at every viewport into ``out``; the files written."""
    import requests
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium is not at {CHROMIUM} (apt-get install chromium)")
    out.mkdir(parents=True, exist_ok=True)
    every = shots(lambda path: requests.get(base + path, timeout=30).json())
    wanted = [shot for shot in every if only is None or shot[0] in only]
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars"],
        )
        for width, height in VIEWPORTS:
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            for name, lang, path in wanted:
                answer = page.goto(base + path, wait_until="networkidle")
                if answer is None or answer.status != 200:
                    raise SystemExit(f"{path} answered {answer.status if answer else 'nothing'}")
                full = int(page.evaluate("document.documentElement.scrollHeight"))
                target = out / f"{name}-{lang}-{width}.png"
                page.screenshot(
                    path=str(target),
                    full_page=True,
                    clip={"x": 0, "y": 0, "width": width, "height": min(full, MAX_HEIGHT)},
                )
                written.append(target)
                shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
                print(f"{shown}  {path}  ({width} × {min(full, MAX_HEIGHT)})")
            context.close()
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the PNGs")
    parser.add_argument("--only", help=f"comma-separated pages, of: {', '.join(PAGES)}")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    with served_portal() as base:
        take(base, args.out.resolve(), only)


if __name__ == "__main__":
    main()
