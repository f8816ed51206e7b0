"""The release-minute bench's own arithmetic: percentiles, and which answers count as early content."""

from __future__ import annotations

from bench.release_load import (
    Channel,
    Record,
    answered,
    atom_published,
    classify,
    contains,
    first_visible,
    ical_published,
    percentile,
    summary,
)

T = 1_000.0
TABLE = Channel("table", "visitor", "GET", "/tabeller/1", answered, embargoed=True)
PAGE = Channel("release", "visitor", "GET", "/kalender/7", contains("Benkemerke"))


def test_percentile_by_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.50) == 50
    assert percentile(values, 0.95) == 95
    assert percentile(values, 0.99) == 99
    assert percentile([3.0], 0.99) == 3
    assert percentile([], 0.5) is None


def test_content_answered_before_the_release_is_early() -> None:
    early = Record("table", T - 2, T - 1, 200, True)
    decided_after = Record("table", T - 1, T + 0.5, 200, True)  # asked before, answered after
    embargo = Record("table", T - 2, T - 1, 404, False)
    assert classify(early, TABLE, T, 2.0) == "early"
    assert classify(decided_after, TABLE, T, 2.0) == "ok"
    assert classify(embargo, TABLE, T, 2.0) == "ok"


def test_a_table_still_missing_after_the_grace_is_an_error() -> None:
    assert classify(Record("table", T + 1, T + 1.1, 404, False), TABLE, T, 2.0) == "ok"
    assert classify(Record("table", T + 3, T + 3.1, 404, False), TABLE, T, 2.0) == "other"
    assert classify(Record("release", T + 3, T + 3.1, 500, False), PAGE, T, 2.0) == "5xx"
    assert classify(Record("release", T + 3, T + 23, 0, False), PAGE, T, 2.0) == "other"


def test_markers_read_the_release_out_of_pages_and_feeds() -> None:
    assert contains("Benkemerke")(200, b"<p>Benkemerke-1</p>")
    assert not contains("Benkemerke")(200, b"<p>kommer</p>")
    atom = atom_published("/kalender/7")
    entry = b'<entry><id>http://x/kalender/7</id><category term="%s"/></entry>'
    assert atom(200, b"<feed>" + entry % b"published" + b"</feed>")
    assert not atom(200, b"<feed>" + entry % b"confirmed" + b"</feed>")
    assert not atom(200, b"<feed><entry><id>http://x/kalender/70</id></entry></feed>")
    ical = ical_published("/kalender/7")
    event = b"BEGIN:VEVENT\r\nURL:http://x/kalender/7\r\nDESCRIPTION:Publisering: 08:00 (publi\r\n sert)\r\nEND:VEVENT\r\n"
    assert ical(200, b"BEGIN:VCALENDAR\r\n" + event)
    assert not ical(200, b"BEGIN:VCALENDAR\r\n" + event.replace(b"publi\r\n sert", b"bekreftet"))


def test_summary_and_first_visible() -> None:
    records = [
        Record("release", T - 1, T - 0.5, 200, False),
        Record("release", T + 0.1, T + 0.4, 200, True),
        Record("release", T + 0.2, T + 0.3, 500, False),
    ]
    row = summary(records, [PAGE], T, 10.0)["release"]
    assert (row["requests"], row["5xx"], row["early"], row["other"]) == (3, 1, 0, 0)
    seen = first_visible(records, T)
    assert seen["visible_after_s"] == 0.4
    assert seen["asked_after_s"] == 0.1
    assert seen["early"] == 0
