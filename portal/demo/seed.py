"""Demo data: the programme that ships with the package and the demo accounts, whose passwords are
published. For demonstrations only: a real portal loads its programme with ``portal programme load`` and
creates its accounts itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.accounts.service import create_user
from portal.kernel.access import CLI_ACTOR
from portal.programme.load import builtin_programme, load_programme
from portal.programme.models import Producer


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


def is_empty(session: Session) -> bool:
    return (session.scalar(select(func.count()).select_from(Producer)) or 0) == 0


def seed_programme(session: Session, now: datetime) -> dict[str, int]:
    """The programme that ships with the package (as ``portal programme load`` loads it). Returns how
    many rows it added of each kind."""
    report = load_programme(session, CLI_ACTOR, builtin_programme(), now)
    return {kind: len(found.added) for kind, found in report.kinds.items()}


def has_demo_accounts(session: Session) -> bool:
    """Whether any demo account (with its published password) exists in this database."""
    emails = [a.email for a in DEMO_ACCOUNTS]
    return session.scalar(select(User.id).where(User.email.in_(emails)).limit(1)) is not None


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
