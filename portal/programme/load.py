"""Load the statistics programme (producers, subject areas, statistics) from files: the one that ships
with the package or an operator's own. Never imports Flask.

Loading is idempotent and never deletes: a new slug is added, a known one is updated in place (only the
fields the file gives), and what the database has but the file lacks is reported, and retired only when
asked (``retire_missing``). It creates no accounts and no releases. The whole load is checked before
anything is written, so a file with one bad row changes nothing.

The formats are documented in docs/programme.md.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.kernel.access import Actor
from portal.kernel.errors import BadRequest, FieldError
from portal.kernel.parsing import checked_rows, parse_json
from portal.programme.admin import ORG_NUMBER, SLUG
from portal.programme.models import Frequency, Producer, Statistic, SubjectArea
from portal.programme.service import record_entry

KINDS = ("producers", "subject_areas", "statistics")
BUILTIN_FILES = {kind: f"{kind}.json" for kind in KINDS}
MAX_FILE_BYTES = 20 * 1024 * 1024

_FIELDS: dict[str, dict[str, int]] = {
    # field: longest allowed text
    "producers": {"slug": 40, "short": 40, "name_nb": 200, "name_en": 200, "website": 300},
    "subject_areas": {"slug": 80, "name_nb": 200, "name_en": 200},
    "statistics": {
        "slug": 80,
        "producer": 40,
        "name_nb": 300,
        "name_en": 300,
        "frequency": 20,
        "url": 500,
        "description_nb": 100_000,
        "description_en": 100_000,
    },
}
_REQUIRED = {
    "producers": ("slug", "short", "name_nb", "name_en", "website"),
    "subject_areas": ("slug", "name_nb", "name_en"),
    "statistics": ("slug", "producer", "name_nb", "name_en", "frequency", "subject_areas"),
}


@dataclass
class KindReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # in the database, not in the file, kept
    unchanged: int = 0


@dataclass
class LoadReport:
    kinds: dict[str, KindReport] = field(default_factory=lambda: {k: KindReport() for k in KINDS})

    def lines(self) -> list[str]:
        out = []
        for kind, report in self.kinds.items():
            name = kind.replace("_", " ")
            out.append(
                f"{name}: {len(report.added)} added, {len(report.changed)} changed, "
                f"{len(report.retired)} retired, {report.unchanged} unchanged"
                + (
                    f"; {len(report.missing)} not in the file and kept "
                    f"({', '.join(report.missing[:5])}{'…' if len(report.missing) > 5 else ''})"
                    if report.missing
                    else ""
                )
            )
        return out


def builtin_programme() -> dict[str, list[dict[str, Any]]]:
    """The programme that ships with the package (the 16 producers, 21 subject areas, 95 statistics)."""
    found: dict[str, list[dict[str, Any]]] = {}
    folder = resources.files("portal.programme").joinpath("data")
    for kind, name in BUILTIN_FILES.items():
        found[kind] = json.loads(folder.joinpath(name).read_text(encoding="utf-8"))["items"]
    return found


def read_files(paths: Iterable[Path]) -> dict[str, list[dict[str, Any]]]:
    """The programme in ``paths``: JSON files (one object with any of producers, subject_areas and
    statistics; or one kind's ``{"kind": …, "items": […]}``) or CSV files of one kind each, told apart
    by their header. Raises BadRequest naming the file and line."""
    found: dict[str, list[dict[str, Any]]] = {}
    for path in paths:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise BadRequest("").said(
                "load.too_large", file=path.name, mb=MAX_FILE_BYTES // 1024 // 1024
            )
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BadRequest("").said("load.not_utf8", file=path.name) from None
        parsed = (
            _parse_csv(path.name, text)
            if path.suffix.lower() == ".csv"
            else _parse_json(path.name, text)
        )
        for kind, items in parsed.items():
            found.setdefault(kind, []).extend(items)
    return found


def _parse_json(name: str, text: str) -> dict[str, list[dict[str, Any]]]:
    data = parse_json(text, name)
    if not isinstance(data, dict):
        raise BadRequest("").said("load.not_object", file=name)
    if "kind" in data and "items" in data:
        data = {data["kind"]: data["items"]}
    unknown = set(data) - set(KINDS) - {"source"}
    if unknown:
        raise BadRequest("").said(
            "load.unknown_keys", file=name, keys=", ".join(sorted(unknown)), kinds=", ".join(KINDS)
        )
    out: dict[str, list[dict[str, Any]]] = {}
    for kind in KINDS:
        if kind in data:
            items = data[kind]
            if isinstance(items, dict) and "items" in items:
                items = items["items"]
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise BadRequest("").said("load.not_list", file=name, kind=kind)
            out[kind] = items
    return out


def _parse_csv(name: str, text: str) -> dict[str, list[dict[str, Any]]]:
    sample = text.split("\n", 1)[0]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    rows = list(checked_rows(csv.DictReader(io.StringIO(text), delimiter=delimiter), name))
    header = set(rows[0]) if rows else set()
    if "producer" in header:
        kind = "statistics"
    elif "short" in header or "website" in header:
        kind = "producers"
    elif {"slug", "name_nb", "name_en"} <= header:
        kind = "subject_areas"
    else:
        raise BadRequest("").said("load.unknown_header", file=name)
    items = []
    for row in rows:
        item: dict[str, Any] = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        if kind == "statistics":
            item["subject_areas"] = [
                s.strip() for s in item.get("subject_areas", "").split("|") if s.strip()
            ]
        items.append({k: v for k, v in item.items() if v != "" or k in _REQUIRED[kind]})
    return {kind: items}


def _check(kind: str, items: list[dict[str, Any]]) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: set[str] = set()
    for number, item in enumerate(items, start=1):
        where: dict[str, object] = {"kind": kind, "number": number}
        for name in _REQUIRED[kind]:
            if not item.get(name):
                errors.append(
                    FieldError.said(
                        f"/{kind}/{number - 1}/{name}", "load.missing", name=name, **where
                    )
                )
        for name, limit in _FIELDS[kind].items():
            value = item.get(name)
            if value is not None and (not isinstance(value, str) or len(value) > limit):
                errors.append(
                    FieldError.said(
                        f"/{kind}/{number - 1}/{name}",
                        "load.text_limit",
                        name=name,
                        limit=limit,
                        **where,
                    )
                )
        slug = item.get("slug")
        if isinstance(slug, str) and slug:
            if not SLUG.match(slug):
                errors.append(
                    FieldError.said(
                        f"/{kind}/{number - 1}/slug", "load.not_slug", slug=slug[:80], **where
                    )
                )
            if slug in seen:
                errors.append(
                    FieldError.said(f"/{kind}/{number - 1}/slug", "load.twice", slug=slug, **where)
                )
            seen.add(slug)
        if kind == "producers" and item.get("org_number"):
            if not ORG_NUMBER.match(str(item["org_number"])):
                errors.append(
                    FieldError.said(f"/{kind}/{number - 1}/org_number", "load.org_number", **where)
                )
        if kind == "statistics":
            if item.get("frequency") and item["frequency"] not in {f.value for f in Frequency}:
                errors.append(
                    FieldError.said(
                        f"/{kind}/{number - 1}/frequency",
                        "load.frequency",
                        choices=", ".join(f.value for f in Frequency),
                        **where,
                    )
                )
            areas = item.get("subject_areas")
            if areas is not None and (
                not isinstance(areas, list) or not all(isinstance(a, str) for a in areas)
            ):
                errors.append(
                    FieldError.said(
                        f"/{kind}/{number - 1}/subject_areas", "load.area_list", **where
                    )
                )
    return errors


def load_programme(
    session: Session,
    actor: Actor,
    programme: dict[str, list[dict[str, Any]]],
    now: datetime,
    *,
    retire_missing: bool = False,
) -> LoadReport:
    """Add and update the programme's producers, subject areas and statistics in the caller's
    transaction. Raises BadRequest with every problem found before anything is written."""
    errors = [e for kind in KINDS for e in _check(kind, programme.get(kind, []))]
    producers = {p.slug: p for p in session.scalars(select(Producer))}
    areas = {a.slug: a for a in session.scalars(select(SubjectArea))}
    file_producers = {i["slug"] for i in programme.get("producers", [])}
    file_areas = {i["slug"] for i in programme.get("subject_areas", [])}
    by_key = {p.short_name.lower(): p.slug for p in producers.values()} | {s: s for s in producers}
    by_key |= {str(i.get("short", "")).lower(): i["slug"] for i in programme.get("producers", [])}
    by_key |= {s: s for s in file_producers}
    for number, item in enumerate(programme.get("statistics", [])):
        owner = str(item.get("producer", ""))
        if owner and by_key.get(owner.lower(), by_key.get(owner)) is None:
            errors.append(
                FieldError.said(
                    f"/statistics/{number}/producer",
                    "load.no_producer",
                    kind="statistics",
                    number=number + 1,
                    slug=owner,
                )
            )
        for area in item.get("subject_areas") or []:
            if isinstance(area, str) and area not in areas and area not in file_areas:
                errors.append(
                    FieldError.said(
                        f"/statistics/{number}/subject_areas",
                        "load.no_area",
                        kind="statistics",
                        number=number + 1,
                        slug=area,
                    )
                )
    if errors:
        raise BadRequest("", tuple(errors)).said(
            "load.problems", n=len(errors), s="s" if len(errors) != 1 else ""
        )
    report = LoadReport()
    _load_producers(session, actor, programme, producers, report.kinds["producers"], now)
    _load_areas(session, actor, programme, areas, report.kinds["subject_areas"], now)
    session.flush()
    _load_statistics(
        session, actor, programme, producers, areas, by_key, report, now, retire_missing
    )
    for kind, rows in (("producers", producers), ("subject_areas", areas)):
        if kind not in programme:
            continue
        listed = {i["slug"] for i in programme[kind]}
        for slug, row in rows.items():
            if slug not in listed and row.retired_at is None:
                _missing(session, actor, kind, slug, row, report.kinds[kind], retire_missing, now)
    session.flush()
    return report


def _update(row: Any, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    before, after = {}, {}
    for name, value in values.items():
        if value is not None and getattr(row, name) != value:
            before[name], after[name] = getattr(row, name), value
            setattr(row, name, value)
    return before, after


def _load_producers(
    session: Session,
    actor: Actor,
    programme: dict[str, list[dict[str, Any]]],
    producers: dict[str, Producer],
    report: KindReport,
    now: datetime,
) -> None:
    for item in programme.get("producers", []):
        values = {
            "short_name": item["short"],
            "name_nb": item["name_nb"],
            "name_en": item["name_en"],
            "website": item["website"],
            "org_number": item.get("org_number") or None,
        }
        row = producers.get(item["slug"])
        if row is None:
            row = Producer(slug=item["slug"], **values)
            session.add(row)
            session.flush()
            producers[row.slug] = row
            report.added.append(row.slug)
            record_entry(session, actor, now, "create", "producer", row.slug, row.id, None, values)
            continue
        before, after = _update(row, values)
        if after:
            report.changed.append(row.slug)
            record_entry(session, actor, now, "update", "producer", row.slug, row.id, before, after)
        else:
            report.unchanged += 1


def _load_areas(
    session: Session,
    actor: Actor,
    programme: dict[str, list[dict[str, Any]]],
    areas: dict[str, SubjectArea],
    report: KindReport,
    now: datetime,
) -> None:
    items = programme.get("subject_areas", [])
    # The file's order is the areas' order; areas the file lacks keep their place after them.
    for position, item in enumerate(items, start=1):
        values = {"name_nb": item["name_nb"], "name_en": item["name_en"], "position": position}
        row = areas.get(item["slug"])
        if row is None:
            row = SubjectArea(slug=item["slug"], **values)
            session.add(row)
            areas[row.slug] = row
            report.added.append(row.slug)
            record_entry(
                session, actor, now, "create", "subject_area", row.slug, None, None, values
            )
            continue
        before, after = _update(row, values)
        if after:
            report.changed.append(row.slug)
            record_entry(
                session, actor, now, "update", "subject_area", row.slug, None, before, after
            )
        else:
            report.unchanged += 1


def _load_statistics(
    session: Session,
    actor: Actor,
    programme: dict[str, list[dict[str, Any]]],
    producers: dict[str, Producer],
    areas: dict[str, SubjectArea],
    by_key: dict[str, str],
    load: LoadReport,
    now: datetime,
    retire_missing: bool,
) -> None:
    report = load.kinds["statistics"]
    if "statistics" not in programme:
        return
    existing = {s.slug: s for s in session.scalars(select(Statistic))}
    for item in programme["statistics"]:
        owner = producers[by_key.get(item["producer"].lower(), by_key.get(item["producer"], ""))]
        chosen = [areas[a] for a in dict.fromkeys(item["subject_areas"])]
        values = {
            "producer_id": owner.id,
            "name_nb": item["name_nb"],
            "name_en": item["name_en"],
            "frequency": item["frequency"],
            "producer_url": item.get("url") or None,
            "description_nb": item.get("description_nb"),
            "description_en": item.get("description_en"),
        }
        row = existing.get(item["slug"])
        if row is None:
            row = Statistic(
                slug=item["slug"],
                is_official=True,
                created_at=now,
                updated_at=now,
                subject_areas=chosen,
                **{
                    k: ("" if v is None and k.startswith("description") else v)
                    for k, v in values.items()
                },
            )
            session.add(row)
            session.flush()
            existing[row.slug] = row
            report.added.append(row.slug)
            after = {k: v for k, v in values.items() if v is not None}
            after["subject_areas"] = [a.slug for a in chosen]
            record_entry(
                session, actor, now, "create", "statistic", row.slug, owner.id, None, after
            )
            continue
        with session.no_autoflush:
            before, after = _update(row, values)
            old_areas = [a.slug for a in row.subject_areas]
            if set(old_areas) != {a.slug for a in chosen}:
                before["subject_areas"], after["subject_areas"] = (
                    old_areas,
                    [a.slug for a in chosen],
                )
                row.subject_areas = chosen
        if after:
            row.updated_at = now
            session.flush()
            report.changed.append(row.slug)
            record_entry(
                session, actor, now, "update", "statistic", row.slug, owner.id, before, after
            )
        else:
            report.unchanged += 1
    listed = {i["slug"] for i in programme["statistics"]}
    for slug, row in existing.items():
        if slug not in listed and row.retired_at is None and row.is_official:
            _missing(session, actor, "statistics", slug, row, report, retire_missing, now)


def _missing(
    session: Session,
    actor: Actor,
    kind: str,
    slug: str,
    row: Any,
    report: KindReport,
    retire: bool,
    now: datetime,
) -> None:
    if not retire:
        report.missing.append(slug)
        return
    row.retired_at = now
    report.retired.append(slug)
    entity = {"producers": "producer", "subject_areas": "subject_area", "statistics": "statistic"}
    producer_id = row.id if kind == "producers" else getattr(row, "producer_id", None)
    record_entry(
        session,
        actor,
        now,
        "retire",
        entity[kind],
        slug,
        producer_id,
        {"retired_at": None},
        {"retired_at": now.isoformat()},
    )
