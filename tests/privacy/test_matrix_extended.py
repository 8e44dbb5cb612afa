"""The extended permission matrix (issue 7, proof 1): every route that takes an id of a
pair's objects, for eight personas and three pairs (own, another pair in the same program,
a pair in another program).

Each answer is either allowed (the persona is one of that pair's two people and the route
is about the pair; an HR admin on an HR route; anyone signed in on a program open to
everyone), or a 404 byte-identical to the same route with a missing id. Allowed or not, no
answer to someone outside the pair carries any of the pair's canaries.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from mentoring.access_policy import Audience
from people.models import User
from tests.privacy.crawl import body_of, found
from tests.privacy.routes import Route, iter_routes, policy_row
from tests.privacy.world import ID_NAMES, ProofWorld, build_proof_world

pytestmark = pytest.mark.django_db

MISSING_ID = 987654
PAIR_SCOPED = frozenset(ID_NAMES) - {"program_id"}
SIGNED_IN_PERSONAS = frozenset(
    {"mentee", "mentor", "manager", "mentors_manager", "former_manager", "hr_admin", "outsider"}
)


def _object_routes() -> list[Route]:
    return [
        r
        for r in iter_routes()
        if r.kwargs and set(r.kwargs) <= set(ID_NAMES) and "<unnamed" not in r.name
    ]


ROUTES = _object_routes()


def allowed_personas(route: Route, members: frozenset[str]) -> frozenset[str]:
    """Who may get past the 404 for this route and this pair's objects."""
    policy = policy_row(route)
    assert policy is not None, f"{route.name} has no access policy row"
    if policy.audience is Audience.HR_ADMIN:
        return frozenset({"hr_admin"})
    if policy.audience is not Audience.SIGNED_IN:
        return frozenset()
    if set(route.kwargs) & PAIR_SCOPED:
        return members
    return SIGNED_IN_PERSONAS  # a program's public page: every program here is open to all


def test_the_matrix_covers_the_journal_meetings_and_matching_routes() -> None:
    names = {r.name for r in ROUTES}
    expected = {
        "journal:pair", "journal:goal_update", "journal:agenda_toggle", "meetings:pair",
        "meetings:ics", "matching:request_answer", "matching:pair_end",
        "programs:enrolment_edit", "programs:hr_detail",
    }  # fmt: skip
    assert expected <= names
    assert len(ROUTES) >= 30


def _clients(world: ProofWorld) -> dict[str, Client]:
    clients = {}
    for name, user in world.people.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        clients[name] = client
    return clients


NAMESPACES = sorted({r.namespace for r in ROUTES})


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_every_persona_and_pair_gets_its_own_objects_or_a_missing_ids_404(
    namespace: str, personas: dict[str, User | None]
) -> None:
    """One world per namespace (building it is the slow part); every route of it."""
    world = build_proof_world(personas, emails=False)
    clients = _clients(world)
    leaks: list[str] = []
    for route in (r for r in ROUTES if r.namespace == namespace):
        leaks += _route_leaks(route, world, clients)
    assert leaks == []


def _route_leaks(route: Route, world: ProofWorld, clients: dict[str, Client]) -> list[str]:
    missing_url = reverse(route.name, kwargs=dict.fromkeys(route.kwargs, MISSING_ID))
    missing = {
        (name, method): getattr(client, method)(missing_url)
        for name, client in clients.items()
        if name != "anonymous"
        for method in ("get", "post")
    }
    leaks: list[str] = []
    for objects in world.pairs.values():
        url = reverse(route.name, kwargs={k: objects.ids[k] for k in route.kwargs})
        allowed = allowed_personas(route, objects.members)
        for name, client in clients.items():
            if name == "anonymous":
                response = client.get(url)
                assert response.status_code == 302, f"anonymous not redirected at {url}"
                assert urlsplit(response["Location"]).path == reverse("account_login")
                continue
            if name in allowed:
                response = client.get(url)
                assert response.status_code != 500, f"{name} got an error at {url}"
                if name not in objects.members:
                    # e.g. HR on a program page: never the pair's session content or place.
                    seen = found({url: body_of(response)}, objects.canaries.values())
                    leaks += [f"{name} {url} {canary}" for _where, canary in seen]
                continue
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                expected = missing[(name, method)]
                if response.status_code != expected.status_code:
                    leaks.append(f"{name} {method.upper()} {url}: {response.status_code}")
                elif response.content != expected.content:
                    leaks.append(f"{name} {method.upper()} {url}: 404 differs from a missing id")
            assert missing[(name, "get")].status_code in (404, 405)
    return leaks
