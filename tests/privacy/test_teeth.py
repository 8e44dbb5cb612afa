"""Teeth (issue 7, proof 4): the canary crawl does fail when a manager page shows content,
and the SQL capture when a manager view reads the journal.

A patched manager template (a ``locmem`` loader in front of the real ones) prints the
meeting places and shared notes that a patched view puts into its context; the very same
sweep as the canary crawl's then finds the canaries on the manager's page.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse

from journal.models import SharedNote
from meetings.models import Meeting
from people.models import User
from tests.privacy.crawl import crawl, journal_mentions
from tests.privacy.world import build_proof_world, sweep

pytestmark = pytest.mark.django_db

LEAK = "{% for text in leaked %}<p>{{ text }}</p>{% endfor %}"


def _manager_page() -> tuple[str, str, str]:
    """(route, template, module whose ``render`` to patch) of the manager's page."""
    try:
        reverse("manager_view:team")
    except NoReverseMatch:
        return "people:team", "people/team.html", "people.views"
    return "manager_view:team", "manager_view/team.html", "manager_view.views"


def _templates_with(name: str, source: str) -> list[dict[str, Any]]:
    templates: list[dict[str, Any]] = copy.deepcopy(settings.TEMPLATES)
    engine: dict[str, Any] = templates[0]
    engine["APP_DIRS"] = False
    engine["OPTIONS"]["loaders"] = [
        ("django.template.loaders.locmem.Loader", {name: source}),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    return templates


def leaky_render(
    request: HttpRequest, name: str, context: dict[str, Any] | None = None, *args: Any,
    **kwargs: Any,
) -> HttpResponse:  # fmt: skip
    """``render`` for a view that wrongly hands its template the places and shared notes."""
    leaked = [
        *Meeting.objects.values_list("place", flat=True),
        *SharedNote.objects.values_list("text", flat=True),
    ]
    return render(request, name, {**(context or {}), "leaked": leaked}, *args, **kwargs)


def test_the_canary_crawl_finds_content_on_a_patched_manager_page(
    personas: dict[str, User | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    world = build_proof_world(personas, emails=False)
    route, template, module = _manager_page()
    original = (Path(settings.BASE_DIR) / "templates" / template).read_text()
    head, tail = original.rsplit("{% endblock %}", 1)  # the end of the content block
    patched = head + LEAK + "{% endblock %}" + tail
    assert patched != original, "the template has no block to patch"

    monkeypatch.setattr(f"{module}.render", leaky_render)
    with override_settings(TEMPLATES=_templates_with(template, patched)):
        result = sweep(world, "manager", max_pages=60, first=(reverse(route),))

    own = world.pairs["own"]
    page = reverse(route)
    assert result.statuses[page] == 200
    assert (page, own.place) in result.leaks
    assert (page, own.canaries["shared_notes"]) in result.leaks
    assert (page, world.pairs["other_program"].place) in result.leaks


def test_the_unpatched_manager_page_is_clean(personas: dict[str, User | None]) -> None:
    """The control for the test above: same world, same sweep, no patch, no canary."""
    world = build_proof_world(personas, emails=False)
    route, _template, _module = _manager_page()
    result = sweep(world, "manager", max_pages=60, first=(reverse(route),))
    assert result.statuses[reverse(route)] == 200
    assert result.leaks == []


def test_the_sql_capture_finds_a_journal_query_in_a_patched_manager_view(
    personas: dict[str, User | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    world = build_proof_world(personas, emails=False)
    route, _template, module = _manager_page()
    monkeypatch.setattr(f"{module}.render", leaky_render)
    client = Client()
    client.force_login(world.people["manager"])
    page = crawl(client, [reverse(route)], max_pages=1, capture_sql=True).pages[reverse(route)]
    assert page.status == 200
    assert any("journal_sharednote" in hit for sql in page.sql for hit in journal_mentions(sql))


def test_the_extended_matrix_reports_a_pair_page_open_to_everyone(
    personas: dict[str, User | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    from matching.models import Pair
    from tests.privacy.test_matrix_extended import ROUTES, _clients, _route_leaks

    world = build_proof_world(personas, emails=False)
    monkeypatch.setattr(
        "journal.views.access_pair_for_member",
        lambda person, pair_id: get_object_or_404(Pair, pk=pair_id),  # forgets the membership check
    )
    [route] = [r for r in ROUTES if r.name == "journal:pair"]
    leaks = _route_leaks(route, world, _clients(world))
    other = reverse("journal:pair", kwargs={"pair_id": world.pairs["other_program"].ids["pair_id"]})
    assert f"outsider GET {other}: 200" in leaks
    assert f"manager GET {other}: 200" in leaks
