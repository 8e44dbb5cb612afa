"""Mentee choice pages: shortlist, asking, answering, withdrawing, pairs and ending them."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching.models import MentorshipRequest, Pair
from matching.services import request_accept, request_create
from people.models import User
from programs.models import Enrolment, Program
from tests.factories import DepartmentFactory, UserFactory
from tests.matching.test_selectors import add_mentor, ask, choice_program
from tests.privacy.objects import MISSING_ID
from tests.programs.factories import ProgramFactory, SkillFactory, enrol

pytestmark = pytest.mark.django_db

REASON_CANARY = "canary-decline-reason-7731"
MESSAGE_CANARY = "canary-request-message-5518"


@dataclass
class Choice:
    program: Program
    mentee: Enrolment
    mentor: Enrolment


@pytest.fixture
def choice(mentee: User, mentor: User) -> Choice:
    program = choice_program()
    me = enrol(program, mentee)
    me.skills.set([SkillFactory(name="Negotiation")])
    theirs = enrol(
        program,
        mentor,
        role=Enrolment.Role.MENTOR,
        capacity=1,
        goals="Happy to share how I moved from audit into controlling.",
    )
    theirs.skills.set([SkillFactory(name="Negotiation"), SkillFactory(name="Budgeting")])
    return Choice(program, me, theirs)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def texts(response: object) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def assert_same_as_missing(client: Client, method: str, url: str, missing: str) -> None:
    response, absent = getattr(client, method)(url), getattr(client, method)(missing)
    assert response.status_code == 404
    assert response.content == absent.content


# ---------------------------------------------------------------- shortlist


def test_mentee_sees_mentor_profile_reasons_and_ask_form(choice: Choice, mentee: User) -> None:
    response = client_for(mentee).get(reverse("matching:shortlist", args=[choice.program.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for expected in (
        "Olu Mentor",
        "Controller",
        "Finance",
        "Budgeting",
        "English",
        "12 years",
        "Video call",
        "Happy to share how I moved from audit into controlling.",
        "1 shared skill: Negotiation",
        "Ask Olu Mentor",
        reverse("matching:request_create", args=[choice.program.pk, choice.mentor.pk]),
    ):
        assert expected in page, expected


@pytest.mark.parametrize("persona", ["mentor", "manager", "hr_admin", "outsider"])
def test_shortlist_is_404_for_everyone_but_the_mentee(
    choice: Choice, personas: dict[str, User | None], persona: str
) -> None:
    assert_same_as_missing(
        client_for(personas[persona]),
        "get",
        reverse("matching:shortlist", args=[choice.program.pk]),
        reverse("matching:shortlist", args=[MISSING_ID]),
    )


def test_shortlist_is_404_in_a_cohort_program(mentee: User, mentor: User) -> None:
    program = ProgramFactory(matching_mode=Program.MatchingMode.COHORT)
    enrol(program, mentee)
    response = client_for(mentee).get(reverse("matching:shortlist", args=[program.pk]))
    assert response.status_code == 404


def test_shortlist_never_shows_the_mentees_manager(
    choice: Choice, mentee: User, manager: User
) -> None:
    Program.objects.filter(pk=choice.program.pk).update(require_different_department=False)
    enrol(choice.program, manager, role=Enrolment.Role.MENTOR, capacity=2)
    page = client_for(mentee).get(reverse("matching:shortlist", args=[choice.program.pk]))
    assert "Olu Mentor" in page.content.decode()
    assert "Maria Manager" not in page.content.decode()


def test_shortlist_shows_waiting_requests_with_expiry_in_the_viewers_time_zone(
    choice: Choice, mentee: User
) -> None:
    mentee.time_zone = "Pacific/Auckland"
    mentee.save()
    expires = dt.datetime(2030, 3, 1, 13, 0, tzinfo=dt.UTC)  # 2 March in Auckland
    ask(choice.mentee, choice.mentor)
    MentorshipRequest.objects.update(expires_at=expires)
    page = client_for(mentee).get(reverse("matching:shortlist", args=[choice.program.pk]))
    text = page.content.decode()
    # 13:00 UTC is 2:00 the next morning in Auckland: the day and the time say so.
    assert "Waiting for Olu Mentor to answer, expires on 2 March 2030, 02:00." in text
    assert "Ask Olu Mentor" not in text  # asked already: not offered twice


def test_shortlist_says_when_the_mentee_has_a_mentor(choice: Choice, mentee: User) -> None:
    Pair.objects.create(
        program=choice.program, mentee=choice.mentee, mentor=choice.mentor, origin="choice"
    )
    page = client_for(mentee).get(reverse("matching:shortlist", args=[choice.program.pk]))
    text = page.content.decode()
    assert "Olu Mentor is your mentor in this program." in text
    assert reverse("matching:pairs") in text
    assert "Ask Olu Mentor" not in text


def test_shortlist_explains_when_no_mentor_fits(mentee: User) -> None:
    program = choice_program()
    enrol(program, mentee)
    page = client_for(mentee).get(reverse("matching:shortlist", args=[program.pk]))
    assert "No mentor fits right now" in page.content.decode()
    assert "Your HR team can help" in page.content.decode()


def test_shortlist_is_closed_outside_the_choosing_period(choice: Choice, mentee: User) -> None:
    Program.objects.filter(pk=choice.program.pk).update(status=Program.Status.CLOSED)
    page = client_for(mentee).get(reverse("matching:shortlist", args=[choice.program.pk]))
    assert "Choosing a mentor is not open right now" in page.content.decode()
    assert "Ask Olu Mentor" not in page.content.decode()


# ---------------------------------------------------------------- asking


def _ask_url(choice: Choice) -> str:
    return reverse("matching:request_create", args=[choice.program.pk, choice.mentor.pk])


def test_mentee_asks_a_mentor_with_a_message(choice: Choice, mentee: User) -> None:
    response = client_for(mentee).post(_ask_url(choice), {"message": f"Hello {MESSAGE_CANARY}"})
    assert response.status_code == 302
    assert response["Location"] == reverse("matching:shortlist", args=[choice.program.pk])
    asked = MentorshipRequest.objects.get()
    assert (asked.mentee, asked.mentor, asked.status) == (choice.mentee, choice.mentor, "open")
    assert asked.message == f"Hello {MESSAGE_CANARY}"
    assert "You asked Olu Mentor." in texts(response)[0]
    deadline = asked.expires_at.astimezone(zoneinfo.ZoneInfo(mentee.time_zone))
    assert f"{deadline.day} {deadline:%B} {deadline.year}, {deadline:%H:%M}" in texts(response)[0]


def test_a_mentor_far_east_sees_the_deadline_day_and_time_on_their_own_clock(
    choice: Choice, mentor: User
) -> None:
    mentor.time_zone, mentor.language = "Asia/Singapore", "de"
    mentor.save(update_fields=["time_zone", "language"])
    ask(choice.mentee, choice.mentor)
    # 20:00 UTC on 1 March is already 04:00 on 2 March in Singapore.
    MentorshipRequest.objects.update(expires_at=dt.datetime(2030, 3, 1, 20, 0, tzinfo=dt.UTC))
    text = client_for(mentor).get(reverse("matching:requests")).content.decode()
    assert "2. März 2030, 04:00" in text
    assert "1. März 2030" not in text


def test_asking_the_same_mentor_twice_is_refused_with_a_message(
    choice: Choice, mentee: User
) -> None:
    client = client_for(mentee)
    client.post(_ask_url(choice), {"message": "First"})
    response = client.post(_ask_url(choice), {"message": "Second"})
    assert response.status_code == 302
    assert texts(response)[-1] == "You have already asked this mentor."
    assert MentorshipRequest.objects.get().message == "First"


def test_too_long_message_keeps_the_input_and_changes_nothing(choice: Choice, mentee: User) -> None:
    long = "x" * 1001
    response = client_for(mentee).post(_ask_url(choice), {"message": long})
    assert response.status_code == 400
    assert "at most 1000 characters" in response.content.decode()
    assert long in response.content.decode()
    assert not MentorshipRequest.objects.exists()


def test_asking_outside_the_choosing_period_is_refused(choice: Choice, mentee: User) -> None:
    Program.objects.filter(pk=choice.program.pk).update(status=Program.Status.CLOSED)
    response = client_for(mentee).post(_ask_url(choice), {"message": "Hello"})
    assert texts(response) == ["Mentors cannot be asked in this program right now."]
    assert not MentorshipRequest.objects.exists()


def test_asking_a_mentor_of_another_program_is_404(choice: Choice, mentee: User) -> None:
    other = choice_program()
    stranger = add_mentor(other, "Elsewhere")
    response = client_for(mentee).post(
        reverse("matching:request_create", args=[choice.program.pk, stranger.pk]), {}
    )
    assert response.status_code == 404
    assert not MentorshipRequest.objects.exists()


def test_asking_a_mentor_in_the_reporting_line_is_refused(
    choice: Choice, mentee: User, manager: User
) -> None:
    boss = enrol(choice.program, manager, role=Enrolment.Role.MENTOR, capacity=1)
    response = client_for(mentee).post(
        reverse("matching:request_create", args=[choice.program.pk, boss.pk]), {}
    )
    assert texts(response) == ["This mentor is not available to you."]
    assert not MentorshipRequest.objects.exists()


@pytest.mark.parametrize("persona", ["mentor", "manager", "hr_admin", "outsider"])
def test_asking_is_404_for_everyone_but_the_mentee(
    choice: Choice, personas: dict[str, User | None], persona: str
) -> None:
    assert_same_as_missing(
        client_for(personas[persona]),
        "post",
        _ask_url(choice),
        reverse("matching:request_create", args=[MISSING_ID, MISSING_ID]),
    )
    assert not MentorshipRequest.objects.exists()


# ---------------------------------------------------------------- answering


def test_mentor_sees_the_request_with_the_mentees_matching_answers(
    choice: Choice, mentor: User
) -> None:
    ask(choice.mentee, choice.mentor, message=MESSAGE_CANARY)
    page = client_for(mentor).get(reverse("matching:requests")).content.decode()
    for expected in (
        "Ezra Mentee",
        "Negotiation",
        "Get better at leading meetings with senior stakeholders.",
        MESSAGE_CANARY,
        "Accept Ezra Mentee",
        "Only Ezra Mentee will see this.",
    ):
        assert expected in page, expected


def test_requests_page_has_empty_states(outsider: User) -> None:
    page = client_for(outsider).get(reverse("matching:requests")).content.decode()
    assert "No one has asked you yet" in page
    assert "You have not asked a mentor" in page


def test_accepting_creates_a_pair_and_withdraws_the_other_requests(
    choice: Choice, mentor: User
) -> None:
    other_mentor = add_mentor(choice.program, "Second Choice")
    other = ask(choice.mentee, other_mentor)
    asked = ask(choice.mentee, choice.mentor)
    response = client_for(mentor).post(
        reverse("matching:request_answer", args=[asked.pk]), {"decision": "accept"}
    )
    assert response["Location"] == reverse("matching:requests")
    assert texts(response) == ["You are now Ezra Mentee's mentor. We have let them know."]
    pair = Pair.objects.get()
    assert (pair.mentee, pair.mentor, pair.status) == (choice.mentee, choice.mentor, "active")
    other.refresh_from_db()
    assert other.status == MentorshipRequest.Status.WITHDRAWN


def test_a_mentor_with_one_seat_cannot_accept_twice(choice: Choice, mentor: User) -> None:
    first = ask(choice.mentee, choice.mentor)
    second_person = UserFactory(full_name="Sam Second", department=DepartmentFactory())
    second_mentee = enrol(choice.program, second_person)
    second = ask(second_mentee, choice.mentor)
    client = client_for(mentor)
    url = "matching:request_answer"
    client.post(reverse(url, args=[first.pk]), {"decision": "accept"})
    response = client.post(reverse(url, args=[second.pk]), {"decision": "accept"})
    assert texts(response)[-1] == "Olu Mentor has no free seat left."
    assert Pair.objects.count() == 1
    second.refresh_from_db()
    assert second.status == MentorshipRequest.Status.OPEN


def test_decline_reason_reaches_the_mentee_only(
    choice: Choice, mentor: User, mentee: User, hr_admin: User
) -> None:
    mentor_boss = UserFactory(full_name="Mo Mentorsboss")
    mentor.manager = mentor_boss
    mentor.save()
    asked = ask(choice.mentee, choice.mentor)
    response = client_for(mentor).post(
        reverse("matching:request_answer", args=[asked.pk]),
        {"decision": "decline", "reason": REASON_CANARY},
    )
    assert texts(response) == ["You declined Ezra Mentee's request. We have let them know."]
    asked.refresh_from_db()
    assert (asked.status, asked.reason) == ("declined", REASON_CANARY)
    assert REASON_CANARY in client_for(mentee).get(reverse("matching:requests")).content.decode()
    pages = [reverse("matching:requests"), reverse("matching:pairs"), reverse("home")]
    for viewer in (mentor_boss, hr_admin):
        for url in pages:
            assert REASON_CANARY not in client_for(viewer).get(url).content.decode()
    hr_page = client_for(hr_admin).get(reverse("hr_view:participants", args=[choice.program.pk]))
    assert hr_page.status_code == 200
    assert REASON_CANARY not in hr_page.content.decode()
    assert MESSAGE_CANARY not in hr_page.content.decode()


def test_answering_twice_is_refused_with_a_message(choice: Choice, mentor: User) -> None:
    asked = ask(choice.mentee, choice.mentor, status=MentorshipRequest.Status.WITHDRAWN)
    response = client_for(mentor).post(
        reverse("matching:request_answer", args=[asked.pk]), {"decision": "accept"}
    )
    assert texts(response) == ["This request has already been answered or has expired."]
    assert not Pair.objects.exists()


def test_answer_without_a_decision_changes_nothing(choice: Choice, mentor: User) -> None:
    asked = ask(choice.mentee, choice.mentor)
    response = client_for(mentor).post(reverse("matching:request_answer", args=[asked.pk]), {})
    assert "Choose to accept or decline" in texts(response)[0]
    asked.refresh_from_db()
    assert asked.status == "open"


@pytest.mark.parametrize("persona", ["mentee", "manager", "hr_admin", "outsider"])
def test_answering_is_404_for_everyone_but_the_mentor(
    choice: Choice, personas: dict[str, User | None], persona: str
) -> None:
    asked = ask(choice.mentee, choice.mentor)
    assert_same_as_missing(
        client_for(personas[persona]),
        "post",
        reverse("matching:request_answer", args=[asked.pk]),
        reverse("matching:request_answer", args=[MISSING_ID]),
    )
    asked.refresh_from_db()
    assert asked.status == "open"


# ---------------------------------------------------------------- withdrawing


def test_mentee_withdraws_a_request(choice: Choice, mentee: User) -> None:
    asked = ask(choice.mentee, choice.mentor)
    response = client_for(mentee).post(reverse("matching:request_withdraw", args=[asked.pk]))
    assert response["Location"] == reverse("matching:shortlist", args=[choice.program.pk])
    assert texts(response) == ["You withdrew your request to Olu Mentor."]
    asked.refresh_from_db()
    assert asked.status == MentorshipRequest.Status.WITHDRAWN


@pytest.mark.parametrize("persona", ["mentor", "manager", "hr_admin", "outsider"])
def test_withdrawing_is_404_for_everyone_but_the_mentee(
    choice: Choice, personas: dict[str, User | None], persona: str
) -> None:
    asked = ask(choice.mentee, choice.mentor)
    assert_same_as_missing(
        client_for(personas[persona]),
        "post",
        reverse("matching:request_withdraw", args=[asked.pk]),
        reverse("matching:request_withdraw", args=[MISSING_ID]),
    )
    asked.refresh_from_db()
    assert asked.status == "open"


# ---------------------------------------------------------------- pairs


@pytest.fixture
def pair(choice: Choice) -> Pair:
    """The pair an accepted request makes, through the service that makes it."""
    request = request_create(mentee=choice.mentee, mentor=choice.mentor, message="")
    return request_accept(request=request)


def test_both_people_see_the_pair_with_the_counterpart(
    pair: Pair, mentee: User, mentor: User
) -> None:
    as_mentee = client_for(mentee).get(reverse("matching:pairs")).content.decode()
    assert "Olu Mentor" in as_mentee
    assert "Controller" in as_mentee
    assert reverse("matching:pair_end", args=[pair.pk]) in as_mentee
    as_mentor = client_for(mentor).get(reverse("matching:pairs")).content.decode()
    assert "Ezra Mentee" in as_mentor


def test_pairs_page_has_an_empty_state(outsider: User) -> None:
    assert "No pairs yet" in client_for(outsider).get(reverse("matching:pairs")).content.decode()


def test_pairs_page_hides_the_pair_from_the_manager_and_hr(
    pair: Pair, manager: User, hr_admin: User
) -> None:
    for viewer in (manager, hr_admin):
        page = client_for(viewer).get(reverse("matching:pairs")).content.decode()
        assert "Olu Mentor" not in page
        assert "No pairs yet" in page


@pytest.mark.parametrize("persona", ["mentee", "mentor"])
def test_either_person_ends_the_pair_after_a_calm_confirmation(
    pair: Pair, personas: dict[str, User | None], persona: str
) -> None:
    client = client_for(personas[persona])
    url = reverse("matching:pair_end", args=[pair.pk])
    confirm = client.get(url).content.decode()
    assert "without giving a reason to anyone. HR only sees that it ended." in confirm
    response = client.post(url)
    assert response["Location"] == reverse("matching:pairs")
    assert "has ended" in texts(response)[0]
    pair.refresh_from_db()
    assert pair.status == Pair.Status.ENDED
    assert "End this pair" not in client.get(reverse("matching:pairs")).content.decode()


@pytest.mark.parametrize("persona", ["manager", "hr_admin", "outsider"])
def test_ending_is_404_for_everyone_outside_the_pair(
    pair: Pair, personas: dict[str, User | None], persona: str
) -> None:
    client = client_for(personas[persona])
    url = reverse("matching:pair_end", args=[pair.pk])
    missing = reverse("matching:pair_end", args=[MISSING_ID])
    assert_same_as_missing(client, "get", url, missing)
    assert_same_as_missing(client, "post", url, missing)
    pair.refresh_from_db()
    assert pair.status == Pair.Status.ACTIVE


# ---------------------------------------------------------------- everyone signed in


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("matching:shortlist", {"program_id": 1}),
        ("matching:requests", {}),
        ("matching:pairs", {}),
        ("matching:pair_end", {"pair_id": 1}),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(name: str, kwargs: dict[str, int]) -> None:
    response = Client().get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def _fill(choice: Choice, rows: int) -> None:
    """``rows`` requests to the mentor and ``rows`` pairs for the mentee, in other programs."""
    for i in range(rows):
        program = choice_program()
        mentor_enrolment = enrol(program, choice.mentor.person, role=Enrolment.Role.MENTOR)
        other = UserFactory(department=DepartmentFactory())
        asker = enrol(program, other)
        asker.skills.set([SkillFactory(name=f"Skill {i % 3}")])
        ask(asker, mentor_enrolment, message=f"Message {i}")
        paired_with = UserFactory(department=DepartmentFactory())
        mentor_of_mentee = enrol(program, paired_with, role="mentor")
        Pair.objects.create(
            program=program,
            mentee=enrol(program, choice.mentee.person),
            mentor=mentor_of_mentee,
            origin="choice",
        )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("route", ["matching:requests", "matching:pairs"])
def test_list_pages_run_the_same_queries_whatever_the_rows(
    choice: Choice, mentee: User, mentor: User, route: str
) -> None:
    _fill(choice, 2)
    counts = [_queries(client_for(user), reverse(route)) for user in (mentee, mentor)]
    _fill(choice, 18)
    assert [_queries(client_for(user), reverse(route)) for user in (mentee, mentor)] == counts
    assert timezone.now()  # the pages above rendered dates in the viewers' time zones
