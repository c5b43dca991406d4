"""Where a digest goes: an SMTP server, or, with none configured, a folder of .eml files (the outbox).

Both are synchronous (the daemon calls them in a thread). Every failure is a DeliveryError with a message
a person can act on; a password never appears in one.
"""

from __future__ import annotations

import contextlib
import os
import re
import smtplib
import socket
import ssl
import tempfile
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Literal, Protocol

# Steps of one SMTP conversation, each allowed smtp_timeout: connect, greeting, EHLO, STARTTLS, EHLO, AUTH,
# MAIL, RCPT, DATA, end of data.
SMTP_STEPS = 10


class DeliveryError(Exception):
    """The message was not accepted; the digest stays pending and is tried again later."""


class Transport(Protocol):
    def deliver(self, message: EmailMessage, key: str) -> str:
        """Hand the message over; return where it went. `key` names this digest, stable across retries."""
        ...


@dataclass(frozen=True)
class OutboxTransport:
    """Writes each digest to folder/<key>.eml, atomically (a temporary file renamed into place): a retry
    of the same digest replaces the file, so the outbox never holds a digest twice."""

    folder: Path

    def deliver(self, message: EmailMessage, key: str) -> str:
        target = self.folder / f"{re.sub(r'[^A-Za-z0-9@._-]+', '_', key)}.eml"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                "wb", dir=self.folder, prefix="tmp", suffix=".tmp", delete=False
            ) as file:
                file.write(message.as_bytes())
                file.flush()
                os.fsync(file.fileno())
            os.replace(file.name, target)
        except OSError as exc:
            raise DeliveryError(
                f"outbox {self.folder}: cannot write {target.name}: {exc.strerror or exc}"
            ) from None
        return str(target)


# A temporary file this old was left by a writer that died between writing and renaming (a digest being
# written takes milliseconds; another daemon sharing the folder may be writing one right now).
STALE_TEMPORARY_SECONDS = 600.0


def clear_stale_temporaries(folder: Path, now: float) -> int:
    """Delete the outbox's temporary files left by a process killed mid-write; how many went. The digest
    itself was not lost: the ledger still has it pending and sends it again."""
    removed = 0
    for path in folder.glob("tmp*.tmp") if folder.is_dir() else ():
        try:
            if now - path.stat().st_mtime > STALE_TEMPORARY_SECONDS:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another daemon cleared it first
            continue
    return removed


@dataclass(frozen=True)
class SmtpTransport:
    host: str
    port: int
    security: Literal["starttls", "tls", "none"]
    user: str | None
    password: str | None
    timeout: float

    @property
    def deadline(self) -> float:
        """Seconds for the whole conversation: `timeout` bounds each step, and a server trickling bytes could
        otherwise keep every step alive for ever (and outlive the ledger's lease)."""
        return self.timeout * SMTP_STEPS

    def deliver(self, message: EmailMessage, key: str) -> str:
        where = f"SMTP {self.host}:{self.port}"
        smtp = self._client()
        expired = threading.Event()

        def cut_off() -> None:
            expired.set()
            sock = smtp.sock
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked read or write

        timer = threading.Timer(self.deadline, cut_off)
        timer.daemon = True
        timer.start()
        try:
            with smtp:
                smtp.connect(self.host, self.port)
                if self.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password or "")
                refused = smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            if expired.is_set():
                raise DeliveryError(f"{where}: gave up after {self.deadline:g} s in all") from None
            raise DeliveryError(f"{where}: {self._reason(exc)}") from None
        finally:
            timer.cancel()
        if refused:
            raise DeliveryError(f"{where}: recipient refused: {', '.join(refused)}")
        return where

    def _reason(self, exc: BaseException) -> str:  # noqa: PLR0911 - one answer per kind of failure
        """What went wrong, in words; smtplib's exception types say which step failed."""
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            return f"login as {self.user!r} refused: {_reply(exc)}"
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            return "recipient refused: " + "; ".join(
                f"{address}: {_reply_of(code, text)}" for address, (code, text) in exc.recipients.items()
            )
        if isinstance(exc, smtplib.SMTPSenderRefused):
            return f"sender {exc.sender!r} refused: {_reply(exc)}"
        if isinstance(exc, smtplib.SMTPResponseException):
            return f"server said {_reply(exc)}"
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            return f"{exc} (check smtp_security)"
        # smtplib turns a timeout while reading a reply into SMTPServerDisconnected("... timed out")
        if isinstance(exc, TimeoutError) or "timed out" in str(exc):
            return f"no answer within {self.timeout:g} s"
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            return f"the server closed the connection ({exc})"
        if isinstance(exc, ssl.SSLError):
            return f"TLS failed: {exc.reason or exc}"
        if isinstance(exc, ConnectionRefusedError):
            return "connection refused (is the mail server running?)"
        if isinstance(exc, OSError) and exc.strerror:
            return exc.strerror
        return str(exc) or type(exc).__name__

    def _client(self) -> smtplib.SMTP:
        """A client not yet connected (connecting is timed with the rest)."""
        if self.security == "tls":
            return smtplib.SMTP_SSL(timeout=self.timeout, context=ssl.create_default_context())
        return smtplib.SMTP(timeout=self.timeout)


def _reply(exc: smtplib.SMTPResponseException) -> str:
    return _reply_of(exc.smtp_code, exc.smtp_error)


def _reply_of(code: int, text: bytes | str) -> str:
    message = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(message.split())}"
