"""What an app that the roof may not import adds to the person's own home page.

The journal is a leaf that nothing else imports (session content stays with the pair),
yet the person's home page should say "two goals have had no update for a month". So the
settings name the journal's provider by dotted path (``MENTORING_HOME_NOTICES``, as the
URLconf includes the journal's URLs by name), and the home page asks every provider about
the signed-in person's own active pairs. The home page learns only
what the provider returns: a sentence and a link for that person, never text written in
the pair. A provider is asked only when the person has a pair, so the pages of people
without one (managers, HR) never read the journal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class HomeNotice:
    text: str
    link_label: str
    url: str


@dataclass(frozen=True)
class OwnPair:
    """One of the signed-in person's active pairs, as the home page already knows it."""

    pk: int
    counterpart_name: str


Provider = Callable[[tuple[OwnPair, ...]], list[HomeNotice]]


@cache
def _providers(paths: tuple[str, ...]) -> tuple[Provider, ...]:
    return tuple(import_string(path) for path in paths)


def home_notices(*, pairs: tuple[OwnPair, ...]) -> tuple[HomeNotice, ...]:
    """Every provider's notices about these pairs, which the caller has found as the
    signed-in person's own (the providers do not check again)."""
    if not pairs:
        return ()
    providers = _providers(tuple(settings.MENTORING_HOME_NOTICES))
    return tuple(notice for provider in providers for notice in provider(pairs))
