"""Sending e-mail through the SMTP settings (``TRAINHUB_SMTP_HOST`` ...).

Without a host the mail is only logged, so a development machine needs no mail server.
``send_mail`` never raises: a mail server that is down must not lose the work that caused
the mail. ``trainhub notify`` uses the parts below it instead: one connection per batch, a
Message-ID fixed when the mail was enqueued, and ``MailFailure`` with the server's reason so
the mail can be retried (temporary) or given up on (permanent, a 5xx answer).
"""

from __future__ import annotations

import contextlib
import logging
import re
import smtplib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from email.header import Header
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

log = logging.getLogger(__name__)
SMTP_TIMEOUT = 10


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


class MailFailure(Exception):
    """The server refused the mail, or could not be reached. ``permanent``: a 5xx answer,
    which a retry will not change."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason[:480]
        self.permanent = permanent


# Everything that ends a line, for the email package or for a mail reader.
_LINE_ENDS = re.compile("[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


def one_line(value: str) -> str:
    """A header value on one line: a person's name with a line break in it (stored before
    forms refused them) must neither add a header nor make every later mail fail."""
    return _LINE_ENDS.sub(" ", value).strip()


class Subject(str):
    """A subject folded by ``email.header``: RFC 2047 words of at most 75 characters that
    keep their spaces. Python 3.11's default folder drops the space between two encoded words
    at a fold, so a Russian or Ukrainian subject read "звонокс наставником" in mail clients.
    The policy stores and folds a value with a ``name`` as the value says."""

    name = "Subject"

    def fold(self, *, policy: Any) -> str:
        if self.isascii():
            encoded = str(self)
        else:
            encoded = Header(str(self), "utf-8", header_name=self.name).encode(
                linesep=policy.linesep
            )
        return f"{self.name}: {encoded}{policy.linesep}"


def compose(config: Mapping[str, Any], mail: Mail, message_id: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = one_line(config.get("SMTP_FROM") or "trainhub@localhost")
    message["To"] = one_line(mail.to)
    message["Subject"] = Subject(one_line(mail.subject))
    message["Date"] = formatdate(localtime=False, usegmt=True)
    if message_id:
        message["Message-ID"] = message_id
    message.set_content(mail.body)
    return message


@contextlib.contextmanager
def connection(config: Mapping[str, Any]) -> Iterator[smtplib.SMTP | None]:
    """An SMTP session for a batch of mails; None without ``SMTP_HOST`` (mail is logged).

    Raises MailFailure when the server cannot be reached or refuses the login.
    """
    host = config.get("SMTP_HOST")
    if not host:
        yield None
        return
    try:
        smtp = smtplib.SMTP(host, int(config.get("SMTP_PORT") or 25), timeout=SMTP_TIMEOUT)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailFailure(f"{type(exc).__name__}: {exc}") from exc
    try:
        try:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
        except (OSError, smtplib.SMTPException) as exc:
            raise MailFailure(f"{type(exc).__name__}: {exc}") from exc
        yield smtp
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.quit()


def transmit(smtp: smtplib.SMTP | None, message: EmailMessage) -> None:
    """Hand one message to the server; returns once the server has accepted it."""
    if smtp is None:
        log.warning(
            "e-mail not sent (no TRAINHUB_SMTP_HOST): to=%s subject=%s",
            message["To"],
            message["Subject"],
        )
        log.info("e-mail body:\n%s", message.get_content())
        return
    try:
        refused = smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        code, reason = next(iter(exc.recipients.values()))
        raise MailFailure(f"{code} {_text(reason)}", permanent=500 <= code < 600) from exc
    except smtplib.SMTPResponseException as exc:
        raise MailFailure(
            f"{exc.smtp_code} {_text(exc.smtp_error)}", permanent=500 <= exc.smtp_code < 600
        ) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise MailFailure(f"{type(exc).__name__}: {exc}") from exc
    if refused:
        code, reason = next(iter(refused.values()))
        raise MailFailure(f"{code} {_text(reason)}", permanent=500 <= code < 600)


def _text(reason: bytes | str) -> str:
    return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)


def send_mail(config: Mapping[str, Any], mail: Mail) -> bool:
    """Send one e-mail; True if the SMTP server accepted it. Never raises."""
    if not config.get("SMTP_HOST"):
        transmit(None, compose(config, mail))
        return False
    try:
        with connection(config) as smtp:
            transmit(smtp, compose(config, mail))
    except MailFailure:
        log.exception("e-mail to %s failed: %s", one_line(mail.to), one_line(mail.subject))
        return False
    return True
