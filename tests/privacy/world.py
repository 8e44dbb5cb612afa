"""The privacy proof's world: eight personas, three pairs, canaries in every content field.

Pairs: ``own`` (the persona mentee and mentor), ``same_program`` (two other people in the
same program) and ``other_program`` (two other people in another program). Each pair has
a meeting (with a place), an agenda item, shared and private notes, a goal with a progress
note, an agreement, a shared focus suggestion and a declined mentorship request with a
private reason, each carrying its own canary string.

Personas besides the fixtures': ``mentors_manager`` (the mentor's line manager) and
``former_manager`` (the mentee's manager before the mentee moved to ``manager``; still a
manager of someone else, so they reach the manager pages).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.core import mail
from django.db import transaction
from django.utils import timezone

from journal import services as journal
from matching.models import MentorshipRequest, Pair
from matching.services import pair_create, request_decline
from meetings.models import CalendarFeed, Meeting
from meetings.notifications import meeting_update_send
from meetings.services import meeting_schedule
from notifications.models import Notification
from people.archive import data_export_build
from people.models import DataExport, User
from programs.models import Enrolment, FocusSuggestion, Program
from programs.services import program_invite
from tests.factories import UserFactory
from tests.meetings.factories import when
from tests.programs.factories import ProgramFactory, enrol

PAIR_KEYS = ("own", "same_program", "other_program")
ID_NAMES = (
    "pair_id", "meeting_id", "goal_id", "item_id", "request_id", "enrolment_id", "program_id",
)  # fmt: skip
OBSERVERS = ("manager", "mentors_manager", "former_manager", "hr_admin")

# Content fields: never outside the pair. ``place`` is not session content but must not
# reach managers or HR either.
JOURNAL_FIELDS = (
    "agenda", "shared_notes", "private_mentee", "private_mentor", "goal_title",
    "goal_description", "progress_note", "expectations", "cadence", "confidentiality",
    "shared_focus", "decline_reason", "notes_history", "notes_kept",
)  # fmt: skip


@dataclass
class PairObjects:
    key: str
    pair: Pair
    meeting: Meeting
    members: frozenset[str]  # persona names of the two people (empty for others' pairs)
    ids: dict[str, int]
    canaries: dict[str, str]  # field -> canary

    @property
    def content_canaries(self) -> tuple[str, ...]:
        return tuple(self.canaries[f] for f in JOURNAL_FIELDS)

    @property
    def place(self) -> str:
        return self.canaries["place"]


@dataclass
class ProofWorld:
    people: dict[str, User | None]
    pairs: dict[str, PairObjects]
    focus_authors: dict[str, User] = field(default_factory=dict)  # pair key -> author

    def ids(self) -> dict[str, list[object]]:
        """Every real id of the world by parameter name, for seeding a crawl."""
        values: dict[str, list[object]] = {name: [] for name in ID_NAMES}
        for objects in self.pairs.values():
            for name, value in objects.ids.items():
                if value not in values[name]:
                    values[name].append(value)
        people = [u for u in self.people.values() if u is not None]
        values["person_id"] = [u.pk for u in people]
        values["suggestion_id"] = list(FocusSuggestion.objects.values_list("pk", flat=True))
        # Everyone's notifications: each person may open only their own.
        values["notification_id"] = list(Notification.objects.values_list("pk", flat=True))
        # The pair's own-data archives hold every canary of their pair: only their owner
        # may download one.
        values["export_id"] = list(DataExport.objects.values_list("pk", flat=True))
        return values

    def tokens(self, person: User) -> list[str]:
        """A person's own feed tokens (their own feed and, for a manager, the team feed):
        a token is a secret, so holding someone else's is not a way in."""
        return list(CalendarFeed.objects.filter(person=person).values_list("token", flat=True))

    def every_canary(self) -> tuple[str, ...]:
        return tuple(c for p in self.pairs.values() for c in p.canaries.values())


def _canaries(key: str) -> dict[str, str]:
    return {f: f"CANARY-{f}-{key}-{uuid.uuid4().hex[:10]}" for f in (*JOURNAL_FIELDS, "place")}


def _pair(program: Program, mentee: User, mentor: User) -> Pair:
    with transaction.atomic():  # as HR pairs them by hand: the seat is checked
        return pair_create(
            mentee=enrol(program, mentee),
            mentor=enrol(program, mentor, role=Enrolment.Role.MENTOR),
            origin=Pair.Origin.MANUAL,
        )


