"""Walk every URL pattern of the project, so a test can check each against the policy."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mentoring.access_policy import POLICIES, Policy

_SAMPLE_BY_CONVERTER = {
    "int": "987654",
    "slug": "no-such-thing",
    "uuid": "0" * 8 + "-0000-0000-0000-" + "0" * 12,
}


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    namespace: str
    pattern: str
    kwargs: dict[str, str]

    def sample_url(self) -> str | None:
        """A URL for the route with made-up values: ids that do not exist."""
        if "<unnamed" not in self.name:
            return reverse(self.name, kwargs=self.kwargs)
        # No name to reverse: fill the pattern's placeholders by hand.
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: self.kwargs.get(m[1], "x1y2z3"), self.pattern)
        url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: self.kwargs.get(m[1], "x1y2z3"), url)
        return "/" + url.replace("^", "").replace("$", "")


def _sample_kwargs(pattern: URLPattern | URLResolver) -> dict[str, str]:
    converters = getattr(pattern.pattern, "converters", {})
    kwargs = {
        name: _SAMPLE_BY_CONVERTER.get(
            type(conv).__name__.removesuffix("Converter").lower(), "x1y2z3"
        )
        for name, conv in converters.items()
    }
    regex = getattr(pattern.pattern, "regex", None)
    if regex is not None and not converters:
        for group in regex.groupindex:
            kwargs[group] = _sample_for_regex_group(regex.pattern, group)
    return kwargs


def _sample_for_regex_group(pattern: str, group: str) -> str:
    body = re.search(rf"\(\?P<{group}>([^)]*)\)", pattern)
    if body and r"\d" in body.group(1) and "a-z" not in body.group(1):
        return "987654"
    if body and re.fullmatch(r"[\w|]+", body.group(1)):
        return body.group(1).split("|")[0]  # an alternation of names: take the first
    return "x1y2z3"


def iter_routes(
    patterns: Sequence[URLPattern | URLResolver] | None = None,
    namespaces: tuple[str, ...] = (),
    prefix: str = "",
    inherited: dict[str, str] | None = None,
) -> Iterator[Route]:
    if patterns is None:
        patterns = get_resolver().url_patterns
    for item in patterns:
        kwargs = {**(inherited or {}), **_sample_kwargs(item)}
        if isinstance(item, URLResolver):
            ns = (*namespaces, item.namespace) if item.namespace else namespaces
            yield from iter_routes(item.url_patterns, ns, prefix + str(item.pattern), kwargs)
        else:
            # An unnamed route can only be covered by its namespace's wildcard row.
            name = item.name or f"<unnamed {prefix}{item.pattern}>"
            full_name = ":".join((*namespaces, name))
            yield Route(full_name, ":".join(namespaces), prefix + str(item.pattern), kwargs)


def policy_row(route: Route, policies: Sequence[Policy] = POLICIES) -> Policy | None:
    by_route = {p.route: p for p in policies}
    if route.name in by_route:
        return by_route[route.name]
    return by_route.get(f"{route.namespace}:*") if route.namespace else None


def routes_without_policy(
    routes: Sequence[Route], policies: Sequence[Policy] = POLICIES
) -> list[str]:
    return [route.name for route in routes if policy_row(route, policies) is None]
