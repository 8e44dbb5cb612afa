"""Reading e-mails in tests: every part a person could read, decoded.

``assert_mail_lacks`` is the one check that an e-mail does not carry a string (session
content, a canary, a private note): the privacy suite and the apps' tests use it."""

from __future__ import annotations

from collections.abc import Iterable
from email.mime.base import MIMEBase

from django.core.mail import EmailMessage


def _attachment_text(attachment: object) -> str:
    if isinstance(attachment, MIMEBase):
        payload = attachment.get_payload(decode=True)
        return payload.decode(errors="replace") if isinstance(payload, bytes) else str(payload)
    content = getattr(attachment, "content", None)  # Django 5.2's EmailAttachment
    if content is None and isinstance(attachment, tuple):
        content = attachment[1]
    return content.decode(errors="replace") if isinstance(content, bytes) else str(content)


def mail_text(message: EmailMessage) -> str:
    """Subject, recipients, text, every alternative part and every attachment, decoded
    (a calendar file travels base64-encoded: a raw look would miss what is in it)."""
    parts = [str(message.subject), str(message.body), *message.recipients()]
    parts += [str(content) for content, _type in getattr(message, "alternatives", [])]
    parts += [_attachment_text(a) for a in message.attachments]
    return "\n".join(parts)


def assert_mail_lacks(messages: EmailMessage | Iterable[EmailMessage], *strings: str) -> None:
    """Fail naming each e-mail (by index and subject) that carries any of the strings."""
    assert strings, "name at least one string the e-mails must not carry"
    batch = [messages] if isinstance(messages, EmailMessage) else list(messages)
    carried = [
        (index, str(message.subject), string)
        for index, message in enumerate(batch)
        for string in strings
        if string in mail_text(message)
    ]
    assert carried == [], f"e-mails carry what they must not: {carried}"
