"""A rendered digest as an RFC 5322 message: multipart/alternative (plain text, then HTML). Pure.

Header values are built by the email package, which refuses a CR or LF in any of them; the subject is made
of counts and a date only, and the addresses come from the settings, so feed text never reaches a header.
"""

from __future__ import annotations

import email.policy
import email.utils
from datetime import date, datetime
from email.message import EmailMessage
from urllib.parse import quote

from pipeline.records import RenderedDigest


def new_message_id(day: date, sender: str) -> str:
    """A Message-ID made once per digest and kept in the ledger, so a retried send carries the same one."""
    domain = email.utils.parseaddr(sender)[1].rpartition("@")[2] or "dealpulse.invalid"
    return email.utils.make_msgid(idstring=f"digest.{day:%Y%m%d}", domain=domain)


def unsubscribe_link(template: str | None, address: str) -> str | None:
    """The settings' unsubscribe URL, "{address}" in it replaced by the recipient's, URL-encoded."""
    return template.replace("{address}", quote(address, safe="")) if template else None


def list_unsubscribe(url: str | None, mailto: str | None) -> str | None:
    """The List-Unsubscribe value (RFC 2369): a mailto and/or an https URL, each in angle brackets."""
    parts = []
    if mailto:
        parts.append(f"<mailto:{mailto}?subject=unsubscribe>")
    if url:
        parts.append(f"<{url}>")
    return ", ".join(parts) or None


def build_message(
    rendered: RenderedDigest,
    *,
    sender: str,
    to: str,
    message_id: str,
    sent_at: datetime,
    unsubscribe_url: str | None,
    unsubscribe_mailto: str | None,
) -> EmailMessage:
    message = EmailMessage(policy=email.policy.SMTP)
    message["Subject"] = rendered.subject
    message["From"] = sender
    message["To"] = to
    message["Date"] = email.utils.format_datetime(sent_at)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to a digest
    unsubscribe = list_unsubscribe(unsubscribe_url, unsubscribe_mailto)
    if unsubscribe:
        message["List-Unsubscribe"] = unsubscribe
    if unsubscribe_url and unsubscribe_url.startswith("https://"):
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058 wants an https URL
    message.set_content(rendered.text, subtype="plain", charset="utf-8")
    message.add_alternative(rendered.html, subtype="html", charset="utf-8")
    return message
