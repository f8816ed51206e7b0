"""Admission to a remote PxWeb: a cap on the requests in flight to it, and a circuit breaker.

A deadline bounds each remote request, but twelve requests waiting out that deadline on one hanging
remote still held every thread of the server, and ``/healthz`` took 55 s for everyone (issue 16). So in
each process, at most ``max_in_flight`` requests wait on one remote; one more waits ``queue_seconds``
for a slot and is then answered 503. After ``failures_to_open`` failures in a row the breaker opens: the
remote is not asked, and every request is answered 503 at once, for ``open_seconds``; then one trial
request is let through (half-open), and its outcome closes the breaker or opens it again.

What counts as a failure: no answer by the deadline, no connection, a 5xx or 429 after the retries, an
answer that is not JSON. A refusal (another 4xx) shows a working remote and counts as a success.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pxbridge.remotes.interfaces import RemoteFailure


class RemoteRefused(RemoteFailure):
    """The remote answered but refused the request (a 3xx or 4xx): a 502 that shows it is up."""

    def __init__(self, detail: str) -> None:
        super().__init__(502, detail)


class RemoteUnavailable(RemoteFailure):
    """The remote is not asked: its breaker is open, or it has as many requests in flight as
    allowed. A 503 with ``Retry-After``."""

    def __init__(self, detail: str, retry_after: float) -> None:
        super().__init__(503, detail)
        self.headers["Retry-After"] = str(max(1, math.ceil(retry_after)))


@dataclass(frozen=True)
class GuardLimits:
    """The admission limits of one remote, in this process."""

    max_in_flight: int = 2
    queue_seconds: float = 0.25
    failures_to_open: int = 5
    open_seconds: float = 30.0


class RemoteGuard:
    """One remote's slots and breaker. Thread-safe; times from ``monotonic``."""

    def __init__(
        self,
        name: str,
        limits: GuardLimits,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.limits = limits
        self._monotonic = monotonic
        self._slots = threading.BoundedSemaphore(max(1, limits.max_in_flight))
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial = False

    @property
    def is_open(self) -> bool:
        """Whether requests are refused without asking the remote (open, or a trial under way)."""
        with self._lock:
            return self._opened_at is not None

    def _enter_breaker(self) -> bool:
        """Pass the breaker: returns whether this request is the half-open trial. Raises
        :class:`RemoteUnavailable` (503) while the breaker is open or another trial runs."""
        with self._lock:
            if self._opened_at is None:
                return False
            waited = self._monotonic() - self._opened_at
            if waited < self.limits.open_seconds:
                left = self.limits.open_seconds - waited
                raise RemoteUnavailable(
                    f"The remote PxWeb at {self.name} is failing; it is asked again in "
                    f"{math.ceil(left)} s.",
                    left,
                )
            if self._trial:
                raise RemoteUnavailable(
                    f"The remote PxWeb at {self.name} is failing; a trial request is under way.", 1
                )
            self._trial = True
            return True

    def _settle(self, outcome: bool | None, trial: bool) -> None:
        """Record a request's outcome: True a success, False a failure, None neither (it was not
        asked, or our own code failed)."""
        with self._lock:
            if trial:
                self._trial = False
            if outcome is True:
                self._failures, self._opened_at = 0, None
            elif outcome is False:
                self._failures += 1
                closed = self._opened_at is None
                if trial or (closed and self._failures >= self.limits.failures_to_open):
                    self._opened_at = self._monotonic()

    @contextmanager
    def admit(self, deadline: float) -> Iterator[None]:
        """Hold one of the remote's slots for the body of the ``with`` (waiting at most
        ``queue_seconds``, and never past ``deadline``, a ``monotonic`` instant), and record how it
        ended: a :class:`RemoteFailure` escaping it is a failure (a :class:`RemoteRefused` a
        success). Raises :class:`RemoteUnavailable` (503) when the breaker is open or no slot
        frees in time."""
        trial = self._enter_breaker()
        wait = max(0.0, min(self.limits.queue_seconds, deadline - self._monotonic()))
        if not self._slots.acquire(timeout=wait):
            self._settle(None, trial)
            raise RemoteUnavailable(
                f"The remote PxWeb at {self.name} has {self.limits.max_in_flight} requests in "
                "flight already; try again shortly.",
                1,
            )
        outcome: bool | None = None
        try:
            yield
            outcome = True
        except RemoteRefused:
            outcome = True
            raise
        except RemoteFailure:
            outcome = False
            raise
        finally:
            self._slots.release()
            self._settle(outcome, trial)


class RemoteGuards:
    """The guards of every remote in this process, by remote and limits (changed limits give a
    fresh guard)."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._guards: dict[tuple[str, GuardLimits], RemoteGuard] = {}

    def get(self, name: str, limits: GuardLimits) -> RemoteGuard:
        with self._lock:
            guard = self._guards.get((name, limits))
            if guard is None:
                guard = RemoteGuard(name, limits, self._monotonic)
                self._guards[(name, limits)] = guard
            return guard
