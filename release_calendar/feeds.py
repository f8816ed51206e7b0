"""iCalendar, Atom and RSS from release views. Pure functions: the caller applies the visibility rule
(through :mod:`release_calendar.listing`) and supplies absolute URLs.

iCalendar follows RFC 5545 and what calendar clients need: stable UIDs, SEQUENCE
raised on every change, STATUS TENTATIVE/CONFIRMED/CANCELLED (cancelled events stay so calendars remove
them), provisional months and quarters as all-day tentative events that say so, DTSTAMP and
LAST-MODIFIED, a VTIMEZONE for Europe/Oslo, REFRESH-INTERVAL (RFC 7986) and the release page as URL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vDuration
from lxml import etree  # type: ignore[import-untyped]

from portal.kernel.clock import OSLO, in_oslo
from portal.kernel.i18n import pick
from release_calendar.listing import ChangeNotice, ReleaseView
from release_calendar.rules import Precision, Status, when_label

UrlFor = Callable[[ReleaseView], str]
UID_DOMAIN = "statistikkportalen.no"
EVENT_LENGTH = timedelta(minutes=15)
ATOM = "http://www.w3.org/2005/Atom"

STATUS_ICAL = {
    Status.PROVISIONAL: "TENTATIVE",
    Status.CONFIRMED: "CONFIRMED",
    Status.POSTPONED: "CONFIRMED",
    Status.PUBLISHED: "CONFIRMED",
    Status.CANCELLED: "CANCELLED",
}

WORDS: dict[str, dict[str, Any]] = {
    "nb": {
        "calendar": "Statistikkportalen: publiseringskalender",
        "provisional": "Foreløpig dato",
        "status": {
            "provisional": "foreløpig",
            "confirmed": "bekreftet",
            "postponed": "utsatt",
            "published": "publisert",
            "cancelled": "avlyst",
        },
        "period": "Referanseperiode",
        "when": "Publisering",
        "late": "Sent varslet",
        "changes": "Statistikkportalen: endringer i publiseringskalenderen",
        "kinds": {
            "postponed": "Utsatt",
            "brought-forward": "Framskyndet",
            "cancelled": "Avlyst",
            "late-announcement": "Sent varslet",
            "correction": "Rettelse",
        },
        "reason": "Begrunnelse",
        "from": "fra",
        "to": "til",
    },
    "en": {
        "calendar": "Statistics Portal Norway: release calendar",
        "provisional": "Provisional date",
        "status": {
            "provisional": "provisional",
            "confirmed": "confirmed",
            "postponed": "postponed",
            "published": "published",
            "cancelled": "cancelled",
        },
        "period": "Reference period",
        "when": "Release",
        "late": "Announced late",
        "changes": "Statistics Portal Norway: changes to the release calendar",
        "kinds": {
            "postponed": "Postponed",
            "brought-forward": "Brought forward",
            "cancelled": "Cancelled",
            "late-announcement": "Announced late",
            "correction": "Correction",
        },
        "reason": "Reason",
        "from": "from",
        "to": "to",
    },
}


def title(view: ReleaseView, lang: str) -> str:
    return f"{view.producer_short_name}: {pick(view.title_nb, view.title_en, lang)}"


def summary_text(view: ReleaseView, lang: str) -> str:
    words = WORDS[lang]
    lines = [
        f"{words['when']}: {when_label(view.precision, view.release_at, lang)} "
        f"({words['status'][view.status]})",
        f"{words['period']}: {pick(view.period_label_nb, view.period_label_en, lang)}",
    ]
    if view.late:
        why = pick(view.late_justification, view.late_justification_en, lang)
        lines.append(f"{words['late']}: {why}".strip())
    if view.status == Status.CANCELLED and view.cancel_reason_text:
        why = pick(view.cancel_reason_text, view.cancel_reason_text_en, lang)
        lines.append(f"{words['reason']}: {why}")
    contents = pick(view.contents_nb, view.contents_en, lang)
    if contents:
        lines.append(contents)
    note = pick(view.release_note_nb, view.release_note_en, lang)
    if note:
        lines.append(note)
    for correction in view.corrections:
        wrong = correction.what_was_wrong_en if lang == "en" else correction.what_was_wrong_nb
        changed = correction.what_changed_en if lang == "en" else correction.what_changed_nb
        lines.append(
            f"{words['kinds']['correction']} {correction.at:%Y-%m-%d %H:%M} UTC: {wrong} {changed}"
        )
    return "\n".join(lines)


def ical(
    views: Sequence[ReleaseView], *, lang: str, url_for_release: UrlFor, feed_url: str
) -> bytes:
    """An RFC 5545 calendar of ``views``."""
    events = [event_fragment(view, lang, url_for_release(view)) for view in views]
    return ical_document(events, lang=lang, feed_url=feed_url)


def event_fragment(view: ReleaseView, lang: str, url: str) -> bytes:
    """One release's VEVENT as the calendar writes it (for :func:`ical_document`)."""
    return bytes(_event(view, lang, url).to_ical())


