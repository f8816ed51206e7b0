"""What a domain makes findable, declared by the domain and read by findability (``portal.search``): the
registration interface between them, below both, so that a domain describes its search documents and
sitemap entries without importing ``portal.search``, and ``portal.search`` builds its index and
sitemaps without importing a domain (issue 17). Each domain declares one :class:`Findable` in its own
``search.py``; the app factory registers them. Never imports Flask.

Each document carries the instant it becomes public (``visible_from``) and, where a newer one replaces
it, the instant it stops being public (``visible_until``); a domain takes both from the one visibility
rule (:func:`portal.kernel.access.goes_out_at`, or a query built on
:func:`~portal.kernel.access.released_filter`), never from a rule of its own. The index filters on them
at query time, so an item is findable at its release minute without a reindex, and not a second before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Set
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

#: The change kind under which removed documents travel (its keys are document ids).
DELETED = "deleted"

#: What changed in one commit: a change kind (``statistic``, ``release``, …) and the keys of the items.
Changes = Mapping[str, Set[Any]]


@dataclass(frozen=True)
class SearchDoc:
    id: str  # "<kind>:<key>", unique in the index
    kind: str  # statistic, release, note, table, codelist, producer, subject, about
    title_nb: str
    title_en: str
    text_nb: str
    text_en: str
    path_nb: str  # the page that answers it, in each language
    path_en: str
    producer: str = ""  # producer slug
    subjects: tuple[str, ...] = ()
    visible_from: datetime | None = None  # None: public as soon as it exists
    visible_until: datetime | None = None  # None: until it is deleted
    extra: tuple[str, ...] = field(default_factory=tuple)  # codes and ids searched as they are
    parent: str = ""  # the item it is shown under in search (a release under its statistic)
    dated: datetime | None = None  # the date it is known by (a release's time), aware UTC


@dataclass(frozen=True)
class Watch:
    """A write (insert or update) of a ``model`` changes the items ``key(obj)`` of change kind ``kind``.

    ``kind`` and the key's text form are stored in the shared change queue (``search_change``), so they
    outlive a release of the code: renaming either needs every machine to reindex. ``parse`` turns the
    queued text back into the key."""

    model: type[Any]
    kind: str
    key: Callable[[Any], Any]
    parse: Callable[[str], Any] = str


@dataclass(frozen=True)
class Removal:
    """Deleting a ``model`` removes the document ``document_id(obj)`` from the index."""

    model: type[Any]
    document_id: Callable[[Any], str]


@dataclass(frozen=True)
class SitemapEntry:
    """One page for search engines, in both languages; only what is public at the instant is listed."""

    path_nb: str
    path_en: str
    modified: datetime | None = None


@dataclass(frozen=True)
class SitemapSection:
    """One sitemap (``/sitemap-<kind>-<n>.xml``): the pages of one kind public at an instant (aware UTC),
    in a stable order."""

    kind: str
    entries: Callable[[Session, datetime], Iterable[SitemapEntry]]


@dataclass(frozen=True)
class Organisation:
    """A producer as the data catalogue names it (publisher and creator of its datasets)."""

    slug: str
    name_nb: str
    name_en: str
    org_number: str | None = None


@dataclass(frozen=True)
class Link:
    """A page or resource named by its endpoint and values, which the web layer turns into a URL (with
    ``lang`` for a bilingual page): domains name their own pages without building URLs."""

    endpoint: str
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FileSummary:
    """What a catalogue says of a downloadable file: its size in bytes and its checksums (hex)."""

    byte_size: int
    sha256: str
    sha1: str


@dataclass(frozen=True)
class DataFile:
    """One file holding a whole dataset in one output format (``csv``, ``px`` …), at ``link``. The
    web layer learns its size and checksums from the view behind ``link``: its ``describe`` attribute,
    called with the link's values, gives a :class:`FileSummary` (None when there is no such file)."""

    format: str
    link: Link


@dataclass(frozen=True)
class Dataset:
    """One dataset for the data catalogue (DCAT-AP-NO): a table, public at the instant it was listed
    for. The catalogue makes its URLs from ``id`` and ``statistic``."""

    id: str
    title_nb: str
    title_en: str
    description_nb: str
    description_en: str
    statistic: str  # the statistic's slug
    publisher: Organisation
    subjects: tuple[str, ...]
    keywords_nb: tuple[str, ...]
    keywords_en: tuple[str, ...]
    frequency: str | None
    modified: datetime | None
    languages: tuple[str, ...]
    first_period: str
    last_period: str
    contact_email: str | None
    contact_name: str | None
    page: Link  # the dataset's page (bilingual)
    data: Link  # the whole dataset through an API, ``outputFormat`` added per format
    # The whole dataset as files, one per format it comes in; none: ``data`` serves every format.
    files: tuple[DataFile, ...] = ()


@dataclass(frozen=True)
class Service:
    """An API a domain serves, for the data catalogue (a DCAT ``DataService``): its root ``path`` below
    the site (``/api/klass/v1/``), which is both its identifier and its endpoint, the specification it
    follows, and where a client reads its own description of itself (``description``, a page or
    resource; none if the API has no such document). ``serves_tables``: the catalogue's datasets are
    reached through it (each distribution names it as an access service)."""

    path: str
    title_nb: str
    title_en: str
    description_en: str
    conforms_to: str  # the specification's URL
    conforms_to_title: str
    description: Link | None = None
    serves_tables: bool = False


@dataclass(frozen=True)
class Findable:
    """What one domain makes findable.

    ``documents(session, changes)`` builds the documents touched by ``changes`` (any domain's change
    kinds: a table tied to a moved release moves with it), ``everything(session)`` every document for a
    full rebuild. Both read only the database and never apply the visibility rule themselves beyond
    stamping each document's ``visible_from`` / ``visible_until``; a domain whose items are not public
    at all (a draft, a copyrighted code list) leaves them out.

    ``datasets(session, now)`` lists the datasets public at ``now`` (aware UTC) for the data catalogue,
    in a stable order; ``organisation(session, slug)`` finds the producer a catalogue names as its
    own publisher (None if there is none); ``services`` are the APIs the domain serves, for the
    catalogue too.
    """

    name: str
    documents: Callable[[Session, Changes], Iterable[SearchDoc]]
    everything: Callable[[Session], Iterable[SearchDoc]]
    watches: tuple[Watch, ...] = ()
    removals: tuple[Removal, ...] = ()
    sitemaps: tuple[SitemapSection, ...] = ()
    datasets: Callable[[Session, datetime], Iterable[Dataset]] | None = None
    organisation: Callable[[Session, str], Organisation | None] | None = None
    services: tuple[Service, ...] = ()
