"""What each kind of notification says and where it leads, decided when it is read.

The app where something happens declares its kinds in its own ``notices.py`` and creates
notifications from its services (``notifications.services.notify``). This app knows only
people, so the kinds of the apps above, and the lookup of program names, are registered
once at start-up by the project package (``mentoring/wiring.py``), the one place that
knows every app.

A kind's ``text`` gets the notification's parameters and the names they refer to, read
for the whole page at once (``Names``), and runs in the reader's language and time zone.
Its ``target`` is asked only when the reader opens the notification, and checks that the
page is still theirs to see; if not, it names a page that is (never a 404).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from lib.formats import moment_text
from people.models import User

Params = Mapping[str, Any]
NameLookup = Callable[[Collection[int]], Mapping[int, str]]


@dataclass(frozen=True)
class Names:
    """The names a page of notifications refers to, by kind of reference and id."""

    found: Mapping[str, Mapping[int, str]] = field(default_factory=dict)

    def of(self, ref: str, pk: object) -> str:
        name = self.found.get(ref, {}).get(pk) if isinstance(pk, int) else None
        return name if name is not None else _("(no longer available)")

    def person(self, params: Params) -> str:
        return self.of("person", params.get("person"))

    def program(self, params: Params) -> str:
        return self.of("program", params.get("program"))


@dataclass(frozen=True)
class Kind:
    name: str  # stored in the row; never renamed once used
    text: Callable[[Params, Names], str]
    target: Callable[[Params, User], str]


def moment(params: Params, key: str = "start") -> str:
    """A stored time (ISO, UTC) in the reader's zone and language."""
    value = params.get(key)
    parsed = parse_datetime(value) if isinstance(value, str) else None
    return moment_text(parsed) if parsed is not None else ""


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def _person_names(ids: Collection[int]) -> dict[int, str]:
    return {
        pk: full_name or email
        for pk, full_name, email in User.objects.filter(pk__in=ids).values_list(
            "pk", "full_name", "email"
        )
    }


@dataclass
class _Registry:
    kinds: dict[str, Kind] = field(default_factory=dict)
    lookups: dict[str, NameLookup] = field(default_factory=lambda: {"person": _person_names})


_registry = _Registry()


def register(*, kinds: Collection[Kind], lookups: Mapping[str, NameLookup]) -> None:
    """Called once by the project package at start-up; registering again changes nothing."""
    for kind in kinds:
        known = _registry.kinds.setdefault(kind.name, kind)
        if known is not kind:
            raise ValueError(f"Two notification kinds are called {kind.name!r}.")
    _registry.lookups.update(lookups)


def kind_named(name: str) -> Kind | None:
    return _registry.kinds.get(name)


def registered_kinds() -> tuple[Kind, ...]:
    return tuple(_registry.kinds.values())


def names_for(params: Collection[Params]) -> Names:
    """Every name the parameters refer to: one query per kind of reference present."""
    wanted: dict[str, set[int]] = {}
    for one in params:
        for ref in _registry.lookups:
            pk = one.get(ref)
            if isinstance(pk, int):
                wanted.setdefault(ref, set()).add(pk)
    return Names({ref: _registry.lookups[ref](ids) for ref, ids in sorted(wanted.items())})
