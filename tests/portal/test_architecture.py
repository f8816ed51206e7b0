"""The architecture, checked over the whole import graph (issue 17): the kernel below the web kit below the
domains below findability below the shell (pyproject.toml, ``[tool.importlinter]``); domains that meet
only through declared interfaces; domain services that never load Flask, not even through an import of an
import. README.md, "Layout", describes the same tree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("portal", "release_calendar", "metadata", "pxbridge")

#: The domains, each a package; a module belongs to the longest one it starts with.
DOMAINS = (
    "portal.programme",
    "portal.accounts",
    "release_calendar",
    "metadata.sims",
    "metadata.codelists",
    "pxbridge",
)

#: What one domain may import of another, and why. Anything else is a domain reaching into another's
#: internals, which the test refuses.
DECLARED_INTERFACES = {
    # Every statistic belongs to a producer and subject areas: the programme's records and lookups.
    "portal.programme.models": "the producers, subject areas and statistics everything hangs on",
    "portal.programme.service": "looking a statistic or producer up by its slug",
    # "Is this released, and when": a table revision or a documentation version goes out with a
    # release; the release time itself is decided by portal.kernel.access's one visibility rule.
    "release_calendar.models": "the release a table or documentation version goes out with",
}

#: A domain's modules that speak HTTP (blueprints, pages, API endpoints, forms, serialisers for URLs) or
#: are its command line; every other module of a domain is its service layer and must not load Flask.
WEB_ADAPTERS = {
    "api",
    "blueprint",
    "classic",
    "cli",
    "dayview_pages",  # release_calendar.dayview_pages: the producers' day view (issue 20)
    "editing",  # metadata.sims.editing: the producers' editing pages
    "finder",  # pxbridge.pages.finder: the table finder page (issue 19)
    "forms",
    "klass_api",
    "klass_edge",
    "klass_resources",
    "manage",
    "output",
    "pages",
    "prebuild",  # pxbridge.prebuild: whole-table files built in the app's background after an upload (issue 23)
    "producer_api",
    "pxwebapi",
    "recurring",  # release_calendar.recurring: the schedule-from-a-rule page (issue 20)
    "selection_alert",  # pxbridge.pages.selection_alert: alerts on a table page's selection (issue 22)
    "serialize",
    "upload",  # pxbridge.api.upload: the producers' table upload API
    "views",
    "web",
}

WEB_LIBRARIES = ("flask", "werkzeug", "flask_wtf", "wtforms", "flask_limiter")


def _domain(module: str) -> str | None:
    found = [d for d in DOMAINS if module == d or module.startswith(d + ".")]
    return max(found, key=len) if found else None


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(
        *PACKAGES,
        include_external_packages=True,
        exclude_type_checking_imports=True,
        cache_dir=None,
    )


def test_the_import_contracts_hold() -> None:
    """import-linter's contracts in pyproject.toml: the layers, metadata's own layers, a Flask-free kernel."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "3 kept, 0 broken" in result.stdout


def test_domains_meet_only_through_declared_interfaces(graph: grimp.ImportGraph) -> None:
    reaching = []
    for module in sorted(graph.modules):
        source = _domain(module)
        if source is None:
            continue
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            target = _domain(imported)
            if target is None or target == source:
                continue
            if imported not in DECLARED_INTERFACES:
                reaching.append(f"{module} -> {imported}")
    assert not reaching, "a domain imports another's internals:\n" + "\n".join(reaching)


def test_every_declared_interface_is_used(graph: grimp.ImportGraph) -> None:
    """A declared interface nobody imports any more is a stale promise: drop it from the list."""
    used = {
        imported
        for module in graph.modules
        if _domain(module)
        for imported in graph.find_modules_directly_imported_by(module)
        if _domain(imported) not in (None, _domain(module))
    }
    assert set(DECLARED_INTERFACES) <= used, set(DECLARED_INTERFACES) - used


def test_domain_services_never_load_flask(graph: grimp.ImportGraph) -> None:
    services = [
        m for m in sorted(graph.modules) if _domain(m) and m.rsplit(".", 1)[-1] not in WEB_ADAPTERS
    ]
    assert len(services) > 40, services
    loading = []
    for module in services:
        for library in WEB_LIBRARIES:
            if library not in graph.modules:
                continue
            chain = graph.find_shortest_chain(importer=module, imported=library)
            if chain:
                loading.append(" -> ".join(chain))
    assert not loading, "domain services that load a web library:\n" + "\n".join(loading)


def test_importing_the_kernel_loads_no_flask() -> None:
    """The contract above reads the source; this runs it, in a fresh interpreter."""
    code = (
        "import sys, portal.kernel.db, portal.kernel.errors, portal.kernel.access, "
        "portal.kernel.i18n, portal.kernel.audit, release_calendar.service, metadata.sims.service, "
        "metadata.codelists.service, pxbridge.service, portal.programme.service\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('flask', 'werkzeug', 'flask_wtf', 'wtforms'))\n"
        "print(','.join(loaded))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_findability_imports_no_domain(graph: grimp.ImportGraph) -> None:
    """portal.search (the index, the change capture, sitemaps, catalogue) asks the domains it is handed
    (each domain's ``search.py``, a ``portal.kernel.findable.Findable``) and imports none of them, not
    even through an import of an import."""
    findability = [
        m for m in graph.modules if m == "portal.search" or m.startswith("portal.search.")
    ]
    assert len(findability) > 10, findability
    direct = sorted(
        f"{module} -> {imported}"
        for module in findability
        for imported in graph.find_modules_directly_imported_by(module)
        if _domain(imported)
    )
    assert direct == [], "portal.search imports a domain:\n" + "\n".join(direct)
    through = sorted(
        " -> ".join(chain)
        for domain in DOMAINS
        for chain in graph.find_shortest_chains(
            importer="portal.search", imported=domain, as_packages=True
        )
    )
    assert through == [], "portal.search loads a domain:\n" + "\n".join(through)
