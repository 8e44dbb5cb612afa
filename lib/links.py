"""Links that leave the site: in e-mails, calendar files and feed addresses."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse


def absolute_url(viewname: str, **kwargs: Any) -> str:
    """The full address of a route, on the site's configured ``BASE_URL``.

    E-mails and calendar files are read outside the request that made them, so they
    cannot use the request's host; ``MENTORING_BASE_URL`` is the one address they name."""
    return settings.BASE_URL.rstrip("/") + reverse(viewname, kwargs=kwargs or None)


def site_host() -> str:
    """The host name of ``BASE_URL``: the domain part of calendar event ids."""
    return urlsplit(settings.BASE_URL).hostname or "localhost"
