"""One-time links: their purpose is an enum in the model, stored as its plain value in the VARCHAR(10)
column the migrations made (issue 17), and read back as the enum's member."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from portal.accounts import admin
from portal.accounts.models import Invitation, LinkPurpose, Role
from portal.kernel.access import CLI_ACTOR
from tests.conftest import START


def test_a_links_purpose_is_stored_as_its_value_and_read_as_the_enum(session: Session) -> None:
    invited = _invite(session)
    admin.issue_password_reset(session, CLI_ACTOR, invited.user.id, START)
    session.commit()
    raw = session.execute(
        text("SELECT purpose FROM user_invitation WHERE user_id = :id ORDER BY id"),
        {"id": invited.user.id},
    ).scalars()
    assert list(raw) == ["invite", "reset"]
    session.expire_all()
    links = session.scalars(
        select(Invitation).where(Invitation.user_id == invited.user.id).order_by(Invitation.id)
    ).all()
    assert [link.purpose for link in links] == [LinkPurpose.INVITE, LinkPurpose.RESET]
    assert all(isinstance(link.purpose, LinkPurpose) for link in links)


def test_a_purpose_outside_the_enum_is_refused_when_written(session: Session) -> None:
    invited = _invite(session)
    link = session.scalars(select(Invitation).where(Invitation.user_id == invited.user.id)).one()
    link.purpose = "welcome"  # type: ignore[assignment]
    with pytest.raises(StatementError):
        session.flush()


def _invite(session: Session) -> admin.IssuedLink:
    invited = admin.invite_user(
        session,
        CLI_ACTOR,
        email="ny@test.no",
        name="Ny",
        role=Role.PORTAL_ADMIN,
        producer=None,
        now=START,
    )
    session.flush()
    return invited
