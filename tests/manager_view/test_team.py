"""My team's mentoring time: who gets in, what it shows, and what it never shows."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.schedule import MeetingSlot, meeting_slots_for_manager
from meetings.services import meeting_cancel
from people.models import User
from tests.factories import UserFactory
from tests.manager_view.helpers import canaries, client_for, meet, window_monday

pytestmark = pytest.mark.django_db

TEAM = reverse("manager_view:team")
MISSING = "/team/no-such-page/"


# ---------------------------------------------------------------- who gets in


def test_the_manager_sees_their_team_page(manager: User, mentee: User) -> None:
    response = client_for(manager).get(TEAM)
    assert response.status_code == 200
    body = response.content.decode()
    assert "My team&#x27;s mentoring time" in body or "My team's mentoring time" in body
    assert "What is discussed stays with the pair." in body
    assert mentee.full_name in body


@pytest.mark.parametrize("persona", ["mentee", "mentor", "hr_admin", "outsider"])
def test_everyone_but_a_manager_gets_the_same_404_as_a_missing_page(
    persona: str, personas: dict[str, User | None]
) -> None:
    client = client_for(personas[persona])
    response = client.get(TEAM)
    missing = client.get(MISSING)
    assert response.status_code == 404
    assert response.content == missing.content


def test_an_anonymous_visitor_is_sent_to_sign_in(db: None) -> None:
    response = client_for(None).get(TEAM)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_former_manager_loses_sight_on_the_next_request(manager: User, mentee: User) -> None:
    meet(mentee)
    client = client_for(manager)
    assert client.get(TEAM).status_code == 200
    mentee.manager = UserFactory(full_name="New Manager")
    mentee.save(update_fields=["manager"])
    response = client.get(TEAM)
    assert response.status_code == 404
    assert response.content == client.get(MISSING).content


def test_a_report_moved_away_disappears_while_the_others_stay(manager: User, mentee: User) -> None:
    other = UserFactory(full_name="Stays Here", manager=manager)
    meet(mentee, days=1)
    meet(other, days=2)
    mentee.manager = UserFactory()
    mentee.save(update_fields=["manager"])
    body = client_for(manager).get(TEAM).content.decode()
    assert "Stays Here" in body
    assert mentee.full_name not in body


def test_an_inactive_report_is_not_shown(manager: User, mentee: User) -> None:
    UserFactory(full_name="Still Active", manager=manager)
    meet(mentee)
    mentee.is_active = False
    mentee.save(update_fields=["is_active"])
    body = client_for(manager).get(TEAM).content.decode()
    assert mentee.full_name not in body
    assert (
        meeting_slots_for_manager(
            manager_id=manager.pk,
            start=timezone.now(),
            end=timezone.now() + dt.timedelta(days=30),
        )
        == []
    )


# ---------------------------------------------------------------- what it shows


def test_the_page_shows_the_reports_meeting_times_in_the_managers_time_zone(
    manager: User, mentee: User
) -> None:
    manager.time_zone = "America/New_York"
    manager.save(update_fields=["time_zone"])
    meeting = meet(mentee, days=3, hour=10)  # 10:00 in Berlin
    local = meeting.start.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    local_end = meeting.end.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    body = client_for(manager).get(TEAM).content.decode()
    assert f"{local:%H:%M}\u2013{local_end:%H:%M}" in body
    assert f"{local:%H:%M}" != "10:00"
    assert "America/New_York" in body


def test_a_cancelled_meeting_is_struck_through(manager: User, mentee: User) -> None:
    meeting = meet(mentee)
    meeting_cancel(meeting=meeting, by=mentee)
    body = client_for(manager).get(TEAM).content.decode()
    assert "slot--cancelled" in body
    assert "<del>" in body
    assert "Cancelled" in body


def test_a_report_without_meetings_shows_as_such(manager: User, mentee: User) -> None:
    body = client_for(manager).get(TEAM).content.decode()
    assert "No mentoring meetings in this window" in body
    assert reverse("programs:nominate", kwargs={"person_id": mentee.pk}) in body
    assert reverse("programs:suggest_focus", kwargs={"person_id": mentee.pk}) in body


def test_the_page_never_shows_counterpart_place_or_program(manager: User, mentee: User) -> None:
    planted = canaries()
    meet(mentee, planted=planted)
    response = client_for(manager).get(TEAM)
    body = response.content.decode()
    assert mentee.full_name in body
    for canary in planted.all():
        assert canary not in body


def test_the_slots_are_values_not_models(manager: User, mentee: User) -> None:
    meeting = meet(mentee)
    [slot] = meeting_slots_for_manager(
        manager_id=manager.pk, start=meeting.start - dt.timedelta(hours=1), end=meeting.end
    )
    assert slot == MeetingSlot(mentee.pk, mentee.full_name, meeting.start, meeting.end, "scheduled")
    with pytest.raises(AttributeError):
        slot.start = meeting.end  # type: ignore[misc]
    assert not hasattr(slot, "pair")


# ---------------------------------------------------------------- the date window


def test_the_window_starts_this_week_and_moves_by_two_weeks(manager: User, mentee: User) -> None:
    monday = window_monday()
    body = client_for(manager).get(TEAM).content.decode()
    assert f"?start={(monday + dt.timedelta(days=14)).isoformat()}" in body
    assert f"?start={(monday - dt.timedelta(days=14)).isoformat()}" in body


def test_a_meeting_outside_the_window_is_not_listed(manager: User, mentee: User) -> None:
    meeting = meet(mentee, days=2)
    later = (window_monday() + dt.timedelta(days=28)).isoformat()
    body = client_for(manager).get(TEAM, {"start": later}).content.decode()
    assert "No mentoring meetings in this window" in body
    local = timezone.localtime(meeting.start, zoneinfo.ZoneInfo(manager.time_zone))
    assert f"{local:%H:%M}\u2013" not in body


def test_a_bad_start_date_falls_back_to_this_week_with_a_message(
    manager: User, mentee: User
) -> None:
    response = client_for(manager).get(TEAM, {"start": "next tuesday"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter the start date as YYYY-MM-DD" in body
    assert f"?start={(window_monday() + dt.timedelta(days=14)).isoformat()}" in body


# ---------------------------------------------------------------- query budget


def _team_of(manager: User, size: int) -> None:
    for n in range(size):
        report = UserFactory(manager=manager)
        meet(report, days=1 + n % 7, hour=8 + n // 7)


def _queries(manager: User) -> int:
    client = client_for(manager)
    client.get(TEAM)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        assert client.get(TEAM).status_code == 200
    return len(captured.captured_queries)


def test_the_page_runs_the_same_number_of_queries_for_5_and_50_reports(db: None) -> None:
    small, large = UserFactory(), UserFactory()
    _team_of(small, 5)
    _team_of(large, 50)
    assert _queries(small) == _queries(large)


def test_the_schedule_query_uses_an_index_on_postgresql(manager: User, mentee: User) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN output is PostgreSQL's")
    _seed_attendances(count=3000)
    meet(mentee)
    now = timezone.now()
    with CaptureQueriesContext(connection) as captured:
        meeting_slots_for_manager(manager_id=manager.pk, start=now, end=now + dt.timedelta(days=14))
    [sql] = [q["sql"] for q in captured.captured_queries if "meetings_attendance" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan" in plan or "Bitmap Index Scan" in plan, plan


def _seed_attendances(count: int) -> None:
    """Many other people's meetings, written in bulk so the planner has a reason to use
    the indexes."""
    from meetings.models import Attendance, Meeting

    people = [UserFactory() for _ in range(20)]
    pair = meet(people[0], counterpart=people[1]).pair
    base = timezone.now() - dt.timedelta(days=400)
    meetings = Meeting.objects.bulk_create(
        Meeting(
            pair=pair,
            start=base + dt.timedelta(hours=3 * n),
            end=base + dt.timedelta(hours=3 * n + 1),
        )
        for n in range(count)
    )
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            person=people[n % len(people)],
            start=meeting.start,
            end=meeting.end,
            active=False,
        )
        for n, meeting in enumerate(meetings)
    )
