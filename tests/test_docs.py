"""Docs that cannot drift (as Datasette's tests/test_docs.py): every command of `portal`, and each of its
options, has its heading in docs/cli.md and no heading there names a command that does not exist; the
README's "Layout" block names only paths that exist and every package folder of the four packages.
Configuration keys are checked in tests/portal/test_layout.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

from portal.cli import main

ROOT = Path(__file__).resolve().parents[1]
CLI_DOCS = ROOT / "docs" / "cli.md"
PACKAGES = ("portal", "release_calendar", "metadata", "pxbridge")


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> dict[str, click.Command]:
    """Every command that runs (no group), by its words after `portal`, nested groups included."""
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found |= _commands(command, (*path, name))
        else:
            found[" ".join((*path, name))] = command
    return found


COMMANDS = _commands(main)


def _sections() -> dict[str, str]:
    """docs/cli.md's `###` sections by the command each names, with the heading and the text under it.
    A heading may name several commands: `portal producer list | create | retire SLUG`, or two code
    spans (`portal user disable USER` / `portal user enable USER`)."""
    sections: dict[str, str] = {}
    parts = re.split(r"^(?=### )", CLI_DOCS.read_text(), flags=re.M)
    for part in parts:
        if not part.startswith("### "):
            continue
        heading = part.splitlines()[0]
        for span in re.findall(r"`(portal [^`]*)`", heading):
            for path in _named(span.split()[1:]):
                sections[path] = sections.get(path, "") + part
    return sections


def _named(words: list[str]) -> list[str]:
    """The command paths in a heading's words: a known group's words, then the command's name, and each
    name after a `|` (`list | create | retire`, or `upgrade|current`)."""
    words = [w for word in words for w in re.split(r"(\|)", word) if w]
    prefix: list[str] = []
    groups = {" ".join(p.split()[:n]) for p in COMMANDS for n in range(1, len(p.split()))}
    while words and " ".join([*prefix, words[0]]) in groups:
        prefix.append(words.pop(0))
    if not words:
        return []
    names = [words.pop(0)]
    while len(words) > 1 and words[0] == "|":  # not the `|` between options further on
        names.append(words[1])
        del words[:2]
    return [" ".join([*prefix, name]) for name in names]


SECTIONS = _sections()


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_command_has_a_heading_in_the_cli_docs(path: str) -> None:
    assert path in SECTIONS, f"`portal {path}` has no ### heading in docs/cli.md"


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_option_is_documented_under_its_command(path: str) -> None:
    section = SECTIONS.get(path, "")
    for param in COMMANDS[path].params:
        if not isinstance(param, click.Option) or param.hidden or param.name == "help":
            continue
        names = [*param.opts, *param.secondary_opts]
        assert any(re.search(rf"{re.escape(n)}(?![\w-])", section) for n in names), (
            f"`portal {path}`: {' / '.join(names)} is not in its section of docs/cli.md"
        )


def test_every_heading_names_a_command_that_exists() -> None:
    assert set(SECTIONS) <= set(COMMANDS), set(SECTIONS) - set(COMMANDS)


@dataclass(frozen=True)
class Entry:
    """One line of the Layout block's tree: a folder or a file, and the `.py` names its text mentions."""

    path: Path
    mentions: tuple[str, ...]


def _layout() -> list[Entry]:
    """The entries of README.md's "Layout" code block. An entry line is indented two spaces a level and
    holds one or more names, then two or more spaces and a description; deeper lines continue the
    description. A `.py` name in a folder's description is a file in that folder."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```", 2)[1].split("\n", 1)[1]
    entries: list[tuple[Path, list[str]]] = []
    parents: list[Path] = []  # the folder open at each level
    for line in block.splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        level, even = divmod(indent, 2)
        names, _, description = line.strip().partition("  ")
        if not even and level <= len(parents) and re.fullmatch(r"[\w.]+/?( [\w.]+/?)*", names):
            del parents[level:]
            folder = parents[-1] if parents else ROOT
            for name in names.split():
                entries.append((folder / name, []))
                if name.endswith("/"):
                    parents.append(folder / name)
        else:
            description = line  # a continuation of the entry above
        if entries:
            entries[-1][1].extend(re.findall(r"(?<![\w/<>.-])(\w+\.py)\b", description))
    return [Entry(path, tuple(mentions)) for path, mentions in entries]


LAYOUT = _layout()


def test_the_layout_names_only_paths_that_exist() -> None:
    missing = []
    for entry in LAYOUT:
        if not entry.path.exists():
            missing.append(str(entry.path.relative_to(ROOT)))
        folder = entry.path if entry.path.is_dir() else entry.path.parent
        missing += [
            str((folder / name).relative_to(ROOT))
            for name in entry.mentions
            if not (folder / name).exists()
        ]
    assert LAYOUT and not missing, f"README.md's Layout names what is not in the tree: {missing}"


def test_the_layout_names_every_package_folder() -> None:
    named = {entry.path.resolve() for entry in LAYOUT}
    folders = [
        init.parent
        for package in PACKAGES
        for init in (ROOT / package).rglob("__init__.py")
        if len(init.parent.relative_to(ROOT / package).parts) <= 2
    ]
    unnamed = sorted(str(f.relative_to(ROOT)) for f in folders if f.resolve() not in named)
    assert not unnamed, f"README.md's Layout does not name these package folders: {unnamed}"