def ical_document(events: Sequence[bytes], *, lang: str, feed_url: str) -> bytes:
    """The calendar around ``events`` (from :func:`event_fragment`), byte for byte what icalendar
    writes for the whole calendar: a component writes its subcomponents' lines in order, between its
    own properties and its END line, so the events go in before the time zone (issue 23)."""
    cal = Calendar()
    cal.add("prodid", "-//Statistikkportalen//Publiseringskalender//NO")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", WORDS[lang]["calendar"])
    cal.add("x-wr-calname", WORDS[lang]["calendar"])
    cal.add("x-wr-timezone", "Europe/Oslo")
    cal.add("refresh-interval", vDuration(timedelta(hours=1)), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(timedelta(hours=1)))
    cal.add("source", feed_url, parameters={"VALUE": "URI"})
    cal.add_component(_oslo_timezone())
    shell = bytes(cal.to_ical())
    at = shell.index(b"BEGIN:VTIMEZONE\r\n")
    return b"".join((shell[:at], *events, shell[at:]))


def _oslo_timezone() -> Timezone:
    """Europe/Oslo as the big calendar programs write it: two yearly rules, valid for any year
    (EU summer time: last Sunday of March 02:00 to last Sunday of October 03:00)."""
    tz = Timezone()
    tz.add("tzid", "Europe/Oslo")
    tz.add("x-lic-location", "Europe/Oslo")
    # VTIMEZONE onsets are local wall times by definition (RFC 5545 3.6.5), hence naive.
    summer = datetime(1970, 3, 29, 2, 0)  # noqa: DTZ001
    winter = datetime(1970, 10, 25, 3, 0)  # noqa: DTZ001
    for part, name, hours, onset in (
        (TimezoneDaylight(), "CEST", (1, 2), summer),
        (TimezoneStandard(), "CET", (2, 1), winter),
    ):
        part.add("tzname", name)
        part.add("tzoffsetfrom", timedelta(hours=hours[0]))
        part.add("tzoffsetto", timedelta(hours=hours[1]))
        part.add("dtstart", onset)
        part.add("rrule", {"freq": "yearly", "bymonth": onset.month, "byday": "-1su"})
        tz.add_component(part)
    return tz


def _event(view: ReleaseView, lang: str, url: str) -> Event:
    event = Event()
    event.add("uid", f"release-{view.id}@{UID_DOMAIN}")
    event.add("dtstamp", view.updated_at)
    event.add("last-modified", view.updated_at)
    event.add("sequence", view.sequence)
    event.add("status", STATUS_ICAL[view.status])
    event.add("transp", "TRANSPARENT")
    event.add("url", url, parameters={"VALUE": "URI"})
    event.add("categories", [view.kind, view.producer_short_name])
    text = summary_text(view, lang)
    if view.precision == Precision.EXACT:
        start = in_oslo(view.release_at)
        event.add("summary", title(view, lang))
        event.add("dtstart", start)
        event.add("dtend", (start + EVENT_LENGTH).astimezone(OSLO))
    else:
        # Provisional: an all-day tentative event on the period's first day, saying what it stands for.
        day = in_oslo(view.release_at).date()
        label = when_label(view.precision, view.release_at, lang)
        event.add("summary", f"{title(view, lang)} ({WORDS[lang]['provisional'].lower()}: {label})")
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        text = f"{WORDS[lang]['provisional']}: {label}\n{text}"
    event.add("description", f"{text}\n{url}")
    return event


