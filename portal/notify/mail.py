"""The alerts' e-mails, written in the subscriber's language with a text and an HTML part, and sent through
SMTP (``PORTAL_SMTP_URL``: ``smtp://host:port``, ``smtp+starttls://user:password@host:587`` or
``smtps://user:password@host:465``). Every message but the confirmation carries one-click unsubscribe
(``List-Unsubscribe`` and ``List-Unsubscribe-Post``, RFC 8058) and the link to manage one's subscriptions.
No tracking pixels, no rewritten links. Never imports Flask."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from html import escape
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from portal.kernel.i18n import translate
from portal.notify.models import NotifyEvent, Subscription

#: The pages the links lead to, in each language ({token} filled in).
PATHS = {
    "confirm": {"nb": "/varsler/bekreft/{token}", "en": "/en/alerts/confirm/{token}"},
    "unsubscribe": {"nb": "/varsler/avmeld/{token}", "en": "/en/alerts/unsubscribe/{token}"},
    "manage": {"nb": "/varsler/mine/{token}", "en": "/en/alerts/mine/{token}"},
}


class Sender(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class SmtpSender:
    """Sends over one SMTP connection kept open for a pass (opened again after a failure); ``timeout``
    bounds every wait on the server."""

    def __init__(self, url: str, timeout: float = 20.0) -> None:
        self.url, self.timeout = url, timeout
        self._client: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        parts = urlsplit(self.url)
        scheme = parts.scheme.lower()
        host = parts.hostname or "localhost"
        if scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                host, parts.port or 465, timeout=self.timeout, context=ssl.create_default_context()
            )
        elif scheme in {"smtp", "smtp+starttls"}:
            client = smtplib.SMTP(host, parts.port or 25, timeout=self.timeout)
        else:
            raise ValueError(
                f"PORTAL_SMTP_URL must start smtp://, smtp+starttls:// or smtps://, not {scheme}://"
            )
        if scheme == "smtp+starttls":
            client.starttls(context=ssl.create_default_context())
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        return client

    def send(self, message: EmailMessage) -> None:
        if self._client is None:
            self._client = self._connect()
        try:
            self._client.send_message(message)
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()


def _link(base_url: str, kind: str, lang: str, token: str) -> str:
    return base_url.rstrip("/") + PATHS[kind][lang].format(token=token)


def topic_words(subscription: Subscription, lang: str) -> str:
    """What a subscription is about, in words: «Konsumprisindeksen», «alt i publiseringskalenderen»."""
    kind = subscription.topic.split(":", 1)[0]
    label = subscription.label or {}
    name = label.get(lang) or label.get("nb") or subscription.topic.partition(":")[2]
    return translate(f"alert.topic.{kind}", lang, name=name)


def _event_lines(
    events: Sequence[NotifyEvent], lang: str, base_url: str
) -> list[tuple[str, str, str]]:
    """(title, what happened, absolute link) of each event."""
    rows = []
    for e in events:
        words: dict[str, Any] = e.words
        rows.append(
            (
                words["title"][lang] or words["title"]["nb"],
                words["text"][lang] or words["text"]["nb"],
                base_url.rstrip("/") + (words["path"][lang] or words["path"]["nb"]),
            )
        )
    return rows


def compose(
    *,
    kind: str,
    subscription: Subscription,
    events: Sequence[NotifyEvent],
    tokens: dict[str, str],
    base_url: str,
    sender: str,
    now: Any,
) -> EmailMessage:
    """The e-mail for one queued message: a confirmation, an alert (one event) or a digest."""
    lang = subscription.subscriber.language
    about = topic_words(subscription, lang)
    manage = _link(base_url, "manage", lang, tokens["manage"])
    unsubscribe = _link(base_url, "unsubscribe", lang, tokens["unsubscribe"])
    message = EmailMessage()
    message["From"] = sender
    message["To"] = subscription.subscriber.email
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">") or None)
    text: list[str]
    html: list[str]
    if kind == "confirm":
        confirm = _link(base_url, "confirm", lang, tokens["confirm"])
        message["Subject"] = translate("alert.mail.confirm_subject", lang)
        text = [
            translate("alert.mail.confirm_intro", lang, about=about),
            "",
            confirm,
            "",
            translate("alert.mail.confirm_ignore", lang),
            "",
            "--",
            translate("alert.mail.manage", lang) + " " + manage,
        ]
        html = [
            f"<p>{escape(translate('alert.mail.confirm_intro', lang, about=about))}</p>",
            f'<p><a href="{escape(confirm)}">{escape(translate("alert.mail.confirm_button", lang))}</a></p>',
            f"<p>{escape(translate('alert.mail.confirm_ignore', lang))}</p>",
            "<hr>",
            f'<p><a href="{escape(manage)}">{escape(translate("alert.mail.manage", lang))}</a></p>',
        ]
    else:
        rows = _event_lines(events, lang, base_url)
        if kind == "alert" and rows:
            message["Subject"] = translate("alert.mail.subject", lang, title=rows[0][0])
        else:
            message["Subject"] = translate("alert.mail.digest_subject", lang, n=len(rows))
        text = [translate("alert.mail.intro", lang, about=about), ""]
        html = [f"<p>{escape(translate('alert.mail.intro', lang, about=about))}</p>", "<ul>"]
        for title, what, link in rows:
            text += [title, what, link, ""]
            html.append(
                f'<li><p><a href="{escape(link)}">{escape(title)}</a></p><p>{escape(what)}</p></li>'
            )
        html.append("</ul>")
        footer = translate("alert.mail.footer", lang, about=about)
        text += ["--", footer, translate("alert.mail.manage", lang) + " " + manage,
                 translate("alert.mail.unsubscribe", lang) + " " + unsubscribe]  # fmt: skip
        html += [
            "<hr>",
            f"<p>{escape(footer)}</p>",
            f'<p><a href="{escape(manage)}">{escape(translate("alert.mail.manage", lang))}</a> · '
            f'<a href="{escape(unsubscribe)}">{escape(translate("alert.mail.unsubscribe", lang))}</a></p>',
        ]
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content("\n".join(text) + "\n")
    page = "\n".join(html)
    message.add_alternative(
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"></head><body>{page}</body></html>',
        subtype="html",
    )
    # After the parts: setting content replaces every Content-* header.
    message["Content-Language"] = "nb" if lang == "nb" else "en"
    return message
