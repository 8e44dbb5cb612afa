"""A bounded, breadth-first crawl of the site as one person, shared by the privacy tests.

It starts from seed URLs (every named route with real ids filled in, see ``seed_urls``),
then follows every same-site link and redirect, and keeps each response's headers and
body so a test can look for canaries in them. Optionally it records the SQL each
response ran (``CaptureQueriesContext``), for the journal-table check.
"""

from __future__ import annotations

import html
import itertools
import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.apps import apps
from django.db import connection
from django.http import HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from lib.outbox import OutboxRow
from tests.privacy.routes import iter_routes

MAX_PAGES = 250
HREF = re.compile(r'(?:href|action)="([^"]*)"')
SKIPPED = ("/static/", "/media/")


@dataclass
class Page:
    status: int
    text: str  # headers and body
    sql: list[str] = field(default_factory=list)


@dataclass
class Crawl:
    pages: dict[str, Page] = field(default_factory=dict)

    def texts(self) -> dict[str, str]:
        return {url: page.text for url, page in self.pages.items()}


def body_of(response: HttpResponseBase) -> str:
    raw = (
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
        if response.streaming
        else response.content  # type: ignore[attr-defined]
    )
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    return headers + "\n" + raw.decode("utf-8", errors="replace")


def _worth_following(link: str) -> bool:
    parts = urlsplit(link)
    return (
        not parts.scheme
        and not parts.netloc
        and link.startswith("/")
        and "logout" not in link  # signing out would turn the rest into an anonymous walk
        and not link.startswith(SKIPPED)
    )


def crawl(
    client: Client,
    seeds: Iterable[str],
    *,
    max_pages: int = MAX_PAGES,
    capture_sql: bool = False,
) -> Crawl:
    """GET every seed, then every same-site link and redirect found, up to ``max_pages``."""
    result = Crawl()
    queue = deque(dict.fromkeys(seeds))
    seen = set(queue)
    while queue and len(result.pages) < max_pages:
        url = queue.popleft()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        text = body_of(response)
        sql = [q["sql"] for q in queries.captured_queries] if capture_sql else []
        result.pages[url] = Page(response.status_code, text, sql)
        links = HREF.findall(text) if "html" in response.get("Content-Type", "") else []
        if location := response.headers.get("Location", ""):
            links.append(location)
        for link in (html.unescape(x).split("#")[0] for x in links):
            if link and link not in seen and _worth_following(link):
                seen.add(link)
                queue.append(link)
    return result


def seed_urls(ids: Mapping[str, Iterable[object]]) -> Iterator[str]:
    """Every named route (not the admin, not sign-out): as is without parameters, else once
    per combination of the given real values for its parameters; routes with a parameter
    that has no values are left to be found by following links."""
    for route in iter_routes():
        if "<unnamed" in route.name or "logout" in route.name or route.namespace == "admin":
            continue
        names = sorted(route.kwargs)
        if not all(name in ids for name in names):
            continue
        for values in itertools.product(*(list(ids[name]) for name in names)):
            try:
                yield reverse(route.name, kwargs=dict(zip(names, values, strict=True)))
            except NoReverseMatch:
                continue


def found(texts: Mapping[str, str], canaries: Iterable[str]) -> list[tuple[str, str]]:
    """(where, canary) for every canary that appears anywhere in the texts."""
    wanted = tuple(canaries)
    return [(where, c) for where, text in texts.items() for c in wanted if c in text]


def journal_models() -> set[type]:
    """The journal's models but its outbox rows (``lib.outbox``): those hold times, states and
    ids of the retention e-mails, never a word of the pair's, and operators read them where
    they read every other outbox (``/healthz``, the admin)."""
    return {
        model
        for model in apps.get_app_config("journal").get_models(include_auto_created=True)
        if not issubclass(model, OutboxRow)
    }


def journal_tables() -> set[str]:
    return {model._meta.db_table.lower() for model in journal_models()}


def journal_only_columns() -> set[str]:
    """Columns of journal tables that no other table has (``text`` or ``id`` would match
    everything, and a journal table's name already catches its qualified columns)."""
    journal = journal_models()
    mine = {f.column for m in journal for f in m._meta.local_concrete_fields}
    others = {
        f.column
        for m in apps.get_models(include_auto_created=True)
        if m not in journal
        for f in m._meta.local_concrete_fields
    }
    return {c.lower() for c in mine - others}


def journal_mentions(sql: str) -> list[str]:
    lowered = sql.lower()
    hits = [t for t in journal_tables() if re.search(rf"\b{re.escape(t)}\b", lowered)]
    hits += [c for c in journal_only_columns() if re.search(rf'"{re.escape(c)}"', lowered)]
    return hits
