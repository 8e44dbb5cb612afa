"""Journal pages, persona by persona: only the pair; private notes only their author."""

from __future__ import annotations

import zoneinfo

import pytest
from django.contrib.admin import site
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal import models as journal_models
from journal import services
from journal.models import (
    AgendaItem,
    Agreement,
    Goal,
    GoalUpdate,
    PrivateNote,
    SharedFocus,
    SharedNote,
)
from lib.outbox import OutboxRow
from meetings.services import meeting_schedule
from people.models import User
from programs.models import FocusSuggestion
from tests.factories import UserFactory
from tests.journal.factories import pair_with_meeting
from tests.meetings.factories import when

pytestmark = pytest.mark.django_db

MISSING = 987654


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _same_as_missing(client: Client, name: str, real: int, key: str, post: bool = False) -> None:
    method = client.post if post else client.get
    response = method(reverse(name, kwargs={key: real}))
    missing = method(reverse(name, kwargs={key: MISSING}))
    assert response.status_code == 404
    assert response.content == missing.content


# ---------------------------------------------------------------- the pair page


def test_both_people_of_the_pair_see_its_journal(mentee: User, mentor: User) -> None:
    pair, _meeting = pair_with_meeting(mentee, mentor)
    services.goal_add(pair=pair, by=mentee, title="Speak up in design reviews")
    for person in (mentee, mentor):
        response = _client(person).get(reverse("journal:pair", args=[pair.pk]))
        assert response.status_code == 200
        assert "Speak up in design reviews" in response.content.decode()
        assert "not performance objectives" in response.content.decode()


@pytest.mark.parametrize("persona", ["manager", "hr_admin", "outsider"])
def test_people_outside_the_pair_get_a_missing_ids_404(
    personas: dict[str, User | None], persona: str
) -> None:
    mentee, mentor = personas["mentee"], personas["mentor"]
    assert mentee
    assert mentor
    pair, meeting = pair_with_meeting(mentee, mentor)
    goal = services.goal_add(pair=pair, by=mentee, title="G")
    item = services.agenda_item_add(meeting=meeting, author=mentee, text="A")
    client = _client(personas[persona])  # type: ignore[arg-type]
    _same_as_missing(client, "journal:pair", pair.pk, "pair_id")
    _same_as_missing(client, "journal:meeting", meeting.pk, "meeting_id")
    for name in ("journal:goal_add", "journal:agreement", "journal:share_focus"):
        _same_as_missing(client, name, pair.pk, "pair_id", post=True)
    _same_as_missing(client, "journal:notes_history", meeting.pk, "meeting_id")
    for name in (
        "journal:agenda_add",
        "journal:notes_save",
        "journal:notes_restore",
        "journal:private_note_save",
    ):
        _same_as_missing(client, name, meeting.pk, "meeting_id", post=True)
    _same_as_missing(client, "journal:goal_update", goal.pk, "goal_id", post=True)
    _same_as_missing(client, "journal:agenda_toggle", item.pk, "item_id", post=True)
    assert AgendaItem.objects.count() == 1
    assert not SharedNote.objects.exists()
    assert not PrivateNote.objects.exists()


def test_the_mentors_manager_gets_a_missing_ids_404(mentee: User, mentor: User) -> None:
    boss = UserFactory(full_name="Mentor's Boss")
    mentor.manager = boss
    mentor.save()
    pair, meeting = pair_with_meeting(mentee, mentor)
    client = _client(boss)
    _same_as_missing(client, "journal:pair", pair.pk, "pair_id")
    _same_as_missing(client, "journal:meeting", meeting.pk, "meeting_id")


def test_mentee_adds_a_goal(mentee: User, mentor: User) -> None:
    pair, _meeting = pair_with_meeting(mentee, mentor)
    client = _client(mentee)
    response = client.post(
        reverse("journal:goal_add", args=[pair.pk]), {"title": "Lead a project", "description": ""}
    )
    assert response.status_code == 302
    assert Goal.objects.get().title == "Lead a project"
    assert "Goal added." in [str(m) for m in get_messages(response.wsgi_request)]


