"""My team's mentoring time: who gets in, what it shows, and what it never shows."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from lib.page_cache import PAGES
from manager_view.views import _day_label
from matching.services import pair_end
from meetings.schedule import MeetingSlot, meeting_slots_for_manager
from meetings.services import meeting_cancel, meeting_reschedule
from people.models import User
from tests.factories import UserFactory, make_hr_admin
from tests.manager_view.helpers import canaries, client_for, meet, window_monday
from tests.meetings.factories import when

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


def test_a_cancelled_meeting_is_struck_through_with_a_status_word_in_both_views(
    manager: User, mentee: User
) -> None:
    meeting = meet(mentee)
    meeting_cancel(meeting=meeting, by=mentee)
    client = client_for(manager)
    week = client.get(TEAM).content.decode()
    assert 'class="slot slot--cancelled"><del class="slot__time">' in week
    assert '<span class="slot__status">Cancelled</span>' in week
    listed = client.get(TEAM, {"view": "list"}).content.decode()
    assert '<del class="report__time">' in listed
    assert '<span class="badge badge-neutral">Cancelled</span>' in listed


def test_a_report_without_meetings_shows_as_such_in_both_views(manager: User, mentee: User) -> None:
    meet(UserFactory(full_name="Busy Bee", manager=manager))
    client = client_for(manager)
    week = client.get(TEAM).content.decode()
    assert f"No mentoring meetings in this window:</strong> {mentee.full_name}" in week
    listed = client.get(TEAM, {"view": "list"}).content.decode()
    card = listed[listed.index(f'id="report-{mentee.pk}"') :]
    assert card.index("No mentoring meetings in this window") < card.index("</section>")
    assert reverse("programs:nominate", kwargs={"person_id": mentee.pk}) in listed
    assert reverse("programs:suggest_focus", kwargs={"person_id": mentee.pk}) in listed


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


# ---------------------------------------------------------------- week view or list


def test_the_week_view_is_the_default_and_the_switcher_marks_it(
    manager: User, mentee: User
) -> None:
    meet(mentee)
    body = client_for(manager).get(TEAM).content.decode()
    assert '<h2 id="week-title">Week view</h2>' in body
    assert 'id="list-title"' not in body
    assert f'href="{TEAM}?view=week" aria-current="page"' in body
    assert f'href="{TEAM}?view=list">' in body
    assert body.count('aria-current="page"') == 2  # the switcher and the main navigation


def test_the_list_view_shows_each_report_with_actions_and_no_week_grid(
    manager: User, mentee: User
) -> None:
    meeting = meet(mentee, days=3, hour=9)
    body = client_for(manager).get(TEAM, {"view": "list"}).content.decode()
    assert '<h2 id="list-title">By person</h2>' in body
    assert 'id="week-title"' not in body
    assert 'class="week"' not in body
    assert f'href="{TEAM}?view=list" aria-current="page"' in body
    local = timezone.localtime(meeting.start, zoneinfo.ZoneInfo(manager.time_zone))
    assert f'datetime="{local.isoformat(timespec="minutes")}"' in body
    assert f"{local:%H:%M}\u2013" in body
    assert 'class="badge badge-success">Scheduled<' in body
    assert reverse("programs:nominate", kwargs={"person_id": mentee.pk}) in body


@pytest.mark.parametrize("view", ["week", "list"])
def test_each_meeting_is_drawn_once(manager: User, mentee: User, view: str) -> None:
    meeting = meet(mentee, days=2, hour=11)
    local = timezone.localtime(meeting.start, zoneinfo.ZoneInfo(manager.time_zone))
    body = client_for(manager).get(TEAM, {"view": view}).content.decode()
    assert body.count(f'datetime="{local.isoformat(timespec="minutes")}"') == 1


def test_the_switcher_and_the_window_keep_each_other(manager: User, mentee: User) -> None:
    later = window_monday() + dt.timedelta(days=28)
    body = client_for(manager).get(TEAM, {"view": "list", "start": later}).content.decode()
    assert f'href="{TEAM}?start={later}&amp;view=week"' in body
    assert f'href="{TEAM}?start={later}&amp;view=list" aria-current="page"' in body
    assert f'href="?start={later + dt.timedelta(days=14)}&amp;view=list" rel="next"' in body
    assert f'href="?start={later - dt.timedelta(days=14)}&amp;view=list" rel="prev"' in body
    assert f'href="?start={window_monday()}&amp;view=list">This week<' in body


def test_an_unknown_view_falls_back_to_the_week_view_with_a_message(
    manager: User, mentee: User
) -> None:
    response = client_for(manager).get(TEAM, {"view": "<gantt>"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is no “&lt;gantt&gt;” view; showing the week view." in body
    assert '<h2 id="week-title">Week view</h2>' in body


# ---------------------------------------------------------------- the list, page by page


def _reports(manager: User, count: int) -> list[User]:
    """``count`` reports named so that their order on the page is their order here."""
    return [UserFactory(full_name=f"Report {n:03d}", manager=manager) for n in range(count)]


def _cards(body: str) -> int:
    return body.count('<section class="card report"')


def test_the_list_is_paged_by_person_with_links_to_follow(manager: User) -> None:
    people = _reports(manager, 45)  # pages of 20, 20 and 5 people
    client = client_for(manager)
    first = client.get(TEAM, {"view": "list"}).content.decode()
    assert _cards(first) == 20
    assert "People 1\u201320 of 45" in first
    assert "Page 1 of 3" in first
    assert people[0].full_name in first
    assert people[20].full_name not in first
    assert f'href="{TEAM}?view=list&amp;page=2" rel="next"' in first
    assert 'rel="prev">' not in first.split('class="pager"')[1]

    last = client.get(f"{TEAM}?view=list&page=3").content.decode()
    assert _cards(last) == 5
    assert "People 41\u201345 of 45" in last
    assert people[44].full_name in last
    assert f'href="{TEAM}?view=list&amp;page=2" rel="prev"' in last
    assert 'rel="next">' not in last.split('class="pager"')[1]


def test_a_short_list_has_no_pager(manager: User, mentee: User) -> None:
    body = client_for(manager).get(TEAM, {"view": "list"}).content.decode()
    assert 'class="pager"' not in body
    assert "People 1\u2013" not in body


def test_a_page_renders_at_most_the_row_budget(
    manager: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("manager_view.views.LIST_ROW_BUDGET", 3)
    busy, _idle, busiest = _reports(manager, 3)
    for day in (1, 2):
        meet(busy, days=day)
    for day in (1, 2, 3, 4):
        meet(busiest, days=day)
    client = client_for(manager)

    def page(number: int) -> str:
        return client.get(TEAM, {"view": "list", "page": number}).content.decode()

    one, two = page(1), page(2)
    assert _cards(one) == 2  # Report 000: 2 rows, Report 001: 1 row saying "no meetings"
    assert one.count('<li class="report__slot') == 2
    assert "Page 1 of 2" in one
    assert _cards(two) == 1  # Report 002 alone, cut at the budget with a note
    assert two.count('<li class="report__slot') == 3
    assert "1 more meeting in this window is not shown." in two


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("two", "Enter the page as a whole number; showing the first page."),
        ("0", "Pages start at 1; showing the first page."),
        ("99", "There is no page 99; showing the last page."),
    ],
)
def test_a_bad_page_gets_a_message_and_a_real_page(manager: User, page: str, message: str) -> None:
    _reports(manager, 25)
    response = client_for(manager).get(TEAM, {"view": "list", "page": page})
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    expected = "Page 2 of 2" if page == "99" else "Page 1 of 2"
    assert expected in body


def test_the_privacy_crawl_reaches_the_list_and_its_pages_by_links(manager: User) -> None:
    """The canary crawl follows site-absolute links only: the switcher and the pager must
    be such links, or the list view would escape the privacy proof."""
    from tests.privacy.crawl import crawl

    _reports(manager, 25)
    result = crawl(client_for(manager), [TEAM], max_pages=150)
    for url in (f"{TEAM}?view=week", f"{TEAM}?view=list", f"{TEAM}?view=list&page=2"):
        assert result.pages[url].status == 200, url
    assert "People 21\u201325 of 25" in result.pages[f"{TEAM}?view=list&page=2"].text


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


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("0001-01-03", "Choose a start date between 1900 and 2999."),
        ("9999-12-27", "Choose a start date between 1900 and 2999."),
        ("2026-02-30", "Enter the start date as YYYY-MM-DD"),
    ],
)
@pytest.mark.parametrize("view", ["week", "list"])
def test_a_start_date_no_calendar_can_show_falls_back_with_a_message(
    manager: User, mentee: User, start: str, message: str, view: str
) -> None:
    response = client_for(manager).get(TEAM, {"start": start, "view": view})
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert f"?start={(window_monday() + dt.timedelta(days=14)).isoformat()}" in body


# ---------------------------------------------------------------- query budget


def _team_of(manager: User, size: int) -> None:
    for n in range(size):
        report = UserFactory(manager=manager)
        meet(report, days=1 + n % 7, hour=8 + n // 7)


def _queries(manager: User, query: dict[str, str], *, rendered: bool) -> int:
    """Queries of one request for the team page: drawn afresh, or as kept rendered."""
    client = client_for(manager)
    client.get(TEAM, query)  # warm the session (and the page cache)
    if rendered:
        caches[PAGES].clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(TEAM, query).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("rendered", [True, False], ids=["rendered", "kept"])
@pytest.mark.parametrize(
    "query",
    [{}, {"view": "list"}, {"view": "list", "page": "2"}, {"view": "list", "page": "x"}],
    ids=["week", "list", "list page 2", "list bad page"],
)
def test_the_page_runs_the_same_number_of_queries_for_5_and_50_reports(
    db: None, query: dict[str, str], rendered: bool
) -> None:
    small, large = UserFactory(), UserFactory()
    _team_of(small, 5)
    _team_of(large, 50)
    # With 5 reports there is no page 2: the message that says so keeps that page out of
    # the cache, so both are compared as drawn.
    drawn = rendered or query.get("page") == "2"
    assert _queries(small, query, rendered=drawn) == _queries(large, query, rendered=drawn)


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


# ---------------------------------------------------------------- the page kept rendered


def test_an_unchanged_page_is_served_without_reading_the_meetings(
    manager: User, mentee: User
) -> None:
    meet(mentee, hour=9)
    client = client_for(manager)
    client.get(MISSING)  # the session's own queries out of the way
    with CaptureQueriesContext(connection) as drawn:
        first = client.get(TEAM).content.decode()
    with CaptureQueriesContext(connection) as kept:
        again = client.get(TEAM).content.decode()
    assert any("meetings_attendance" in q["sql"] for q in drawn.captured_queries)
    # The session, the user and the roles with the reports' schedule revisions: no more.
    assert len(kept.captured_queries) == 3
    assert not any("meetings_" in q["sql"] for q in kept.captured_queries)
    assert "09:00" in first
    assert "09:00" in again
    assert mentee.full_name in again


def _token(body: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert match, "no CSRF token on the page"
    return match.group(1)


def test_a_kept_page_carries_a_fresh_working_token_for_signing_out(
    manager: User, mentee: User
) -> None:
    client = client_for(manager)
    client.handler.enforce_csrf_checks = True
    first, kept = (client.get(TEAM).content.decode() for _ in range(2))
    assert _token(first) != _token(kept)  # a new mask for the same secret, as usual
    response = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": _token(kept)})
    assert response.status_code == 302
    assert client.get(TEAM).status_code == 302  # signed out: sent to sign in


def test_a_message_is_shown_once_and_never_kept_with_the_page(manager: User, mentee: User) -> None:
    client = client_for(manager)
    client.get(TEAM)
    client.post(reverse("manager_view:feed_reset"))
    with_message = client.get(TEAM).content.decode()
    after = client.get(TEAM).content.decode()
    assert "Your team feed has a new address." in with_message
    assert "Your team feed has a new address." not in after


def test_a_new_role_shows_in_the_navigation_on_the_next_request(
    manager: User, mentee: User
) -> None:
    hr_pages = f'href="{reverse("programs:hr_list")}"'
    _shows_after(manager, lambda: make_hr_admin(manager), shown=hr_pages)


def test_the_managers_new_name_shows_on_the_next_request(manager: User, mentee: User) -> None:
    def rename() -> None:
        manager.full_name = "Maria Renamed"
        manager.save(update_fields=["full_name"])

    _shows_after(manager, rename, shown="Maria Renamed")


def _shows_after(
    manager: User, change: Callable[[], object], *, shown: str, gone: str | None = None
) -> None:
    """The page before and after ``change``: what it shows next is the new state."""
    client = client_for(manager)
    before = client.get(TEAM).content.decode()
    assert shown not in before
    if gone is not None:
        assert gone in before
    change()
    after = client.get(TEAM).content.decode()
    assert shown in after
    if gone is not None:
        assert gone not in after


def test_a_moved_meeting_shows_its_new_time_on_the_next_request(
    manager: User, mentee: User
) -> None:
    meeting = meet(mentee, days=2, hour=9)
    day = timezone.localdate() + dt.timedelta(days=2)
    _shows_after(
        manager,
        lambda: meeting_reschedule(meeting=meeting, by=mentee, when=when(day, 14), place=""),
        gone=">09:00",
        shown=">14:00",
    )


def test_a_cancelled_meeting_shows_as_cancelled_on_the_next_request(
    manager: User, mentee: User
) -> None:
    meeting = meet(mentee, days=2, hour=9)
    _shows_after(
        manager,
        lambda: meeting_cancel(meeting=meeting, by=mentee),
        gone='<li class="slot">',
        shown="slot--cancelled",
    )


def test_a_new_meeting_and_a_renamed_report_show_on_the_next_request(
    manager: User, mentee: User
) -> None:
    meet(mentee, days=2, hour=9)
    _shows_after(manager, lambda: meet(mentee, days=3, hour=16), shown=">16:00")

    def rename() -> None:
        mentee.full_name = "Renamed Report"
        mentee.save(update_fields=["full_name"])

    old_name = mentee.full_name
    _shows_after(manager, rename, gone=old_name, shown="Renamed Report")


def _today_label(body: str) -> str:
    marked = re.search(r'<h3 class="week__date">([^<]+) <span class="badge badge-info">', body)
    assert marked, "no day marked as today"
    return marked.group(1)


def test_a_new_day_moves_the_today_mark_on_the_next_request(manager: User, mentee: User) -> None:
    client = client_for(manager)
    window = {"start": window_monday().isoformat()}  # tomorrow is in it, whatever the day
    today = client.get(TEAM, window).content.decode()
    tomorrow = timezone.now() + dt.timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=tomorrow):
        next_day = client.get(TEAM, window).content.decode()
    zone = zoneinfo.ZoneInfo(manager.time_zone)
    assert _today_label(today) == _day_label(timezone.localdate(timezone=zone))
    assert _today_label(next_day) == _day_label(timezone.localdate(tomorrow, zone))


def test_a_pair_that_ends_shows_its_meetings_cancelled_on_the_next_request(
    manager: User, mentee: User
) -> None:
    meeting = meet(mentee, days=2, hour=9)
    _shows_after(
        manager,
        lambda: pair_end(pair=meeting.pair),
        gone='<li class="slot">',
        shown="slot--cancelled",
    )


def test_the_managers_own_time_zone_applies_at_once(manager: User, mentee: User) -> None:
    manager.time_zone = "UTC"
    manager.save(update_fields=["time_zone"])
    meeting = meet(mentee, days=2, hour=9)  # 09:00 in Berlin
    utc = meeting.start.astimezone(dt.UTC).strftime("%H:%M")
    tokyo = meeting.start.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo")).strftime("%H:%M")

    def move_manager() -> None:
        manager.time_zone = "Asia/Tokyo"
        manager.save(update_fields=["time_zone"])

    _shows_after(manager, move_manager, gone=f">{utc}", shown=f">{tokyo}")


def test_the_managers_own_language_applies_at_once(manager: User, mentee: User) -> None:
    manager.language = "en"
    manager.save(update_fields=["language"])
    meet(mentee, days=2, hour=9)

    def speak_german() -> None:
        manager.language = "de"
        manager.save(update_fields=["language"])

    with translation.override("de"):
        german = _day_label(timezone.localdate() + dt.timedelta(days=2))
    _shows_after(manager, speak_german, shown=german)


def test_two_managers_never_share_a_cached_schedule(manager: User, mentee: User) -> None:
    other_manager = UserFactory(full_name="Other Manager")
    other_report = UserFactory(full_name="Other Report", manager=other_manager)
    meet(mentee, days=2, hour=9)
    meet(other_report, days=2, hour=9)
    mine = client_for(manager).get(TEAM).content.decode()
    theirs = client_for(other_manager).get(TEAM).content.decode()
    assert mentee.full_name in mine
    assert "Other Report" not in mine
    assert "Other Report" in theirs
    assert mentee.full_name not in theirs
