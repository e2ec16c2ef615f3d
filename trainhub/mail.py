"""Sending one e-mail through the SMTP settings (``TRAINHUB_SMTP_HOST`` ...).

Without a host the mail is only logged, so a development machine needs no mail server.
``send_mail`` never raises: a mail server that is down must not lose the submission or
review that caused the mail.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

log = logging.getLogger(__name__)
SMTP_TIMEOUT = 10


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def send_mail(config: Mapping[str, Any], mail: Mail) -> bool:
    """Send one e-mail; True if the SMTP server accepted it. Never raises."""
    host = config.get("SMTP_HOST")
    if not host:
        log.warning(
            "e-mail not sent (no TRAINHUB_SMTP_HOST): to=%s subject=%s", mail.to, mail.subject
        )
        log.info("e-mail body:\n%s", mail.body)
        return False
    message = EmailMessage()
    message["From"] = config.get("SMTP_FROM") or "trainhub@localhost"
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    try:
        with smtplib.SMTP(host, int(config.get("SMTP_PORT") or 25), timeout=SMTP_TIMEOUT) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("e-mail to %s failed: %s", mail.to, mail.subject)
        return False
    return True
