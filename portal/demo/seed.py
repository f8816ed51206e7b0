"""Seed the real statistics programme and the demo accounts. Idempotent: existing rows are left alone."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.access import CLI_ACTOR
from portal.accounts.models import Role, User
from portal.accounts.service import create_user
from portal.programme.models import Frequency, Producer, Statistic, SubjectArea


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    role: Role
    producer: str | None


# Demo only: printed by `portal serve --demo`. Never seed these into a production database.
DEMO_ACCOUNTS = (
    DemoAccount("admin@demo.statistikkportalen.no", "demo-admin-passord", Role.PORTAL_ADMIN, None),
    DemoAccount("redaktor@ssb.demo.statistikkportalen.no", "demo-ssb-passord", Role.EDITOR, "ssb"),
    DemoAccount(
        "admin@ssb.demo.statistikkportalen.no", "demo-ssb-admin-passord", Role.PRODUCER_ADMIN, "ssb"
    ),
    DemoAccount("redaktor@nav.demo.statistikkportalen.no", "demo-nav-passord", Role.EDITOR, "nav"),
    DemoAccount(
        "admin@fhi.demo.statistikkportalen.no", "demo-fhi-admin-passord", Role.PRODUCER_ADMIN, "fhi"
    ),
)


def _data(name: str) -> list[dict[str, Any]]:
    text = resources.files("portal.demo").joinpath("data", name).read_text(encoding="utf-8")
    items: list[dict[str, Any]] = json.loads(text)["items"]
    return items


def is_empty(session: Session) -> bool:
    return (session.scalar(select(func.count()).select_from(Producer)) or 0) == 0


def seed_programme(session: Session, now: datetime) -> dict[str, int]:
    """The 16 producers, 21 subject areas and the demo statistics. Returns how many rows it added."""
    added = {"producers": 0, "subject_areas": 0, "statistics": 0}
    producers = {p.slug: p for p in session.scalars(select(Producer))}
    for item in _data("producers.json"):
        if item["slug"] not in producers:
            producer = Producer(
                slug=item["slug"],
                short_name=item["short"],
                name_nb=item["name_nb"],
                name_en=item["name_en"],
                website=item["website"],
                org_number=item.get("org_number"),
            )
            session.add(producer)
            producers[producer.slug] = producer
            added["producers"] += 1
    by_short = {p.short_name: p for p in producers.values()}
    areas = {a.slug: a for a in session.scalars(select(SubjectArea))}
    for position, item in enumerate(_data("subject_areas.json"), start=1):
        if item["slug"] not in areas:
            area = SubjectArea(
                slug=item["slug"],
                name_nb=item["name_nb"],
                name_en=item["name_en"],
                position=position,
            )
            session.add(area)
            areas[area.slug] = area
            added["subject_areas"] += 1
    existing = set(session.scalars(select(Statistic.slug)))
    for item in _data("statistics.json"):
        if item["slug"] in existing:
            continue
        session.add(
            Statistic(
                slug=item["slug"],
                producer=by_short[item["producer"]],
                name_nb=item["name_nb"],
                name_en=item["name_en"],
                description_nb=item["description_nb"],
                description_en=item["description_en"],
                frequency=Frequency(item["frequency"]).value,
                producer_url=item.get("url"),
                is_official=True,
                created_at=now,
                updated_at=now,
                subject_areas=[areas[s] for s in item["subject_areas"]],
            )
        )
        added["statistics"] += 1
    session.flush()
    return added


def seed_demo_accounts(session: Session, now: datetime) -> list[DemoAccount]:
    """The demo users (see :data:`DEMO_ACCOUNTS`); returns those it created."""
    created = []
    producers = {p.slug: p for p in session.scalars(select(Producer))}
    for account in DEMO_ACCOUNTS:
        if session.scalar(select(User.id).where(User.email == account.email)) is not None:
            continue
        name = account.email.split("@")[0].capitalize()
        create_user(
            session,
            CLI_ACTOR,
            email=account.email,
            name=name,
            password=account.password,
            role=account.role,
            producer=producers[account.producer] if account.producer else None,
            now=now,
        )
        created.append(account)
    return created