def test_mentor_cannot_add_a_goal_or_share_focus(mentee: User, mentor: User) -> None:
    pair, _meeting = pair_with_meeting(mentee, mentor)
    client = _client(mentor)
    _same_as_missing(client, "journal:goal_add", pair.pk, "pair_id", post=True)
    _same_as_missing(client, "journal:share_focus", pair.pk, "pair_id", post=True)
    assert not Goal.objects.exists()
    page = client.get(reverse("journal:pair", args=[pair.pk])).content.decode()
    assert reverse("journal:goal_add", args=[pair.pk]) not in page


def test_goal_without_title_keeps_the_input_and_changes_nothing(mentee: User, mentor: User) -> None:
    pair, _meeting = pair_with_meeting(mentee, mentor)
    response = _client(mentee).post(
        reverse("journal:goal_add", args=[pair.pk]), {"title": "", "description": "Kept text"}
    )
    assert response.status_code == 400
    assert "Kept text" in response.content.decode()
    assert not Goal.objects.exists()


def test_mentor_adds_a_progress_note_and_status(mentee: User, mentor: User) -> None:
    pair, _meeting = pair_with_meeting(mentee, mentor)
    goal = services.goal_add(pair=pair, by=mentee, title="G")
    response = _client(mentor).post(
        reverse("journal:goal_update", args=[goal.pk]), {"status": "achieved", "note": "Well done"}
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == "achieved"
    assert GoalUpdate.objects.get().text == "Well done"


def test_goal_update_without_change_is_refused_with_a_message(mentee: User, mentor: User) -> None:
    pair, _meeting = pair_with_meeting(mentee, mentor)
    goal = services.goal_add(pair=pair, by=mentee, title="G")
    response = _client(mentor).post(
        reverse("journal:goal_update", args=[goal.pk]), {"status": "not_started", "note": ""}
    )
    assert response.status_code == 400
    assert "Change the status or write a progress note." in response.content.decode()
    assert not GoalUpdate.objects.exists()


def test_both_acknowledge_and_an_edit_resets(mentee: User, mentor: User) -> None:
    pair, _meeting = pair_with_meeting(mentee, mentor)
    url = reverse("journal:agreement", args=[pair.pk])
    _client(mentee).post(url, {"action": "acknowledge"})
    _client(mentor).post(url, {"action": "acknowledge"})
    agreement = Agreement.objects.get()
    acknowledged = set(agreement.acknowledgements.values_list("person_id", flat=True))
    assert acknowledged == {mentee.pk, mentor.pk}
    page = _client(mentee).get(reverse("journal:pair", args=[pair.pk])).content.decode()
    assert 'value="acknowledge"' not in page
    assert page.count('badge-success">Acknowledged</span>') == 2  # both shown as acknowledged
    response = _client(mentor).post(
        url,
        {"action": "save", "expectations": "Be honest", "cadence": "Monthly",
         "confidentiality": agreement.confidentiality},
    )  # fmt: skip
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert not agreement.acknowledgements.exists()
    assert agreement.expectations == "Be honest"


def test_agreement_without_confidentiality_is_refused(mentee: User, mentor: User) -> None:
    pair, _meeting = pair_with_meeting(mentee, mentor)
    response = _client(mentor).post(
        reverse("journal:agreement", args=[pair.pk]),
        {"action": "save", "expectations": "Keep me", "cadence": "", "confidentiality": ""},
    )
    assert response.status_code == 400
    assert "Keep me" in response.content.decode()
    assert not Agreement.objects.exists()


def test_mentee_shares_a_suggestion_and_the_mentor_sees_it(
    mentee: User, mentor: User, manager: User
) -> None:
    pair, _meeting = pair_with_meeting(mentee, mentor)
    suggestion = FocusSuggestion.objects.create(manager=manager, report=mentee, text="Negotiation")
    page = _client(mentor).get(reverse("journal:pair", args=[pair.pk])).content.decode()
    assert "Negotiation" not in page  # not shared yet: the report's alone
    assert (
        "Share with my mentor"
        in _client(mentee).get(reverse("journal:pair", args=[pair.pk])).content.decode()
    )
    response = _client(mentee).post(
        reverse("journal:share_focus", args=[pair.pk]), {"suggestion": suggestion.pk}
    )
    assert response.status_code == 302
    assert SharedFocus.objects.get().text == "Negotiation"
    page = _client(mentor).get(reverse("journal:pair", args=[pair.pk])).content.decode()
    assert "Negotiation" in page


def test_sharing_someone_elses_suggestion_is_refused(
    mentee: User, mentor: User, manager: User
) -> None:
    pair, _meeting = pair_with_meeting(mentee, mentor)
    other = FocusSuggestion.objects.create(manager=manager, report=mentor, text="Not yours")
    for value in (other.pk, "abc"):
        response = _client(mentee).post(
            reverse("journal:share_focus", args=[pair.pk]), {"suggestion": value}
        )
        assert response.status_code == 302
        assert "can no longer be shared" in str(next(iter(get_messages(response.wsgi_request))))
    assert not SharedFocus.objects.exists()


# ---------------------------------------------------------------- the meeting page


def test_meeting_time_is_shown_in_the_viewers_zone(mentee: User, mentor: User) -> None:
    mentor.time_zone = "America/New_York"
    mentor.save()
    _pair, meeting = pair_with_meeting(mentee, mentor)  # 10:00 in Berlin
    mentee_page = _client(mentee).get(reverse("journal:meeting", args=[meeting.pk]))
    mentor_page = _client(mentor).get(reverse("journal:meeting", args=[meeting.pk]))
    start = meeting.start.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    assert ", 10:00" in mentee_page.content.decode()  # a 24-hour clock, in English too
    assert f", {start:%H:%M}" in mentor_page.content.decode()


def test_both_add_agenda_items_and_tick_them(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    url = reverse("journal:agenda_add", args=[meeting.pk])
    assert _client(mentee).post(url, {"text": "Feedback culture"}).status_code == 302
    assert _client(mentor).post(url, {"text": "Reading list"}).status_code == 302
    item = AgendaItem.objects.get(text="Reading list")
    assert _client(mentee).post(reverse("journal:agenda_toggle", args=[item.pk])).status_code == 302
    item.refresh_from_db()
    assert item.done
    page = _client(mentor).get(reverse("journal:meeting", args=[meeting.pk])).content.decode()
    assert "Feedback culture" in page
    assert 'aria-pressed="true"' in page


def _agenda_entry(page: str, pk: int) -> str:
    start = page.index(f'id="item-{pk}"')
    return page[start : page.index("</li>", start)]


def test_an_agenda_items_state_is_written_out_not_only_drawn(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    done = services.agenda_item_add(meeting=meeting, author=mentee, text="Feedback culture")
    services.agenda_item_toggle(item=done, by=mentor)
    open_item = services.agenda_item_add(meeting=meeting, author=mentor, text="Reading list")
    page = _client(mentee).get(reverse("journal:meeting", args=[meeting.pk])).content.decode()
    done_entry, open_entry = _agenda_entry(page, done.pk), _agenda_entry(page, open_item.pk)
    assert '<span class="badge badge-success">' in done_entry
    assert "Done</span>" in done_entry
    assert "To talk about</span>" in open_entry
    assert "Done</span>" not in open_entry


def test_ticking_an_item_returns_to_that_item(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    item = services.agenda_item_add(meeting=meeting, author=mentee, text="Feedback culture")
    response = _client(mentor).post(reverse("journal:agenda_toggle", args=[item.pk]))
    assert response["Location"].endswith(f"#item-{item.pk}")


def test_empty_agenda_item_keeps_the_page_and_changes_nothing(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    response = _client(mentee).post(reverse("journal:agenda_add", args=[meeting.pk]), {"text": " "})
    assert response.status_code == 400
    assert "field--invalid" in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_shared_notes_are_shared(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    response = _client(mentee).post(
        reverse("journal:notes_save", args=[meeting.pk]),
        {"text": "We talked about X", "base_version": 0},
    )
    assert response.status_code == 302
    page = _client(mentor).get(reverse("journal:meeting", args=[meeting.pk])).content.decode()
    assert "We talked about X" in page


def test_private_note_is_seen_only_by_its_author(mentee: User, mentor: User) -> None:
    pair, meeting = pair_with_meeting(mentee, mentor)
    response = _client(mentee).post(
        reverse("journal:private_note_save", args=[meeting.pk]), {"text": "I feel stuck"}
    )
    assert response.status_code == 302
    assert PrivateNote.objects.get().author == mentee
    mine = _client(mentee).get(reverse("journal:meeting", args=[meeting.pk])).content.decode()
    assert "I feel stuck" in mine
    for url in (
        reverse("journal:meeting", args=[meeting.pk]),
        reverse("journal:pair", args=[pair.pk]),
    ):
        assert "I feel stuck" not in _client(mentor).get(url).content.decode()


def test_mentors_private_note_save_does_not_touch_the_mentees(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    services.private_note_save(meeting=meeting, author=mentee, text="Mentee's own")
    _client(mentor).post(reverse("journal:private_note_save", args=[meeting.pk]), {"text": "Mine"})
    assert PrivateNote.objects.get(author=mentee).text == "Mentee's own"


def test_get_on_a_post_route_is_refused(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    response = _client(mentee).get(reverse("journal:agenda_add", args=[meeting.pk]))
    assert response.status_code == 405


# ---------------------------------------------------------------- queries and admin


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_pair_page_queries_do_not_grow(mentee: User, mentor: User, manager: User) -> None:
    pair, meeting = pair_with_meeting(mentee, mentor)
    client = _client(mentee)
    url = reverse("journal:pair", args=[pair.pk])

    def grow(n: int) -> None:
        for i in range(n):
            goal = services.goal_add(pair=pair, by=mentee, title=f"G{i}")
            services.goal_update(goal=goal, by=mentor, note=f"N{i}")
            FocusSuggestion.objects.create(manager=manager, report=mentee, text=f"S{i}")

    grow(3)
    few = _queries(client, url)
    grow(30)
    for week in range(2, 12):
        day = meeting.start.date().replace(day=1)
        meeting_schedule(
            pair=pair, organiser=mentee, when=when(day.replace(year=day.year + 1), hour=week)
        )
    assert _queries(client, url) == few


def test_meeting_page_queries_do_not_grow(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    client = _client(mentor)
    url = reverse("journal:meeting", args=[meeting.pk])
    for i in range(3):
        services.agenda_item_add(meeting=meeting, author=mentee, text=f"A{i}")
    few = _queries(client, url)
    for i in range(60):
        services.agenda_item_add(meeting=meeting, author=mentor, text=f"B{i}")
    assert _queries(client, url) == few


def test_no_journal_model_but_its_outbox_row_is_in_the_admin() -> None:
    registered = {model for model in site._registry if model._meta.app_label == "journal"}
    assert registered == {journal_models.RetentionMail}
    assert issubclass(journal_models.RetentionMail, OutboxRow)
    assert {f.name for f in journal_models.RetentionMail._meta.get_fields()} <= {
        "id",
        "notice",
        "recipient",
        "due_at",
        "status",
        "attempts",
        "claimed_at",
        "sent_at",
    }
    assert journal_models.AgendaItem._meta.app_label == "journal"