def _tag(view_id: int, what: str = "release") -> str:
    return f"tag:{UID_DOMAIN},2026:{what}/{view_id}"


def _feed(
    lang: str,
    feed_title: str,
    self_url: str,
    home_url: str,
    updated: datetime,
    hub: str | None = None,
) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(feed_title)
    fg.link(href=self_url, rel="self")
    if hub:
        # WebSub: readers subscribe at the hub, which the portal pings when the feed changes (issue 22).
        # Before the alternate link: feedgen makes the last link RSS's <link>.
        fg.link(href=hub, rel="hub")
    fg.link(href=home_url, rel="alternate")
    fg.language(lang)
    fg.author({"name": "Statistikkportalen"})
    fg.description(feed_title)
    fg.updated(updated)
    fg.lastBuildDate(updated)
    return fg


class Stamped(Protocol):
    """What :func:`latest` reads of a release (a :class:`ReleaseView` or a listing's feed item)."""

    @property
    def updated_at(self) -> datetime: ...
    @property
    def release_at(self) -> datetime: ...
    @property
    def is_out(self) -> bool: ...


def latest(views: Sequence[Stamped], now: datetime) -> datetime:
    """When the feed last changed: the newest edit, or the newest release that has gone out."""
    stamps = [v.updated_at for v in views] + [v.release_at for v in views if v.is_out]
    return max([s for s in stamps if s <= now], default=now)


def releases_feed(
    views: Sequence[ReleaseView],
    *,
    lang: str,
    url_for_release: UrlFor,
    self_url: str,
    home_url: str,
    now: datetime,
    kind: str,
    hub: str | None = None,
) -> bytes:
    """Atom (``kind='atom'``) or RSS 2.0 (``kind='rss'``) of upcoming and published releases, naming
    the WebSub ``hub`` when there is one."""
    entries = entry_fragments(views, lang=lang, url_for_release=url_for_release, kind=kind)
    return releases_document(
        entries,
        lang=lang,
        self_url=self_url,
        home_url=home_url,
        updated=latest(views, now),
        kind=kind,
        hub=hub,
    )


def _entry(view: ReleaseView, lang: str, url: str) -> FeedEntry:
    entry = FeedEntry()
    entry.id(_tag(view.id))
    entry.guid(_tag(view.id), permalink=False)
    entry.title(f"{title(view, lang)} – {when_label(view.precision, view.release_at, lang)}")
    entry.link(href=url)
    entry.updated(max(view.updated_at, view.release_at if view.is_out else view.updated_at))
    entry.published(view.release_at if view.is_out else view.updated_at)
    entry.description(summary_text(view, lang))
    entry.category(term=view.status)
    return entry


#: Where entries sit in each kind of feed: the element around them, what opens one, and the namespaces
#: in scope there (feedgen's RSS root declares atom and content).
_PLACES = {
    "atom": ("feed", "entry", {}),
    "rss": (
        "channel",
        "item",
        {"atom": ATOM, "content": "http://purl.org/rss/1.0/modules/content/"},
    ),
}


def entry_fragments(
    views: Sequence[ReleaseView], *, lang: str, url_for_release: UrlFor, kind: str
) -> list[bytes]:
    """Each view's Atom ``<entry>`` or RSS ``<item>`` (for :func:`releases_document`), indented as the
    pretty-printed feed has it: written inside a stand-in of the feed's own nesting and cut out again
    (escaped text never holds a ``<``, so each fragment starts at its own tag)."""
    if not views:
        return []
    parent, tag, nsmap = _PLACES[kind]
    root = etree.Element("rss" if kind == "rss" else "feed", nsmap=nsmap)
    holder = etree.SubElement(root, "channel") if kind == "rss" else root
    for view in views:
        entry = _entry(view, lang, url_for_release(view))
        holder.append(entry.rss_entry() if kind == "rss" else entry.atom_entry())
    written = bytes(etree.tostring(root, pretty_print=True, encoding="UTF-8"))
    indent = b"    " if kind == "rss" else b"  "
    opening = b"\n" + indent + f"<{tag}>".encode()
    first = written.index(opening) + 1
    body = written[first : written.rindex(b"\n" + indent[:-2] + f"</{parent}>".encode()) + 1]
    starts = [0] + [n + 1 for n in _find_all(body, opening)]
    return [body[a:b] for a, b in zip(starts, [*starts[1:], len(body)], strict=True)]


