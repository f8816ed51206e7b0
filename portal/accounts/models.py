"""Tables for users, API tokens and the append-only audit log."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.kernel.db import Base, enum_column
from portal.programme.models import Producer


class Role(enum.StrEnum):
    EDITOR = "editor"
    PRODUCER_ADMIN = "producer-admin"
    PORTAL_ADMIN = "portal-admin"


class LinkPurpose(enum.StrEnum):
    """What a one-time link is for: a new user's first password, or a reset."""

    INVITE = "invite"
    RESET = "reset"


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = enum_column(Role, 20)
    # Null only for portal administrators, who belong to no single producer.
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("producer.id", ondelete="RESTRICT"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Carried in the session cookie; logging out, disabling the user or changing the password raises it,
    # which ends every session of the user at once.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]

    producer: Mapped[Producer | None] = relationship()


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Null for a portal administrator's token, which belongs to no single producer.
    producer_id: Mapped[int | None] = mapped_column(
        ForeignKey("producer.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    # The first characters of the token, shown in lists so a leaked token can be recognised and revoked.
    prefix: Mapped[str] = mapped_column(String(16))
    # SHA-256 of the whole token. Tokens carry 256 random bits, so a fast hash is safe and lookup is O(1).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    # The user who created it (null when made on the command line); disabling that user revokes it.
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL", name="fk_api_token_creator")
    )
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    producer: Mapped[Producer | None] = relationship()
    creator: Mapped[User | None] = relationship()


class Invitation(Base):
    """A one-time link that sets a user's password: an invitation to a new user, or a reset."""

    __tablename__ = "user_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[LinkPurpose] = enum_column(LinkPurpose, 10)
    # SHA-256 of the link's secret; the secret itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(254))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