def _plant(
    key: str, pair: Pair, mentee: User, mentor: User, focus_author: User, days: int
) -> PairObjects:
    c = _canaries(key)
    day = timezone.localdate() + dt.timedelta(days=days)
    [meeting] = meeting_schedule(pair=pair, organiser=mentee, when=when(day), place=c["place"])
    item = journal.agenda_item_add(meeting=meeting, author=mentee, text=c["agenda"])
    # Three texts of the shared notes: an earlier version, the current one, and one
    # kept from an editing conflict (the history is pair-only like the notes).
    journal.shared_notes_save(meeting=meeting, by=mentee, text=c["notes_history"], base_version=0)
    journal.shared_notes_save(meeting=meeting, by=mentor, text=c["shared_notes"], base_version=1)
    journal.shared_notes_save(meeting=meeting, by=mentee, text=c["notes_kept"], base_version=1)
    journal.private_note_save(meeting=meeting, author=mentee, text=c["private_mentee"])
    journal.private_note_save(meeting=meeting, author=mentor, text=c["private_mentor"])
    goal = journal.goal_add(
        pair=pair, by=mentee, title=c["goal_title"], description=c["goal_description"]
    )
    journal.goal_update(goal=goal, by=mentor, status="in_progress", note=c["progress_note"])
    journal.agreement_save(
        pair=pair, by=mentee, expectations=c["expectations"], cadence=c["cadence"],
        confidentiality=c["confidentiality"],
    )  # fmt: skip
    journal.agreement_acknowledge(pair=pair, by=mentor)
    suggestion = FocusSuggestion.objects.create(
        manager=focus_author, report=mentee, text=c["shared_focus"]
    )
    journal.focus_share(pair=pair, by=mentee, suggestion=suggestion)
    request = MentorshipRequest.objects.create(
        program=pair.program,
        mentee=pair.mentee,
        mentor=pair.mentor,
        message="Would you mentor me?",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    request_decline(request=request, reason=c["decline_reason"])
    meeting.refresh_from_db()
    meeting_update_send(meeting_id=meeting.pk, version=meeting.version)  # the worker's e-mails
    ids = {
        "pair_id": pair.pk,
        "meeting_id": meeting.pk,
        "goal_id": goal.pk,
        "item_id": item.pk,
        "request_id": request.pk,
        "enrolment_id": pair.mentee_id,
        "program_id": pair.program_id,
    }
    members = frozenset({"mentee", "mentor"}) if key == "own" else frozenset()
    return PairObjects(key, pair, meeting, members, ids, c)


def build_proof_world(personas: dict[str, User | None], *, emails: bool = True) -> ProofWorld:
    mentee, mentor, manager = personas["mentee"], personas["mentor"], personas["manager"]
    assert mentee
    assert mentor
    assert manager
    # The mentee used to report to the former manager, then moved to ``manager``.
    former = UserFactory(full_name="Fran Former-Manager")
    UserFactory(full_name="Remy Remaining-Report", manager=former)
    mentee.manager = former
    mentee.save(update_fields=["manager"])
    mentee.manager = manager
    mentee.save(update_fields=["manager"])
    mentor.manager = UserFactory(full_name="Mona Mentors-Manager")
    mentor.save(update_fields=["manager"])
    people = {**personas, "mentors_manager": mentor.manager, "former_manager": former}

    program = ProgramFactory(name="Grow Together")
    elsewhere = ProgramFactory(name="Elsewhere")
    others = {
        key: (UserFactory(full_name=f"{key} mentee"), UserFactory(full_name=f"{key} mentor"))
        for key in PAIR_KEYS[1:]
    }
    other_boss = UserFactory(full_name="Other Boss")
    for other_mentee, _other_mentor in others.values():
        other_mentee.manager = other_boss
        other_mentee.save(update_fields=["manager"])
    pairs = {
        "own": _plant("own", _pair(program, mentee, mentor), mentee, mentor, manager, 2),
        "same_program": _plant(
            "same_program", _pair(program, *others["same_program"]),
            *others["same_program"], other_boss, 3,
        ),
        "other_program": _plant(
            "other_program", _pair(elsewhere, *others["other_program"]),
            *others["other_program"], other_boss, 4,
        ),
    }  # fmt: skip
    for person in people.values():
        if person is not None:
            for kind in CalendarFeed.Kind.values:
                CalendarFeed.objects.get_or_create(person=person, kind=kind)
    # Managers and HR get notifications of their own (an invitation to a program).
    program_invite(
        program=program,
        emails=[people[name].email for name in OBSERVERS],  # type: ignore[union-attr]
        invited_by=personas["hr_admin"],  # type: ignore[arg-type]
    )
    for member in (mentee, mentor):
        data_export_build(export_id=DataExport.objects.create(person=member).pk)
    if emails:
        _send_pair_mail(pairs)
        _send_observer_mail(people, program)
    return ProofWorld(people, pairs, {"own": manager, "same_program": other_boss})


def _send_pair_mail(pairs: dict[str, PairObjects]) -> None:
    """The pair's own e-mails (meeting updates were sent above): introductions and
    reminders. They may carry the place to the two people, never journal content."""
    from matching.notifications import pair_introduction_send
    from meetings.models import Reminder
    from meetings.reminders import reminder_message

    for objects in pairs.values():
        pair_introduction_send(pair_id=objects.pair.pk)
    for reminder in Reminder.objects.filter(meeting__in=[p.meeting for p in pairs.values()]):
        reminder_message(reminder).send()


def _send_observer_mail(people: dict[str, User | None], program: Program) -> None:
    """Every kind of e-mail a manager or HR admin can receive: the account invitation,
    a program invitation and (HR admins) the weekly digest."""
    from hr_view.digest import digest_send
    from people.notifications import person_send_invitation
    from programs.notifications import program_invitation_send

    for name in OBSERVERS:
        person = people[name]
        assert person is not None
        person.invited_at = None
        person.save(update_fields=["invited_at"])
        person_send_invitation(user_id=person.pk)
        program_invitation_send(program_id=program.pk, person_id=person.pk)
    digest_send()


def observer_mail(person: User) -> dict[str, str]:
    """The e-mails in the outbox addressed to one person."""
    from tests.mail import mail_text

    return {
        f"mail {i} to {person.email}: {m.subject}": mail_text(m)
        for i, m in enumerate(mail.outbox)
        if person.email in m.recipients()
    }


MISSING_PAGE = "/this-page-does-not-exist-4711/"


@dataclass
class Sweep:
    """Everything one person could read, and the canaries found in it."""

    texts: dict[str, str]  # where -> text (pages with headers, error pages, e-mails)
    statuses: dict[str, int]
    leaks: list[tuple[str, str]]


def forbidden_canaries(world: ProofWorld, name: str) -> tuple[str, ...]:
    """What ``name`` must never read: every canary of every pair they are not in, except
    a focus suggestion's text for the manager who wrote it."""
    wanted = []
    for objects in world.pairs.values():
        if name in objects.members:
            continue
        for field_name, canary in objects.canaries.items():
            author = world.focus_authors.get(objects.key)
            if field_name == "shared_focus" and author == world.people.get(name):
                continue
            wanted.append(canary)
    return tuple(wanted)


def sweep(
    world: ProofWorld, name: str, *, max_pages: int = 250, first: tuple[str, ...] = ()
) -> Sweep:
    """Signed in as ``name``: every URL of the policy table with the world's ids, every
    calendar feed token, the pages reached by following links (bounded), error pages (a
    404, a 405 and a CSRF 403), and the e-mails addressed to them."""
    from django.test import Client
    from django.urls import reverse

    from tests.privacy.crawl import body_of, crawl, found

    person = world.people[name]
    assert person is not None
    client = Client()
    client.force_login(person)
    ids: dict[str, list[object]] = {**world.ids(), "token": [*world.tokens(person)]}
    seeds = [*first, reverse("home"), *seed_urls_for(ids), MISSING_PAGE]
    result = crawl(client, seeds, max_pages=max_pages)
    texts = result.texts()
    statuses = {url: page.status for url, page in result.pages.items()}
    post_only = reverse("meetings:feed_reset")
    texts[f"GET {post_only} (405)"] = body_of(client.get(post_only))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(person)
    csrf = strict.post(post_only)
    texts[f"POST {post_only} without CSRF ({csrf.status_code})"] = body_of(csrf)
    texts.update(observer_mail(person))
    return Sweep(texts, statuses, found(texts, forbidden_canaries(world, name)))


def seed_urls_for(ids: dict[str, list[object]]) -> list[str]:
    from tests.privacy.crawl import seed_urls

    return list(seed_urls(ids))
