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
from collections.abc import Callable, Hashable, Mapping, Sequence

from django.contrib import messages
from django.core.cache import caches
from django.db import connection
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

PAGES = "pages"
_CSRF_PLACEHOLDER = secrets.token_hex(16)

Render = Callable[[dict[str, object]], HttpResponse]

# One part of a key read: the columns to take, and the FROM/WHERE that finds the rows.
KeyPart = tuple[Sequence[str], str]


def _messages_waiting(request: HttpRequest) -> bool:
    return len(messages.get_messages(request)) > 0


def _key(request: HttpRequest, roles: Hashable, page: Hashable) -> str:
    user = request.user
    viewer = (
        user.pk, getattr(user, "full_name", ""), getattr(user, "email", ""),
        translation.get_language(), timezone.get_current_timezone_name(),
        timezone.localdate(), roles,
    )  # fmt: skip
    parts = repr((request.get_full_path(), viewer, page)).encode()
    return "page:" + hashlib.blake2b(parts, digest_size=20).hexdigest()


def _with_token(request: HttpRequest, body: str) -> str:
    return body.replace(_CSRF_PLACEHOLDER, get_token(request))


def cached_page(
    request: HttpRequest,
    render: Render,
    *,
    roles: Hashable,
    key: Hashable = (),
    expires: Callable[[], dt.datetime | None] | None = None,
    reread_key: Callable[[], Hashable] | None = None,
) -> HttpResponse:
    """The page ``render(extra_context)`` draws, from the cache when it can be.

    ``render`` must pass ``extra_context`` on to its template, and the page must depend on
    nothing but the request's address, the viewer, the viewer's ``roles`` (as read on
    this request: they decide the navigation, and for a manager name every direct report
    with their schedule's revision), ``key`` and the
    time; ``expires`` (asked only when the page is drawn) says when the page stops being
    true with time alone, or None if it does not. When ``render`` reads the page's rows
    anew rather than from ``key``, ``reread_key`` (asked only when the page is drawn) reads
    the key again: a page drawn while a row changed is then served but not kept, since
    it might show values other than the key's.
    """
    if _messages_waiting(request):
        return render({})
    pages = caches[PAGES]
    cache_key = _key(request, roles, key)
    stored: tuple[str, dt.datetime | None] | None = pages.get(cache_key)
    if stored is not None and (stored[1] is None or timezone.now() < stored[1]):
        return HttpResponse(_with_token(request, stored[0]))
    response = render({"csrf_token": _CSRF_PLACEHOLDER})
    body = response.content.decode(response.charset)
    if (
        response.status_code == 200
        and not _messages_waiting(request)
        and (reread_key is None or reread_key() == key)
    ):
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


def columns_of(model: type[Model], alias: str) -> list[str]:
    """Every column of ``model``'s rows, as a key read takes them (passwords left out):
    a field added to the model is in the key without anyone listing it."""
    return [
        f'{alias}."{field.column}"'
        for field in model._meta.concrete_fields
        if field.name != "password"
    ]


def key_statement(parts: Sequence[KeyPart], *, with_: str = "") -> str:
    """One statement reading several small parts of a page's key: one round trip, and
    each part simple for the planner (a page's key read as one join of every table would
    cost the database more to plan than to answer). The parts stand in one ``UNION ALL``,
    so their columns are read as text and padded to one width; each row is led by the
    number of its part, and the rows come in the order of part and first column. ``with_``
    is a ``WITH`` clause the parts can refer to. Plain SQL that PostgreSQL and SQLite
    share; made once, when the module that reads the key is imported."""
    width = max(len(columns) for columns, _ in parts)
    selects = [
        "SELECT {}, {} {}".format(
            number,
            ", ".join([f"CAST({c} AS TEXT)" for c in columns] + ["NULL"] * (width - len(columns))),
            rows,
        )
        for number, (columns, rows) in enumerate(parts)
    ]
    return f"{with_}\n" + "\nUNION ALL\n".join(selects) + "\nORDER BY 1, 2"


def read_key(statement: str, params: Mapping[str, int | str]) -> tuple[tuple[object, ...], ...]:
    """The rows a ``key_statement`` reads, as a tuple of tuples (hashable, comparable)."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return tuple(tuple(row) for row in cursor.fetchall())
