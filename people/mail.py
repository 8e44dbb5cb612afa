"""What every app's e-mails share (people is the bottom layer, so all may import it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery import shared_task
from celery.contrib.django.task import DjangoTask


def subject_line(rendered: str) -> str:
    """A subject rendered from a template, on one line: line breaks become spaces (an
    e-mail header may not contain one), and no-break spaces stay (French typography)."""
    return " ".join(part.strip(" \t") for part in rendered.splitlines() if part.strip()).strip()


def email_task(name: str) -> Callable[[Callable[..., Any]], DjangoTask[Any, Any]]:
    """The task decorator for one e-mail: retried with backoff on SMTP and network failures
    (``OSError``) only, at most five times. ``base`` is named so that type checkers see
    ``delay_on_commit``."""
    decorate: Callable[[Callable[..., Any]], DjangoTask[Any, Any]] = shared_task(
        name=name,
        base=DjangoTask,
        ignore_result=True,
        autoretry_for=(OSError,),
        retry_backoff=True,
        max_retries=5,
    )
    return decorate
