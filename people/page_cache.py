"""Whole pages for signed-in people, kept rendered under a key of everything they show.

A page served from here costs what the access checks cost and little more: the site
layout and the page are not rendered again while nothing they show has changed. The key
is made of the address, the viewer (who, the name in the header, language, time zone,
today's date in that zone) and the viewer's roles as read on this request (which
decide the navigation, and for a manager include every direct report with the revision
of their schedule), plus whatever else the view names. Nothing is ever invalidated: a
change makes a new key, and old pages age out. A page that turns untrue by itself at a
known moment (a meeting ending moves from "upcoming" to the history) names that moment,
and is kept no longer.

Two things on a page are not the same on every request, and are kept out:
- messages: a page is neither served from nor stored in the cache while the viewer has
  messages waiting or the view adds one;
- the CSRF token: the page is stored with a placeholder in its place, and each request
  gets a fresh token (same secret, new mask), as a normal render would.

The placeholder is a random value of this process, and the cache alias is per process
(``LocMemCache``, see settings): a stored page never meets another process's
placeholder, and no request or stored text can contain it by chance or design.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Hashable

from django.contrib import messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

from people.roles import request_roles

PAGES = "pages"
_CSRF_PLACEHOLDER = secrets.token_hex(16)

Render = Callable[[dict[str, object]], HttpResponse]


def _messages_waiting(request: HttpRequest) -> bool:
    return len(messages.get_messages(request)) > 0


def _key(request: HttpRequest, page: Hashable) -> str:
    user = request.user
    roles = request_roles(request)
    viewer = (
        user.pk, getattr(user, "full_name", ""), getattr(user, "email", ""),
        translation.get_language(), timezone.get_current_timezone_name(),
        timezone.localdate(), roles.hr_admin, roles.reports,
    )  # fmt: skip
    parts = repr((request.get_full_path(), viewer, page)).encode()
    return "page:" + hashlib.blake2b(parts, digest_size=20).hexdigest()


def _with_token(request: HttpRequest, body: str) -> str:
    return body.replace(_CSRF_PLACEHOLDER, get_token(request))


def cached_page(
    request: HttpRequest,
    render: Render,
    *,
    key: Hashable = (),
    expires: Callable[[], dt.datetime | None] | None = None,
) -> HttpResponse:
    """The page ``render(extra_context)`` draws, from the cache when it can be.

    ``render`` must pass ``extra_context`` on to its template, and the page must depend on
    nothing but the request's address, the viewer, the viewer's roles, ``key`` and the
    time; ``expires`` (asked only when the page is drawn) says when the page stops being
    true with time alone, or None if it does not.
    """
    if _messages_waiting(request):
        return render({})
    pages = caches[PAGES]
    cache_key = _key(request, key)
    stored: tuple[str, dt.datetime | None] | None = pages.get(cache_key)
    if stored is not None and (stored[1] is None or timezone.now() < stored[1]):
        return HttpResponse(_with_token(request, stored[0]))
    response = render({"csrf_token": _CSRF_PLACEHOLDER})
    body = response.content.decode(response.charset)
    if response.status_code == 200 and not _messages_waiting(request):
        until = expires() if expires is not None else None
        if until is None:
            pages.set(cache_key, (body, None))
        else:
            left = (until - timezone.now()).total_seconds()
            if left > 0:
                pages.set(
                    cache_key, (body, until), timeout=min(left, pages.default_timeout or left)
                )
    response.content = _with_token(request, body)
    return response
