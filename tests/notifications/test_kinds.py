"""Each kind of notification: made by the service that sends its e-mail, written when read
(English and German, the reader's zone) and leading to the page it is about."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import MentorshipRequest, Pair
from matching.runs import match_run_execute
from matching.services import (
    match_run_publish,
    match_run_start,
    pair_create,
    pair_end,
    request_accept,
    request_create,
    request_decline,
)
from matching.upkeep import request_reminders_plan, requests_expire
from meetings.nudges import nudges_plan
from meetings.services import meeting_cancel, meeting_reschedule, meeting_schedule
from notifications.models import Notification
from people.models import User
from programs.models import Enrolment, Program
from programs.services import (
    enrolment_approve,
    enrolment_decline,
    nomination_create,
    program_invite,
)
from tests.factories import DepartmentFactory, UserFactory
from tests.meetings.factories import when
from tests.notifications.helpers import newest, target, texts
from tests.programs.factories import ProgramFactory, enrol

pytestmark = pytest.mark.django_db


def _pair(mentee: User, mentor: User, **program: object) -> Pair:
    program_row = ProgramFactory(name="Grow Together", **program)
    from django.db import transaction

    with transaction.atomic():
        return pair_create(
            mentee=enrol(program_row, mentee),
            mentor=enrol(program_row, mentor, role=Enrolment.Role.MENTOR),
            origin=Pair.Origin.MANUAL,
        )


# ---------------------------------------------------------------- programs


def test_program_invitation(mentee: User, hr_admin: User) -> None:
    program = ProgramFactory(name="Lead Well", audience=Program.Audience.INVITED)
    program_invite(program=program, emails=[mentee.email], invited_by=hr_admin)
    assert texts(mentee) == ["You are invited to join “Lead Well”."]
    assert texts(mentee, "de") == ["Sie sind eingeladen, an „Lead Well“ teilzunehmen."]
    assert target(mentee) == reverse("programs:detail", args=[program.pk])
    assert not Notification.objects.exclude(recipient=mentee).exists()  # not HR's


def test_nomination_names_the_manager_never_the_note(mentee: User, manager: User) -> None:
    program = ProgramFactory(name="Lead Well")
    nomination_create(manager=manager, report=mentee, program=program, note="CANARY-note")
    assert texts(mentee) == ["Maria Manager nominated you for “Lead Well”."]
    assert "Maria Manager" in texts(mentee, "de")[0]
    assert texts(mentee, "de") != texts(mentee)
    assert "CANARY" not in str(newest(mentee).params)
    assert target(mentee) == reverse("programs:detail", args=[program.pk])


def test_enrolment_decisions(mentee: User, mentor: User) -> None:
    program = ProgramFactory(name="Lead Well", requires_approval=True)
    accepted = enrol(program, mentee)
    declined = enrol(program, mentor)
    enrolment_approve(enrolment=accepted)
    enrolment_decline(enrolment=declined)
    assert texts(mentee) == ["Your application to “Lead Well” was accepted."]
    assert texts(mentee, "de") == ["Ihre Bewerbung für „Lead Well“ wurde angenommen."]
    assert target(mentee) == reverse("programs:detail", args=[program.pk])
    assert texts(mentor) == ["Your application to “Lead Well” was not accepted this time."]
    assert target(mentor) == reverse("programs:list")


def test_a_program_no_longer_visible_leads_to_the_program_list(
    mentee: User, hr_admin: User
) -> None:
    program = ProgramFactory(name="Lead Well", audience=Program.Audience.INVITED)
    program_invite(program=program, emails=[mentee.email], invited_by=hr_admin)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.DRAFT)
    assert target(mentee) == reverse("programs:list")


# ---------------------------------------------------------------- pairs and requests


def _people(count: int) -> list[User]:
    return [UserFactory(department=DepartmentFactory(name=f"N{i}")) for i in range(count)]


def test_publishing_introduces_both_people(hr_admin: User) -> None:
    program = ProgramFactory(name="Cohort", status=Program.Status.OPEN)
    mentee_person, mentor_person = _people(2)
    enrol(program, mentee_person)
    enrol(program, mentor_person, role=Enrolment.Role.MENTOR)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.MATCHING)
    program.refresh_from_db()
    run = match_run_execute(run_id=match_run_start(program=program, started_by=hr_admin).pk)
    [pair_id] = match_run_publish(run=run)
    mentor_name = mentor_person.full_name
    assert texts(mentee_person) == [
        f"{mentor_name} is your mentor in “Cohort”. Plan your first meeting."
    ]
    assert texts(mentor_person) == [
        f"You are now the mentor of {mentee_person.full_name} in “Cohort”."
    ]
    assert mentor_name in texts(mentee_person, "de")[0]
    assert texts(mentee_person, "de") != texts(mentee_person)
    assert target(mentee_person) == reverse("meetings:pair", args=[pair_id])
    assert not Notification.objects.filter(recipient=hr_admin).exists()


def test_pair_ended_tells_both_and_leads_to_their_pairs(mentee: User, mentor: User) -> None:
    pair = _pair(mentee, mentor)
    pair_end(pair=pair)
    assert texts(mentor) == ["Your pair with Ezra Mentee in “Grow Together” has ended."]
    assert texts(mentee)[0] == "Your pair with Olu Mentor in “Grow Together” has ended."
    assert "Ezra Mentee" in texts(mentor, "de")[0]
    assert target(mentee) == reverse("matching:pairs")


def _choice() -> tuple[Enrolment, Enrolment, Enrolment]:
    program = ProgramFactory(
        name="Choose", matching_mode=Program.MatchingMode.CHOICE, request_expiry_days=4
    )
    mentee_person, first, second = _people(3)
    return (
        enrol(program, mentee_person),
        enrol(program, first, role=Enrolment.Role.MENTOR, capacity=1),
        enrol(program, second, role=Enrolment.Role.MENTOR, capacity=1),
    )


def test_a_request_tells_the_mentor_with_its_deadline_never_the_message() -> None:
    mentee, mentor, _other = _choice()
    request = request_create(mentee=mentee, mentor=mentor, message="CANARY-message")
    mentor_person = mentor.person
    [english] = texts(mentor_person, "en", "Asia/Singapore")
    assert english.startswith(f"{mentee.person.full_name} asked you to be their mentor")
    local = timezone.localtime(request.expires_at, dt.timezone(dt.timedelta(hours=8)))
    assert f"{local:%H:%M}" in english  # the deadline on the reader's clock
    [german] = texts(mentor_person, "de", "Europe/Berlin")
    assert "Mentor" in german
    assert german != english
    assert "CANARY" not in english + german + str(newest(mentor_person).params)
    assert target(mentor_person) == reverse("matching:requests")


def test_decline_and_expiry_tell_the_mentee_never_the_reason() -> None:
    mentee, first, second = _choice()
    declined = request_create(mentee=mentee, mentor=first, message="")
    request_decline(request=declined, reason="CANARY-reason")
    [text] = texts(mentee.person)
    assert (
        text
        == f"{first.person.full_name} cannot be your mentor in “Choose”. You can ask someone else."
    )
    request_create(mentee=mentee, mentor=second, message="")
    assert requests_expire(now=timezone.now() + dt.timedelta(days=5)) == 1
    expired = texts(mentee.person)[0]
    assert expired.startswith(f"Your request to {second.person.full_name} in “Choose” expired")
    assert "CANARY" not in " ".join(texts(mentee.person, "de"))
    assert texts(mentee.person, "de")[0] != expired
    assert target(mentee.person) == reverse("matching:requests")
    assert MentorshipRequest.objects.filter(status="expired").count() == 1


def test_a_reminder_tells_the_mentor_again() -> None:
    mentee, mentor, _other = _choice()
    request_create(mentee=mentee, mentor=mentor, message="")
    later = timezone.now() + dt.timedelta(days=2, hours=1)
    assert len(request_reminders_plan(now=later)) == 1
    assert texts(mentor.person)[0].startswith(f"{mentee.person.full_name} is still waiting")
    assert len(request_reminders_plan(now=later)) == 0  # once
    assert len(texts(mentor.person)) == 2


def test_accepting_introduces_the_pair() -> None:
    mentee, mentor, _other = _choice()
    pair = request_accept(request=request_create(mentee=mentee, mentor=mentor, message=""))
    assert texts(mentee.person)[0].startswith(f"{mentor.person.full_name} is your mentor")
    assert target(mentee.person) == reverse("meetings:pair", args=[pair.pk])


# ---------------------------------------------------------------- meetings


def test_meeting_changes_tell_the_other_person_in_their_zone(mentee: User, mentor: User) -> None:
    pair = _pair(mentee, mentor)
    day = timezone.localdate() + dt.timedelta(days=10)
    [meeting] = meeting_schedule(
        pair=pair, organiser=mentee, when=when(day, 10, zone="UTC"), place="CANARY-place"
    )
    assert texts(mentee) == []  # the organiser is not told what they did
    [planned] = texts(mentor, "en", "Asia/Tokyo")
    assert planned.startswith("Ezra Mentee invited you to a meeting on")
    assert "19:00" in planned  # 10:00 UTC on a Tokyo clock
    assert "CANARY" not in planned + str(newest(mentor).params)
    assert "Ezra Mentee" in texts(mentor, "de")[0]
    assert target(mentor) == reverse("meetings:pair", args=[pair.pk])
    meeting_reschedule(meeting=meeting, by=mentor, when=when(day, 11, zone="UTC"), place="")
    assert texts(mentee, "en", "UTC") == [f"Olu Mentor moved your meeting to {_at(day, 11)}."]
    meeting_cancel(meeting=meeting, by=mentee)
    assert texts(mentor, "en", "UTC")[0] == (
        f"Your meeting with Ezra Mentee on {_at(day, 11)} was cancelled."
    )


def _at(day: dt.date, hour: int) -> str:
    from lib.formats import moment_text

    return moment_text(dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC))


def test_a_series_is_one_notification(mentee: User, mentor: User) -> None:
    pair = _pair(mentee, mentor)
    day = timezone.localdate() + dt.timedelta(days=10)
    meetings = meeting_schedule(
        pair=pair, organiser=mentor, when=when(day, 9, zone="UTC"), every_weeks=2, count=4
    )
    [text] = texts(mentee, "en", "UTC")
    assert text == f"Olu Mentor invited you to a series of 4 meetings from {_at(day, 9)}."
    assert "4" in texts(mentee, "de")[0]
    meeting_cancel(meeting=meetings[2], by=mentor, following=True)
    assert texts(mentee, "en", "UTC")[0].startswith("2 meetings with Olu Mentor")


def test_a_nudge_is_in_app_even_with_nudge_mail_turned_off(mentee: User, mentor: User) -> None:
    pair = _pair(mentee, mentor, nudge_after_days=7)
    User.objects.filter(pk=mentee.pk).update(email_nudges=False)
    Pair.objects.filter(pk=pair.pk).update(started_at=timezone.now() - dt.timedelta(days=8))
    nudges_plan(now=timezone.now())
    assert texts(mentee) == ["No meeting with Olu Mentor is booked. Plan the next one?"]
    assert texts(mentee, "de") != texts(mentee)
    assert target(mentee) == reverse("meetings:schedule", args=[pair.pk])
    pair_end(pair=pair)
    nudge = Notification.objects.get(recipient=mentee, kind="nudge")
    from notifications.selectors import notification_target

    assert notification_target(notification=nudge, person=mentee) == reverse(
        "meetings:pair", args=[pair.pk]
    )  # an ended pair's history, not a planning form that would refuse


def test_the_hr_digest_is_a_notification_for_hr_only(hr_admin: User, manager: User) -> None:
    from hr_view.digest import digest_plan

    now = dt.datetime(2026, 12, 7, 8, tzinfo=dt.UTC)  # a Monday
    assert len(digest_plan(now=now)) == 1
    assert texts(hr_admin) == [
        "Your weekly summary of the programs, week of 7 December 2026: see which need you."
    ]
    assert "Dezember" in texts(hr_admin, "de")[0]
    assert target(hr_admin) == reverse("programs:hr_list")
    assert not Notification.objects.exclude(recipient=hr_admin).exists()
    assert digest_plan(now=now) == []  # once a week
    assert Notification.objects.count() == 1
