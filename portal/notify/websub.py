"""WebSub (issue 22): the calendar's feeds name a hub (``WEBSUB_HUB``), and the worker tells the hub which
feeds changed (``hub.mode=publish``), so feed readers get pushes instead of polling.

A feed changes when an event of its topics becomes public: every event about the calendar, a statistic,
a producer or a subject area changes the calendar's feeds, and a statistic's, producer's or subject
area's filtered feeds too. The pinged address is the feed's address under ``BASE_URL`` as a reader
subscribes to it: the filter first, then ``lang=en`` for the English feed. One ping per feed and pass; a
failed ping is logged, not retried (hubs fetch the feeds on their own schedule as well). Never imports
Flask."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import quote

import requests

from portal.notify.models import NotifyEvent

log = logging.getLogger(__name__)

#: The calendar's feeds, by path; the releases' feeds take the filters, the changes' feed none.
FILTERED_FEEDS = ("/feeds/releases.atom", "/feeds/releases.rss")
FEEDS = (*FILTERED_FEEDS, "/feeds/changes.atom")
#: A topic's kind and the feeds' filter that shows it.
FILTERS = {"statistic": "statistic", "producer": "producer", "subject": "subject_area"}


def feed_urls(base_url: str, events: Iterable[NotifyEvent]) -> list[str]:
    """The feeds that ``events`` changed, each once, in both languages."""
    base = base_url.rstrip("/")
    queries: set[str] = set()
    for event in events:
        for topic in event.topics:
            kind, _, key = topic.partition(":")
            if topic == "calendar" or kind in FILTERS:
                queries.add("")
            if kind in FILTERS and key:
                queries.add(f"{FILTERS[kind]}={quote(key, safe='')}")
    urls: list[str] = []
    for query in sorted(queries):
        for path in FEEDS if not query else FILTERED_FEEDS:
            urls.append(f"{base}{path}?{query}" if query else f"{base}{path}")
            urls.append(f"{base}{path}?{query}&lang=en" if query else f"{base}{path}?lang=en")
    return urls


def ping(hub: str, urls: Iterable[str], timeout: float) -> list[str]:
    """Tell ``hub`` that each feed in ``urls`` changed (a form POST per feed); the ones it accepted."""
    accepted: list[str] = []
    for url in urls:
        try:
            response = requests.post(
                hub,
                data={"hub.mode": "publish", "hub.url": url},
                timeout=timeout,
                allow_redirects=False,
            )
        except requests.RequestException as failure:
            log.warning("WebSub hub %s not told of %s: %s", hub, url, failure)
            continue
        if 200 <= response.status_code < 300:
            accepted.append(url)
        else:
            log.warning("WebSub hub %s answered %s for %s", hub, response.status_code, url)
    return accepted
