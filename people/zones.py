"""The time zones people choose from: the current canonical IANA names, not the ~550
names ``zoneinfo`` knows (which include old aliases such as "Africa/Asmera").

The canonical list is the tz database's ``zone.tab`` (one zone per country region, so
"Europe/Amsterdam" stays even where newer data links it to another city), plus UTC.
An alias ("America/Atka") is mapped to its canonical zone through the database's links,
so a person saved with an old name keeps the same clock under the current name.
"""

from __future__ import annotations

import zoneinfo
from functools import cache
from importlib import resources

UTC = "UTC"


def _tz_file(name: str) -> str:
    return resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")


@cache
def canonical_zones() -> tuple[str, ...]:
    """UTC first, then every canonical zone in alphabetical order."""
    names = {
        line.split("\t")[2]
        for line in _tz_file("zone.tab").splitlines()
        if line and not line.startswith("#")
    }
    return (UTC, *sorted(name for name in names if name in zoneinfo.available_timezones()))


@cache
def _links() -> dict[str, str]:
    """Alias -> target, from the compiled source's ``L target alias`` lines."""
    links = {}
    for line in _tz_file("tzdata.zi").splitlines():
        if line.startswith("L "):
            _kind, target, alias = line.split()
            links[alias] = target
    return links


def canonical_zone(name: str) -> str | None:
    """The canonical zone for ``name`` (itself when it already is one), or None when the
    name is not a zone at all. Links are followed (an alias of an alias); a zone the
    links lead out of the list is kept as it is, as long as it exists."""
    name = name.strip()
    known = set(canonical_zones())
    if name in known:
        return name
    if name not in zoneinfo.available_timezones():
        return None
    seen, current = set(), name
    while current in _links() and current not in seen:
        seen.add(current)
        current = _links()[current]
        if current in known:
            return current
    if current in {"Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "Etc/GMT", "Etc/Greenwich"}:
        return UTC
    return name
