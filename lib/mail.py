"""What every app's e-mails share: subject lines, one guarded send, the e-mail task decorator."""

from __future__ import annotations

import logging
import smtplib
import zoneinfo
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

logger = logging.getLogger(__name__)


def subject_line(rendered: str) -> str:
    """A subject rendered from a template, on one line: line breaks become spaces (an
    e-mail header may not contain one), and no-break spaces stay (French typography)."""
    return " ".join(part.strip(" \t") for part in rendered.splitlines() if part.strip()).strip()


class Addressee(Protocol):
    """Whom an e-mail is for: an address, and the language and time zone to write in."""

    email: str
    language: str
    time_zone: str


Context = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


def compose(template: str, *, to: Addressee, context: Context) -> EmailMultiAlternatives:
    """One e-mail to one person, written in their language and time zone.

    ``template`` names three templates by one rule: ``<template>_subject.txt`` (one line
    once rendered), ``<template>_message.txt`` and, where it exists,
    ``<template>_message.html`` (attached as the HTML part; it extends ``email/base.html``,
    the one layout, and reads the subject as ``subject``). ``context`` may be a callable:
    it is then called with the person's language and time zone active, for values that
    are formatted in Python (dates, times, counts in words)."""
    with translation.override(to.language), timezone.override(zoneinfo.ZoneInfo(to.time_zone)):
        values = context() if callable(context) else context
        subject = subject_line(render_to_string(f"{template}_subject.txt", values))
        text = render_to_string(f"{template}_message.txt", values)
        html = _render_if_present(f"{template}_message.html", {**values, "subject": subject})
    message = EmailMultiAlternatives(subject, text, None, [to.email])
    if html is not None:
        message.attach_alternative(html, "text/html")
    return message


def _render_if_present(name: str, values: Mapping[str, Any]) -> str | None:
    try:
        found = get_template(name)
    except TemplateDoesNotExist:
        return None
    return found.render(dict(values))


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
