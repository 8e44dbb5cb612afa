"""Shared notes edited by both people at once (issue 12): no save based on an older
version overwrites a newer one; edits apart are merged, edits of the same lines are
shown side by side, and every text stays in a history the pair can restore from.
"""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal import services
from journal.models import SharedNote, SharedNoteVersion
from journal.services import NotesOutcome
from meetings.models import Meeting
from people.models import User
from tests.factories import UserFactory
from tests.journal.factories import pair_with_meeting

pytestmark = pytest.mark.django_db

BASE = "Goals\nTry saying no once\nRead the book\nNext time: feedback"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _save(client: Client, meeting: Meeting, text: str, base_version: int) -> object:
    return client.post(
        reverse("journal:notes_save", args=[meeting.pk]),
        {"text": text, "base_version": base_version},
    )


def _history(meeting: Meeting) -> list[tuple[int | None, str, str]]:
    rows = SharedNoteVersion.objects.filter(meeting=meeting).order_by("pk")
    return [(v.version, v.kind, v.text) for v in rows]


# ---------------------------------------------------------------- the service


def test_each_save_is_a_new_version_in_the_history(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    first = services.shared_notes_save(meeting=meeting, by=mentee, text="One", base_version=0)
    second = services.shared_notes_save(meeting=meeting, by=mentor, text="Two", base_version=1)
    assert (first.outcome, second.outcome) == (NotesOutcome.SAVED, NotesOutcome.SAVED)
    assert SharedNote.objects.get().version == 2
    assert _history(meeting) == [(1, "saved", "One"), (2, "saved", "Two")]


def test_a_stale_save_of_the_same_lines_overwrites_nothing_and_keeps_both(
    mentee: User, mentor: User
) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    services.shared_notes_save(meeting=meeting, by=mentee, text=BASE, base_version=0)
    mentor_text = BASE.replace("Read the book", "Read chapter 2")
    mentee_text = BASE.replace("Read the book", "Skip the book")
    services.shared_notes_save(meeting=meeting, by=mentor, text=mentor_text, base_version=1)
    result = services.shared_notes_save(
        meeting=meeting, by=mentee, text=mentee_text, base_version=1
    )
    assert result.outcome is NotesOutcome.CONFLICT
    assert SharedNote.objects.get().text == mentor_text
    assert _history(meeting)[-1] == (None, "kept", mentee_text)


def test_a_stale_save_of_other_lines_is_merged(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    services.shared_notes_save(meeting=meeting, by=mentee, text=BASE, base_version=0)
    services.shared_notes_save(
        meeting=meeting, by=mentor, text=BASE.replace("Goals", "Our goals"), base_version=1
    )
    result = services.shared_notes_save(
        meeting=meeting, by=mentee, text=BASE + "\nBring the deck", base_version=1
    )
    assert result.outcome is NotesOutcome.MERGED
    merged = BASE.replace("Goals", "Our goals") + "\nBring the deck"
    assert SharedNote.objects.get().text == merged
    assert _history(meeting)[-1] == (3, "merged", merged)


def test_the_same_unsaved_text_is_kept_once(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    services.shared_notes_save(meeting=meeting, by=mentor, text="Theirs", base_version=0)
    for _attempt in range(2):
        services.shared_notes_save(meeting=meeting, by=mentee, text="Mine", base_version=0)
    assert SharedNoteVersion.objects.filter(kind="kept").count() == 1


def test_a_version_that_does_not_exist_yet_is_refused(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    with pytest.raises(ValidationError):
        services.shared_notes_save(meeting=meeting, by=mentee, text="X", base_version=3)
    assert not SharedNote.objects.exists()
    assert not SharedNoteVersion.objects.exists()


def test_someone_outside_the_pair_cannot_save_or_restore(
    mentee: User, mentor: User, manager: User
) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    services.shared_notes_save(meeting=meeting, by=mentee, text="One", base_version=0)
    with pytest.raises(ValidationError):
        services.shared_notes_save(meeting=meeting, by=manager, text="Two", base_version=1)
    version = SharedNoteVersion.objects.get()
    with pytest.raises(ValidationError):
        services.shared_notes_restore(meeting=meeting, by=manager, version=version, base_version=1)
    assert _history(meeting) == [(1, "saved", "One")]


def test_restoring_writes_a_new_version_and_loses_nothing(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    services.shared_notes_save(meeting=meeting, by=mentee, text="One", base_version=0)
    services.shared_notes_save(meeting=meeting, by=mentor, text="Two", base_version=1)
    first = SharedNoteVersion.objects.get(version=1)
    services.shared_notes_restore(meeting=meeting, by=mentor, version=first, base_version=2)
    assert SharedNote.objects.get().text == "One"
    assert _history(meeting) == [(1, "saved", "One"), (2, "saved", "Two"), (3, "restored", "One")]


def test_restoring_from_a_stale_history_page_is_refused(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    services.shared_notes_save(meeting=meeting, by=mentee, text="One", base_version=0)
    services.shared_notes_save(meeting=meeting, by=mentor, text="Two", base_version=1)
    first = SharedNoteVersion.objects.get(version=1)
    with pytest.raises(ValidationError):
        services.shared_notes_restore(meeting=meeting, by=mentee, version=first, base_version=1)
    assert SharedNote.objects.get().text == "Two"


# ---------------------------------------------------------------- the pages


def test_two_saves_from_the_same_version_show_both_texts(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    assert _save(_client(mentor), meeting, "Mentor: try saying no", 0).status_code == 302
    response = _save(_client(mentee), meeting, "Mentee: I will try it", 0)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Mentor: try saying no" in page
    assert "Mentee: I will try it" in page
    assert "saved these notes while you were editing them" in page
    # Saving the person's text now is a choice made with both in view.
    assert 'name="base_version" value="1"' in page
    assert SharedNote.objects.get().text == "Mentor: try saying no"
    assert _history(meeting)[-1] == (None, "kept", "Mentee: I will try it")


def test_choosing_ones_own_text_after_a_conflict_saves_it(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    _save(_client(mentor), meeting, "Theirs", 0)
    _save(_client(mentee), meeting, "Mine", 0)
    response = _save(_client(mentee), meeting, "Mine and theirs", 1)
    assert response.status_code == 302
    assert SharedNote.objects.get().text == "Mine and theirs"
    texts = [text for _v, _kind, text in _history(meeting)]
    assert texts == ["Theirs", "Mine", "Mine and theirs"]  # nothing discarded


def test_edits_apart_are_merged_and_the_person_is_told(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    services.shared_notes_save(meeting=meeting, by=mentee, text=BASE, base_version=0)
    _save(_client(mentor), meeting, "Agreed: weekly\n" + BASE, 1)
    response = _save(_client(mentee), meeting, BASE + "\nBring the deck", 1)
    assert response.status_code == 302
    assert SharedNote.objects.get().text == "Agreed: weekly\n" + BASE + "\nBring the deck"
    told = [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]
    assert told == ["Shared notes saved. They had been changed meanwhile: both changes are in."]


def test_a_save_without_its_version_changes_nothing(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    services.shared_notes_save(meeting=meeting, by=mentor, text="Theirs", base_version=0)
    for data in ({"text": "Mine"}, {"text": "Mine", "base_version": "x"}):
        response = _client(mentee).post(reverse("journal:notes_save", args=[meeting.pk]), data)
        assert response.status_code == 400
    response = _save(_client(mentee), meeting, "Mine", 7)
    assert response.status_code == 400
    assert "These notes have no such version. Reload the page." in response.content.decode()
    assert _history(meeting) == [(1, "saved", "Theirs")]


def test_both_people_see_the_history_and_its_kept_texts(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    _save(_client(mentor), meeting, "Theirs", 0)
    _save(_client(mentee), meeting, "Mine, kept", 0)
    meeting_page = _client(mentee).get(reverse("journal:meeting", args=[meeting.pk]))
    assert "History: 2 versions" in meeting_page.content.decode()
    for person in (mentee, mentor):
        response = _client(person).get(reverse("journal:notes_history", args=[meeting.pk]))
        page = response.content.decode()
        assert response.status_code == 200
        assert "Theirs" in page
        assert "Mine, kept" in page
        assert "Kept from an editing conflict" in page


def test_restoring_a_kept_text_from_the_history_page(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    _save(_client(mentor), meeting, "Theirs", 0)
    _save(_client(mentee), meeting, "Mine, kept", 0)
    kept = SharedNoteVersion.objects.get(kind="kept")
    response = _client(mentee).post(
        reverse("journal:notes_restore", args=[meeting.pk]),
        {"version": kept.pk, "base_version": 1},
    )
    assert response.status_code == 302
    assert SharedNote.objects.get().text == "Mine, kept"


@pytest.mark.parametrize(
    "data",
    [{}, {"version": "abc", "base_version": "1"}, {"version": "-3", "base_version": "1"}],
)
def test_a_malformed_restore_is_refused_with_a_message(
    mentee: User, mentor: User, data: dict[str, str]
) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    _save(_client(mentor), meeting, "Theirs", 0)
    response = _client(mentee).post(reverse("journal:notes_restore", args=[meeting.pk]), data)
    assert response.status_code == 302
    told = [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]
    assert told == ["Choose a version from the list to restore."]
    assert _history(meeting) == [(1, "saved", "Theirs")]


def test_a_version_of_another_meetings_notes_is_a_missing_id(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    _other_pair, elsewhere = pair_with_meeting(UserFactory(), UserFactory())
    foreign = services.shared_notes_save(
        meeting=elsewhere, by=elsewhere.pair.mentee.person, text="Other pair", base_version=0
    )
    version = SharedNoteVersion.objects.get(meeting=elsewhere)
    url = reverse("journal:notes_restore", args=[meeting.pk])
    response = _client(mentee).post(url, {"version": version.pk, "base_version": 0})
    missing = _client(mentee).post(url, {"version": 987654, "base_version": 0})
    assert response.status_code == 404
    assert response.content == missing.content
    assert SharedNote.objects.get(meeting=elsewhere).text == foreign.note.text
    assert not SharedNote.objects.filter(meeting=meeting).exists()


def test_the_history_page_queries_do_not_grow(mentee: User, mentor: User) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    client = _client(mentor)
    url = reverse("journal:notes_history", args=[meeting.pk])

    def grow(start: int, n: int) -> None:
        for i in range(start, start + n):
            by = mentee if i % 2 else mentor
            services.shared_notes_save(meeting=meeting, by=by, text=f"Text {i}", base_version=i)

    grow(0, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    grow(2, 25)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
