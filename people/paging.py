"""Windowed lists: one page of a list, with links to the pages beside it.

Every list that grows with the program is shown a page at a time, so a page draws at most
a few hundred rows whatever the size of the program. The links keep the request's other
parameters that the view names (its filters), and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


@dataclass(frozen=True)
class Window:
    """One page of a list. ``rows`` are the items on it; the URLs are "" at either end."""

    rows: Sequence[Any]
    number: int
    count: int  # pages in all
    total: int  # items in all
    first_index: int  # 1-based position of the first row, 0 when empty
    last_index: int
    previous_url: str
    next_url: str

    @property
    def paged(self) -> bool:
        return self.count > 1


def window(
    request: HttpRequest,
    items: Sequence[Any] | QuerySet[Any],
    *,
    per_page: int,
    param: str = "page",
    keep: Sequence[str] = (),
) -> Window:
    """The page of ``items`` that the GET parameter ``param`` asks for. A number that is not
    one, or is out of range, gives the first or the last page rather than an error.
    ``items`` may be a queryset: only one page of it is fetched (and one count)."""
    page: Page[Any] = Paginator(items, per_page).get_page(request.GET.get(param))

    def url(number: int) -> str:
        kept = [(k, request.GET[k]) for k in keep if k != param and request.GET.get(k)]
        if number > 1:
            kept.append((param, str(number)))
        return f"?{urlencode(kept)}" if kept else request.path

    rows = list(page.object_list)
    return Window(
        rows=rows,
        number=page.number,
        count=page.paginator.num_pages,
        total=page.paginator.count,
        first_index=page.start_index(),
        last_index=page.end_index(),
        previous_url=url(page.number - 1) if page.has_previous() else "",
        next_url=url(page.number + 1) if page.has_next() else "",
    )
