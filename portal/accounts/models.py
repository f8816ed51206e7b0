"""Tables for users, API tokens and the append-only audit log."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base
from portal.programme.models import Producer


class Role(enum.StrEnum):
    EDITOR = "editor"
    PRODUCER_ADMIN = "producer-admin"
    PORTAL_ADMIN = "portal-admin"


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    # Null only for portal administrators, who belong to no single producer.
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("producer.id", ondelete="RESTRICT"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]

    producer: Mapped[Producer | None] = relationship()


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    producer_id: Mapped[int] = mapped_column(
        ForeignKey("producer.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    # The first characters of the token, shown in lists so a leaked token can be recognised and revoked.
    prefix: Mapped[str] = mapped_column(String(16))
    # SHA-256 of the whole token. Tokens carry 256 random bits, so a fast hash is safe and lookup is O(1).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    producer: Mapped[Producer] = relationship()


class AuditEntry(Base):
    """One write, as it happened. Rows are never updated or deleted (database triggers refuse it)."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_kind: Mapped[str] = mapped_column(String(10))
    actor_id: Mapped[int | None]
    actor_label: Mapped[str] = mapped_column(String(254))
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("producer.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(80))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
