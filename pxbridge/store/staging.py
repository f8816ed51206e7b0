"""Files a producer uploaded in the browser and has not yet saved: kept between the preview and the
choice of release (issue 19), under ``instance/staged/<token>/``.

A staged upload is a folder named by a random token holding the file's parts as sent (``table``, and
``sidecar`` for a CSV) and ``facts.json``: who staged it, when, for which statistic, and the preview
shown. Only the user who staged it can read or drop it; an upload left for more than
:data:`KEEP_SECONDS` is gone (removed when the next one is staged). Parts are copied a block at a time
from the request's spooled file, so a large upload never sits in memory whole, and written under a
temporary name, then renamed: a staged upload is complete or absent.

Per machine, like the cell store today (issue 23 puts both behind a shared store): a load balancer
in front of several machines keeps a producer's session on one.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

#: How long an upload waits for its release choice before it is removed.
KEEP_SECONDS = 24 * 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")
_PARTS = frozenset({"table", "sidecar"})
_FACTS = "facts.json"
_BLOCK = 1 << 20


class StagedGone(LookupError):
    """No staged upload by that token for that user (never staged, saved, dropped or expired)."""


@dataclass(frozen=True)
class Staged:
    token: str
    folder: Path
    facts: Mapping[str, Any]

    def part(self, name: str) -> Path | None:
        path = self.folder / name
        return path if name in _PARTS and path.exists() else None


class Staging:
    def __init__(self, root: Path, keep_seconds: int = KEEP_SECONDS) -> None:
        self.root = root
        self.keep_seconds = keep_seconds

    def put(self, user_id: int, parts: Mapping[str, IO[bytes]], facts: Mapping[str, Any]) -> str:
        """Stage ``parts`` (name -> a readable binary stream) with ``facts`` (JSON-able) for
        ``user_id``; returns the token. Older uploads past their time are removed first."""
        self.purge()
        unknown = set(parts) - _PARTS
        if unknown:
            raise ValueError(f"unknown parts {sorted(unknown)}")
        self.root.mkdir(parents=True, exist_ok=True)
        token = secrets.token_urlsafe(24)
        work = Path(tempfile.mkdtemp(dir=self.root, prefix=".tmp-"))
        try:
            for name, stream in parts.items():
                with open(work / name, "wb") as out:
                    shutil.copyfileobj(stream, out, _BLOCK)
            self._write_facts(work, {**facts, "user": user_id, "staged_at": time.time()})
            os.replace(work, self.root / token)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        return token

    def get(self, user_id: int, token: str) -> Staged:
        """The upload ``token`` staged by ``user_id``; raises StagedGone otherwise."""
        folder = self._folder(token)
        try:
            facts = json.loads((folder / _FACTS).read_text("utf-8"))
        except (OSError, ValueError):
            raise StagedGone(token) from None
        if facts.get("user") != user_id or self._expired(facts.get("staged_at")):
            raise StagedGone(token)
        return Staged(token, folder, facts)

    def update(self, staged: Staged, facts: Mapping[str, Any]) -> None:
        """Replace the facts of ``staged`` (its owner and time stay)."""
        kept = {"user": staged.facts["user"], "staged_at": staged.facts["staged_at"]}
        self._write_facts(staged.folder, {**facts, **kept})

    def drop(self, token: str) -> None:
        with contextlib.suppress(StagedGone):
            shutil.rmtree(self._folder(token), ignore_errors=True)

    def purge(self) -> int:
        """Remove uploads (and half-written temporary folders) older than the keeping time."""
        if not self.root.exists():
            return 0
        removed = 0
        limit = time.time() - self.keep_seconds
        for folder in self.root.iterdir():
            with contextlib.suppress(OSError):
                if folder.stat().st_mtime < limit:
                    shutil.rmtree(folder, ignore_errors=True)
                    removed += 1
        return removed

    def _folder(self, token: str) -> Path:
        if not _TOKEN.fullmatch(token or ""):
            raise StagedGone(token)
        return self.root / token

    def _expired(self, staged_at: object) -> bool:
        return not isinstance(staged_at, int | float) or (
            time.time() - staged_at > self.keep_seconds
        )

    @staticmethod
    def _write_facts(folder: Path, facts: Mapping[str, Any]) -> None:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(facts, out, ensure_ascii=False)
            os.replace(tmp, folder / _FACTS)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
