"""What every app's e-mails share (people is the bottom layer, so all may import it)."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from typing import Any

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.core.mail import EmailMessage, get_connection

logger = logging.getLogger(__name__)


def subject_line(rendered: str) -> str:
    """A subject rendered from a template, on one line: line breaks become spaces (an
    e-mail header may not contain one), and no-break spaces stay (French typography)."""
    return " ".join(part.strip(" \t") for part in rendered.splitlines() if part.strip()).strip()


def send_once(message: EmailMessage) -> None:
    """Send one e-mail, raising only if the server did not accept it.

    The connection is opened and closed here rather than by ``send()``: an error while
    saying goodbye (a QUIT that times out or gets an answer the client cannot read) comes
    after the server accepted the message, and retrying it would send the e-mail twice.
    Every error up to the server's answer to the message still raises (``OSError``, which
    ``smtplib.SMTPException`` is), so an ``email_task`` retries it.
    """
    connection = get_connection()
    connection.open()
    try:
        connection.send_messages([message])
    finally:
        try:
            connection.close()
        except (smtplib.SMTPException, OSError):
            logger.warning("Closing the SMTP connection failed after the send", exc_info=True)


def email_task(name: str) -> Callable[[Callable[..., Any]], DjangoTask[Any, Any]]:
    """The task decorator for one e-mail: retried with backoff on SMTP and network failures
    (``OSError``) only, at most five times. Its e-mails go out through ``send_once``, so an
    error after the server accepted one is not retried. ``base`` is named so that type
    checkers see ``delay_on_commit``."""
    decorate: Callable[[Callable[..., Any]], DjangoTask[Any, Any]] = shared_task(
        name=name,
        base=DjangoTask,
        ignore_result=True,
        autoretry_for=(OSError,),
        retry_backoff=True,
        max_retries=5,
    )
    return decorate
