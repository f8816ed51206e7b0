"""The clock is read one way: once per request, anew for each request, and at each call outside one."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from portal.http import instant
from portal.kernel.clock import FixedClock
from tests.conftest import START


def test_a_request_reads_the_clock_once(app: Flask, clock: FixedClock) -> None:
    with app.test_request_context("/"):
        first = instant.now()
        clock.advance(timedelta(seconds=1))
        assert instant.now() == first == START


def test_each_request_reads_it_anew_even_in_one_app_context(app: Flask, clock: FixedClock) -> None:
    # A test's outer app context shares one g across the requests made inside it.
    with app.app_context():
        with app.test_request_context("/"):
            assert instant.now() == START
        clock.advance(timedelta(seconds=1))
        with app.test_request_context("/"):
            assert instant.now() == START + timedelta(seconds=1)


def test_outside_a_request_every_call_reads_the_clock(app: Flask, clock: FixedClock) -> None:
    with app.app_context():
        assert instant.now() == START
        clock.set(START + timedelta(hours=1))
        assert instant.now() == START + timedelta(hours=1)
