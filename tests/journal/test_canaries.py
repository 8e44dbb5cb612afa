"""Content canaries: unique strings in every journal field, and a crawl of everything
the people outside the pair can reach (pages, error pages, calendar files, e-mails,
logs). None of it may contain a canary. Inside the pair, the other person never sees
the author's private note.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import NoReverseMatch, reverse

from journal import services
from matching.models import Pair
from meetings.models import CalendarFeed, Meeting
from meetings.notifications import meeting_update_send
from meetings.services import meeting_reschedule
from people.models import User
from programs.models import FocusSuggestion
from tests.factories import UserFactory
from tests.journal.factories import pair_with_meeting
from tests.mail import assert_mail_lacks
from tests.meetings.factories import when
from tests.privacy.routes import iter_routes

pytestmark = pytest.mark.django_db

MAX_PAGES = 200
HREF = re.compile(r'href="([^"#]*)')
UNCRAWLED = ("/accounts/logout", "/static/", "/media/")

AGENDA = "CANARY-agenda-7f3a"
SHARED = "CANARY-shared-notes-91bc"
PRIVATE_MENTEE = "CANARY-private-mentee-2d4e"
PRIVATE_MENTOR = "CANARY-private-mentor-6a0f"
GOAL_TITLE = "CANARY-goal-title-c58d"
GOAL_TEXT = "CANARY-goal-description-0e7b"
PROGRESS = "CANARY-progress-note-4b19"
EXPECTATIONS = "CANARY-expectations-a3c2"
CADENCE = "CANARY-cadence-5e66"
CONFIDENTIAL = "CANARY-confidentiality-d71a"
FOCUS = "CANARY-shared-focus-8c04"
NOTES_EARLIER = "CANARY-notes-earlier-version-3e8a"
NOTES_KEPT = "CANARY-notes-kept-from-conflict-b27c"
HISTORY = (NOTES_EARLIER, NOTES_KEPT)
EVERY = (
    AGENDA, SHARED, PRIVATE_MENTEE, PRIVATE_MENTOR, GOAL_TITLE, GOAL_TEXT, PROGRESS,
    EXPECTATIONS, CADENCE, CONFIDENTIAL, FOCUS, *HISTORY,
)  # fmt: skip


@dataclass(frozen=True)
class Planted:
    pair: Pair
    meeting: Meeting
    ids: dict[str, int]


def _plant(mentee: User, mentor: User, manager: User) -> Planted:
    pair, meeting = pair_with_meeting(mentee, mentor)
    item = services.agenda_item_add(meeting=meeting, author=mentee, text=AGENDA)
    services.agenda_item_add(meeting=meeting, author=mentor, text=AGENDA + " too")
    # The notes' history: an earlier version, then the current text, then a text the
    # mentee sent from the earlier version, kept from the conflict and never current.
    services.shared_notes_save(meeting=meeting, by=mentee, text=NOTES_EARLIER, base_version=0)
    services.shared_notes_save(meeting=meeting, by=mentor, text=SHARED, base_version=1)
    services.shared_notes_save(meeting=meeting, by=mentee, text=NOTES_KEPT, base_version=1)
    services.private_note_save(meeting=meeting, author=mentee, text=PRIVATE_MENTEE)
    services.private_note_save(meeting=meeting, author=mentor, text=PRIVATE_MENTOR)
    goal = services.goal_add(pair=pair, by=mentee, title=GOAL_TITLE, description=GOAL_TEXT)
    services.goal_update(goal=goal, by=mentor, status="in_progress", note=PROGRESS)
    services.agreement_save(
        pair=pair, by=mentee, expectations=EXPECTATIONS, cadence=CADENCE,
        confidentiality=CONFIDENTIAL,
    )  # fmt: skip
    services.agreement_acknowledge(pair=pair, by=mentor)
    suggestion = FocusSuggestion.objects.create(manager=manager, report=mentee, text=FOCUS)
    services.focus_share(pair=pair, by=mentee, suggestion=suggestion)
    # A change to the schedule after the content exists: its e-mails must carry none.
    later = meeting.start.date() + dt.timedelta(days=1)
    meeting_reschedule(meeting=meeting, by=mentor, when=when(later, 11), place="Room 4")
    meeting.refresh_from_db()
    meeting_update_send(meeting_id=meeting.pk, version=meeting.version)  # the worker's e-mails
    for person in (mentee, mentor, manager):
        for kind in CalendarFeed.Kind.values:
            CalendarFeed.objects.get_or_create(person=person, kind=kind)
    ids = {
        "pair_id": pair.pk,
        "meeting_id": meeting.pk,
        "program_id": pair.program_id,
        "enrolment_id": pair.mentee_id,
        "person_id": mentee.pk,
        "goal_id": goal.pk,
        "item_id": item.pk,
        "suggestion_id": suggestion.pk,
    }
    return Planted(pair, meeting, ids)


def _start_urls(planted: Planted) -> Iterator[str]:
    tokens = list(CalendarFeed.objects.values_list("token", flat=True))
    for route in iter_routes():
        if "<unnamed" in route.name or route.name.startswith("admin:"):
            continue
        values: list[dict[str, object]] = [{}]
        for name in route.kwargs:
            if name == "token":
                values = [{**v, name: t} for v in values for t in tokens]
            else:
                values = [{**v, name: planted.ids.get(name, planted.pair.pk)} for v in values]
        for kwargs in values:
            try:
                yield reverse(route.name, kwargs=kwargs)
            except NoReverseMatch:
                continue


def _crawl(client: Client, start: Iterator[str]) -> dict[str, str]:
    """GET every start URL, then follow same-site links, up to MAX_PAGES pages."""
    queue, seen, pages = list(start), set[str](), dict[str, str]()
    while queue and len(seen) < MAX_PAGES:
        url = urldefrag(queue.pop(0))[0]
        if url in seen or not url.startswith("/") or url.startswith(UNCRAWLED):
            continue
        seen.add(url)
        response = client.get(url)
        body = response.content.decode(errors="replace")
        pages[url] = body + "".join(f"{k}: {v}\n" for k, v in response.items())
        if response.status_code in (301, 302) and urlsplit(response["Location"]).netloc == "":
            queue.append(response["Location"])
        if "html" in response.get("Content-Type", ""):
            queue.extend(HREF.findall(body))
    return pages


def _found(texts: dict[str, str], canaries: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(where, c) for where, text in texts.items() for c in canaries if c in text]


@pytest.fixture
def mentors_manager(mentor: User) -> User:
    boss = UserFactory(full_name="Mentor's Manager")
    mentor.manager = boss
    mentor.save()
    return boss


def test_nobody_outside_the_pair_reaches_any_journal_content(
    personas: dict[str, User | None],
    mentors_manager: User,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    mentee, mentor, manager = personas["mentee"], personas["mentor"], personas["manager"]
    assert mentee
    assert mentor
    assert manager
    planted = _plant(mentee, mentor, manager)
    outside = {
        "manager": manager,
        "mentors_manager": mentors_manager,
        "hr_admin": personas["hr_admin"],
        "outsider": personas["outsider"],
    }
    crawled = 0
    for name, user in outside.items():
        client = Client()
        client.force_login(user)  # type: ignore[arg-type]
        pages = _crawl(client, _start_urls(planted))
        crawled += len(pages)
        # The mentee's manager wrote the suggestion, so its text is theirs; nothing else.
        canaries = tuple(c for c in EVERY if not (name == "manager" and c == FOCUS))
        assert _found(pages, canaries) == [], name
        assert reverse("journal:pair", args=[planted.pair.pk]) in pages  # really tried
    assert crawled > 40
    anonymous = _crawl(Client(), _start_urls(planted))
    assert _found(anonymous, EVERY) == []
    assert len(mail.outbox) >= 2
    assert_mail_lacks(mail.outbox, *EVERY)
    assert _found({"logs": caplog.text}, EVERY) == []


def test_calendar_files_and_feeds_carry_no_journal_content(
    mentee: User, mentor: User, manager: User
) -> None:
    planted = _plant(mentee, mentor, manager)
    files: dict[str, str] = {}
    for person in (mentee, mentor):
        client = Client()
        client.force_login(person)
        response = client.get(reverse("meetings:ics", args=[planted.meeting.pk]))
        assert response.status_code == 200, "meetings:ics is not there yet"
        files[f"ics for {person}"] = response.content.decode()
    for feed in CalendarFeed.objects.all():
        response = Client().get(reverse("meetings:feed", kwargs={"token": feed.token}))
        assert response.status_code in (200, 404)
        files[f"feed {feed.kind} of {feed.person}"] = response.content.decode()
    assert any("BEGIN:VEVENT" in text for text in files.values())
    assert _found(files, EVERY) == []


def test_the_other_person_never_sees_the_authors_private_note(
    mentee: User, mentor: User, manager: User
) -> None:
    planted = _plant(mentee, mentor, manager)
    for viewer, hidden, own in (
        (mentor, PRIVATE_MENTEE, PRIVATE_MENTOR),
        (mentee, PRIVATE_MENTOR, PRIVATE_MENTEE),
    ):
        client = Client()
        client.force_login(viewer)
        pages = _crawl(client, _start_urls(planted))
        assert _found(pages, (hidden,)) == []
        assert _found(pages, (own,)) != []  # the crawl did reach the meeting page
        assert _found(pages, (AGENDA, SHARED, GOAL_TITLE)) != []
        history = reverse("journal:notes_history", args=[planted.meeting.pk])
        assert {c for _url, c in _found({history: pages[history]}, HISTORY)} == set(HISTORY)


def _normalised(pages: dict[str, str]) -> dict[str, str]:
    # Tokens differ on every response; everything else must be identical.
    token = re.compile(r'(csrfmiddlewaretoken" value="|csrftoken=|nonce-?=?"?)[\w\-+/=]+')
    clock = re.compile(r"^(Expires|Date|Last-Modified|DTSTAMP):.*$", re.MULTILINE)
    return {url: clock.sub(r"\1", token.sub(r"\1…", text)) for url, text in pages.items()}


def test_the_manager_learns_nothing_when_a_suggestion_is_shared(
    mentee: User, mentor: User, manager: User
) -> None:
    pair, meeting = pair_with_meeting(mentee, mentor)
    suggestion = FocusSuggestion.objects.create(manager=manager, report=mentee, text=FOCUS)
    for kind in CalendarFeed.Kind.values:  # made on first visit otherwise: crawl the same URLs
        CalendarFeed.objects.get_or_create(person=manager, kind=kind)
    client = Client()
    client.force_login(manager)
    ids = {"pair_id": pair.pk, "program_id": pair.program_id, "person_id": mentee.pk}
    planted = Planted(pair, meeting, {**ids, "suggestion_id": suggestion.pk})
    before = _normalised(_crawl(client, _start_urls(planted)))
    services.focus_share(pair=pair, by=mentee, suggestion=suggestion)
    after = _normalised(_crawl(client, _start_urls(planted)))
    assert len(before) > 20
    assert _found(before, (FOCUS,)) != []  # the crawl reached the manager's own suggestion
    assert before.keys() == after.keys()
    changed = [url for url in before if before[url] != after[url]]
    assert changed == []