def _find_all(text: bytes, part: bytes) -> list[int]:
    found, at = [], text.find(part)
    while at != -1:
        found.append(at)
        at = text.find(part, at + 1)
    return found


def releases_document(
    entries: Sequence[bytes],
    *,
    lang: str,
    self_url: str,
    home_url: str,
    updated: datetime,
    kind: str,
    hub: str | None = None,
) -> bytes:
    """The Atom or RSS feed around ``entries`` (from :func:`entry_fragments`), byte for byte what
    feedgen writes for the whole feed (issue 23)."""
    fg = _feed(lang, WORDS[lang]["calendar"], self_url, home_url, updated, hub)
    if kind == "atom":
        shell, closing = bytes(fg.atom_str(pretty=True)), b"</feed>"
    else:
        shell, closing = _rss_hub(bytes(fg.rss_str(pretty=True)), hub), b"  </channel>"
    at = shell.rindex(closing)
    return b"".join((shell[:at], *entries, shell[at:]))


def _rss_hub(rss: bytes, hub: str | None) -> bytes:
    """RSS with the hub as an ``atom:link`` beside the self link (feedgen writes only the self link)."""
    if not hub:
        return rss
    tree = etree.fromstring(rss)
    channel = tree.find("channel")
    assert channel is not None
    link = etree.Element(f"{{{ATOM}}}link", href=hub, rel="hub")
    found = channel.find(f"{{{ATOM}}}link")
    channel.insert(channel.index(found) + 1 if found is not None else 0, link)
    etree.indent(tree)
    return bytes(etree.tostring(tree, pretty_print=True, xml_declaration=True, encoding="UTF-8"))


def changes_feed(
    notices: Sequence[ChangeNotice],
    *,
    lang: str,
    url_for_release: UrlFor,
    self_url: str,
    home_url: str,
    now: datetime,
    hub: str | None = None,
) -> bytes:
    """Atom of date changes, cancellations, late announcements and corrections, naming the WebSub
    ``hub`` when there is one."""
    words = WORDS[lang]
    fg = _feed(
        lang, words["changes"], self_url, home_url, max((n.at for n in notices), default=now), hub
    )
    for notice in notices:
        view = notice.release
        entry = fg.add_entry(order="append")
        entry.id(_tag(view.id, f"{notice.kind}/{notice.at:%Y%m%dT%H%M%S}"))
        entry.title(f"{words['kinds'][notice.kind]}: {title(view, lang)}")
        entry.link(href=url_for_release(view))
        entry.updated(notice.at)
        lines = []
        if notice.change and notice.change.old_release_at and notice.change.new_release_at:
            old = when_label(
                notice.change.old_precision or Precision.EXACT,
                notice.change.old_release_at,
                lang,
            )
            new = when_label(
                notice.change.new_precision or Precision.EXACT,
                notice.change.new_release_at,
                lang,
            )
            lines.append(f"{words['from']} {old} {words['to']} {new}")
        if notice.change and notice.change.reason_text:
            why = pick(notice.change.reason_text, notice.change.reason_text_en, lang)
            lines.append(f"{words['reason']}: {why}")
        if notice.kind == "late-announcement" and view.late_justification:
            lines.append(pick(view.late_justification, view.late_justification_en, lang))
        if notice.correction:
            c = notice.correction
            lines.append(c.what_was_wrong_en if lang == "en" else c.what_was_wrong_nb)
            lines.append(c.what_changed_en if lang == "en" else c.what_changed_nb)
        entry.summary("\n".join(lines) or title(view, lang))
        entry.category(term=notice.kind)
    return bytes(fg.atom_str(pretty=True))
