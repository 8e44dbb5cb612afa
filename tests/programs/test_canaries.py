"""A manager's private words reach the report and nobody else.

Unique canary strings are planted through the manager's own pages: one in a
nomination's note, one in a focus suggestion. Then every persona who must not
read them walks the whole product: every GET route of the project (with the real
ids of the program, enrolments, people, nomination and suggestion of this
world), and every same-site link found on the pages reached, breadth-first.
Neither canary may appear in any page, header, CSV, e-mail or log line.
"""

from __future__ import annotations

import html
import itertools
import logging
import re
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.core import mail
from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse

from people.models import User
from programs.models import Enrolment, FocusSuggestion, Nomination, Program
from tests.factories import UserFactory
from tests.mail import assert_mail_lacks
from tests.privacy.routes import iter_routes
from tests.programs.factories import ProgramFactory, SkillFactory, enrol

pytestmark = pytest.mark.django_db

MAX_PAGES = 250
SKIPPED_PREFIXES = ("/static/", "/media/")
HREF = re.compile(r'href="(/[^"]*)"')


@dataclass(frozen=True)
class World:
    note: str
    focus: str
    report: User
    author: User
    ids: dict[str, list[int]]


@pytest.fixture
def world(manager: User, mentee: User, mentor: User) -> World:
    """The mentee is enrolled with the mentor in a program; their manager writes to them."""
    program = ProgramFactory(name="Grow Together")
    nominated_for = ProgramFactory(name="Leadership Circle")
    mentee_enrolment = enrol(program, mentee)
    mentor_enrolment = enrol(program, mentor, role=Enrolment.Role.MENTOR)
    mentor.manager = UserFactory(full_name="Mona Mentors-Manager")
    mentor.save(update_fields=["manager"])
    note, focus = f"CANARY-NOTE-{uuid.uuid4()}", f"CANARY-FOCUS-{uuid.uuid4()}"
    author = Client()
    author.force_login(manager)
    nominate = reverse("programs:nominate", kwargs={"person_id": mentee.pk})
    suggest = reverse("programs:suggest_focus", kwargs={"person_id": mentee.pk})
    assert author.post(nominate, {"program": nominated_for.pk, "note": note}).status_code == 302
    assert author.post(suggest, {"text": focus}).status_code == 302
    nomination = Nomination.objects.get(note=note)
    suggestion = FocusSuggestion.objects.get(text=focus)
    ids = {
        "program_id": [program.pk, nominated_for.pk],
        "enrolment_id": [mentee_enrolment.pk, mentor_enrolment.pk],
        "person_id": [mentee.pk, mentor.pk, manager.pk],
        "nomination_id": [nomination.pk],
        "suggestion_id": [suggestion.pk],
        "skill_id": [SkillFactory(name="Negotiation").pk],
    }
    return World(note, focus, mentee, manager, ids)


def seed_urls(ids: dict[str, list[int]]) -> Iterator[str]:
    """Every named route: as is without parameters, else with every matching real id."""
    for route in iter_routes():
        if "<unnamed" in route.name or "logout" in route.name:
            continue
        names = sorted(route.kwargs)
        if not all(name in ids for name in names):
            continue  # e.g. the admin's object ids: reached through its links instead
        for values in itertools.product(*(ids[name] for name in names)):
            yield reverse(route.name, kwargs=dict(zip(names, values, strict=True)))


def _body(response: HttpResponseBase) -> str:
    raw = (
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
        if response.streaming
        else response.content  # type: ignore[attr-defined]
    )
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    return headers + "\n" + raw.decode("utf-8", errors="replace")


@dataclass
class Crawl:
    pages: dict[str, int] = field(default_factory=dict)  # url -> status
    found: dict[str, set[str]] = field(default_factory=dict)  # canary -> urls


def _worth_following(link: str, seen: set[str]) -> bool:
    same_site = link.startswith("/") and not link.startswith("//")
    # Signing out would turn the rest of the walk into an anonymous one.
    return (
        same_site
        and link not in seen
        and "logout" not in link
        and not link.startswith(SKIPPED_PREFIXES)
    )


def crawl(client: Client, seeds: list[str], canaries: tuple[str, ...]) -> Crawl:
    result = Crawl(found={c: set() for c in canaries})
    queue = deque(dict.fromkeys(seeds))
    seen = set(queue)
    while queue and len(result.pages) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        result.pages[url] = response.status_code
        body = _body(response)
        for canary in canaries:
            if canary in body:
                result.found[canary].add(url)
        links = HREF.findall(body)
        if location := response.headers.get("Location", ""):
            links.append(location)
        for link in (html.unescape(x).split("#")[0] for x in links):
            if _worth_following(link, seen):
                seen.add(link)
                queue.append(link)
    return result


def _signed_in(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def superuser_operator(operator: User) -> User:
    """The operator at their most powerful: every model the admin has."""
    operator.is_superuser = True
    operator.save(update_fields=["is_superuser"])
    return operator


@pytest.mark.parametrize(
    "persona", ["hr_admin", "mentor", "mentors_manager", "outsider", "operator", "anonymous"]
)
def test_no_one_else_reaches_the_managers_private_words(
    persona: str,
    world: World,
    personas: dict[str, User | None],
    mentor: User,
    superuser_operator: User,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    user = {
        **personas,
        "mentors_manager": mentor.manager,
        "operator": superuser_operator,
    }[persona]
    seeds = [*seed_urls(world.ids), reverse("admin:index")]
    result = crawl(_signed_in(user), seeds, (world.note, world.focus))

    assert result.found == {world.note: set(), world.focus: set()}
    assert world.note not in caplog.text
    assert world.focus not in caplog.text
    # The walk really happened: the persona's own start page answered.
    start = reverse("admin:index") if persona == "operator" else reverse("home")
    assert result.pages[start] in ((200,) if user else (302,))
    assert len(result.pages) > 30


def test_e_mails_carry_the_private_words_to_the_report_only(
    world: World, personas: dict[str, User | None], superuser_operator: User
) -> None:
    seeds = [*seed_urls(world.ids), reverse("admin:index")]
    for user in [*personas.values(), superuser_operator]:
        crawl(_signed_in(user), seeds, (world.note, world.focus))
    to_others = [m for m in mail.outbox if m.recipients() != [world.report.email]]
    assert_mail_lacks(to_others, world.note, world.focus)


def test_the_author_sees_them_only_on_own_sent_items(world: World) -> None:
    person_id = world.report.pk
    nominate = reverse("programs:nominate", kwargs={"person_id": person_id})
    suggest = reverse("programs:suggest_focus", kwargs={"person_id": person_id})
    result = crawl(_signed_in(world.author), list(seed_urls(world.ids)), (world.note, world.focus))

    assert result.found[world.note] == {nominate}
    assert result.found[world.focus] == {suggest}
    assert result.pages[reverse("home")] == 200
    assert result.pages[reverse("people:team")] == 200


def test_the_report_sees_both_on_their_home_page(world: World) -> None:
    page = _signed_in(world.report).get(reverse("home")).content.decode()
    assert world.note in page, "the mentee's home page does not show the nomination note yet"
    assert world.focus in page, "the mentee's home page does not show the focus suggestion yet"


def test_the_program_of_this_world_is_open_and_shared_by_mentee_and_mentor(
    world: World, mentor: User
) -> None:
    """Guards the fixture: the mentor really is the mentee's co-participant."""
    program = Program.objects.get(name="Grow Together")
    people = set(program.enrolments.values_list("person_id", flat=True))
    assert people == {world.report.pk, mentor.pk}
