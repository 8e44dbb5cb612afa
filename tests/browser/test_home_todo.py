"""Home as a to-do list, walked in Chromium: a mentor signs in, sees the invitation to
answer and the request waiting, accepts the meeting from the link, and home moves on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from matching.models import MentorshipRequest
from meetings.services import meeting_schedule
from people.models import User
from programs.models import Program
from tests.browser.conftest import look, sign_in
from tests.factories import UserFactory
from tests.meetings.factories import make_pair, when
from tests.programs.factories import ProgramFactory, enrol

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_mentor_answers_an_invitation_from_the_to_do_list(
    page: Page, live_server: object, mentee: User, mentor: User
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    pair = make_pair(mentee, mentor)
    day = timezone.localdate() + dt.timedelta(days=4)
    meeting_schedule(pair=pair, organiser=mentee, when=when(day, 10, zone=mentee.time_zone))
    choice = ProgramFactory(name="Pick a mentor", matching_mode=Program.MatchingMode.CHOICE)
    MentorshipRequest.objects.create(
        program=choice, mentee=enrol(choice, UserFactory(full_name="Rui Asker")),
        mentor=enrol(choice, mentor, role="mentor"),
        expires_at=timezone.now() + dt.timedelta(days=3),
    )  # fmt: skip

    sign_in(page, base, mentor)
    todo = page.get_by_role("region", name="To do")
    expect(todo).to_contain_text(f"{mentee.full_name} invited you to a meeting:")
    expect(todo).to_contain_text("A mentee has asked you to be their mentor.")
    expect(todo).to_contain_text("The first answer is due by")
    look(page, "home-todo-mentor")

    todo.get_by_role("link", name="Accept or decline").click()
    page.get_by_role("button", name="Accept").first.click()
    page.goto(base + "/")
    todo = page.get_by_role("region", name="To do")
    expect(todo).not_to_contain_text("invited you")
    expect(todo).to_contain_text(f"Your next meeting, with {mentee.full_name}:")
    look(page, "home-todo-mentor-answered")
