"""The e-mail check has teeth: it finds a string in every part a person could read."""

from __future__ import annotations

from email.mime.text import MIMEText

import pytest
from django.core.mail import EmailMessage, EmailMultiAlternatives

from tests.mail import assert_mail_lacks

CANARY = "CANARY-\u00e9t\u00e9-4711"


def _with_calendar(text: str) -> EmailMessage:
    message = EmailMessage("Subject", "Body", None, ["a@example.com"])
    part = MIMEText(f"BEGIN:VCALENDAR\nDESCRIPTION:{text}\nEND:VCALENDAR", "calendar", "utf-8")
    message.attach(part)  # base64 on the wire: a raw look would not see the text
    return message


def _with_html(text: str) -> EmailMessage:
    message = EmailMultiAlternatives("Subject", "Body", None, ["a@example.com"])
    message.attach_alternative(f"<p>{text}</p>", "text/html")
    return message


@pytest.mark.parametrize(
    "message",
    [
        EmailMessage(f"About {CANARY}", "Body", None, ["a@example.com"]),
        EmailMessage("Subject", f"Body {CANARY}", None, ["a@example.com"]),
        _with_html(CANARY),
        _with_calendar(CANARY),
        EmailMessage(
            "Subject",
            "Body",
            None,
            ["a@example.com"],
            attachments=[("n.txt", CANARY, "text/plain")],
        ),
    ],
    ids=["subject", "text", "html part", "calendar attachment", "file attachment"],
)
def test_a_string_anywhere_in_an_e_mail_is_found(message: EmailMessage) -> None:
    with pytest.raises(AssertionError, match="carry what they must not"):
        assert_mail_lacks(
            [EmailMessage("Clean", "Clean", None, ["b@example.com"]), message], CANARY
        )


def test_clean_e_mails_pass() -> None:
    assert_mail_lacks(_with_calendar("Meeting"), CANARY)
