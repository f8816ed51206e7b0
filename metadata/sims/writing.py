"""What an editor writes, kept as written: one form of line breaks for every text, the change note a new
version needs, and the refusals the editing page words in nb and en (their ``message_key``). Never
imports Flask.

Browsers send a textarea's line breaks as CRLF (the HTML standard's form encoding) while the API's
clients send LF; without one form a field nobody touched differs from its stored text and shows as
changed in the public diff (issue 20).
"""

from __future__ import annotations

from portal.kernel.errors import BadRequest, Conflict, FieldError


def as_written(text: str) -> str:
    """``text`` with CRLF and lone CR line breaks as LF and no surrounding blank space: the one form
    stored, compared and diffed."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


class ChangeNoteMissing(BadRequest):
    """Publishing without saying what changed: readers of the version list and the diff rely on it."""

    message_key = "doc.error.note_required"

    def __init__(self) -> None:
        super().__init__("", (FieldError.said("/change_note", "doc.field.required"),))
        self.said("doc.refuse.note")


class StaleDraft(Conflict):
    """The draft was saved by someone else after the editor opened it."""

    message_key = "doc.error.stale"


class NothingToPublish(Conflict):
    """The draft is the same as the newest version."""

    message_key = "doc.error.nothing_to_publish"

    def __init__(self) -> None:
        super().__init__("")
        self.said("doc.refuse.nothing")
