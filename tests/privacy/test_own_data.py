"""A person's own data: the export holds theirs and never another person's private notes;
erasure leaves an erased person's private note text nowhere in the database."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from journal.models import PrivateNote, SharedNote
from matching.models import Pair
from people.archive import archive_bytes
from people.models import User
from people.own_data import person_erase
from tests.privacy.scan import columns_containing
from tests.privacy.world import build_proof_world

pytestmark = pytest.mark.django_db


def _archive(person: User) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(archive_bytes(person, now=timezone.now()))) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_export_holds_the_pairs_content_and_own_private_notes_only(
    personas: dict[str, User | None],
) -> None:
    world = build_proof_world(personas, emails=False)
    own = world.pairs["own"].canaries
    shared = ("agenda", "shared_notes", "goal_title", "progress_note", "expectations",
              "shared_focus")  # fmt: skip
    for persona, private, counterpart in (
        ("mentee", "private_mentee", "private_mentor"),
        ("mentor", "private_mentor", "private_mentee"),
    ):
        files = _archive(personas[persona])  # type: ignore[arg-type]
        assert set(files) == {"data.json", "index.html", "meetings.ics"}
        data = json.loads(files["data.json"])
        assert {"people", "programs", "matching", "meetings", "journal"} <= set(data)
        for part in ("data.json", "index.html"):
            for field in (*shared, private):
                assert own[field] in files[part], f"{field} missing from {persona}'s {part}"
            assert own[counterpart] not in files[part], f"{persona} got the other's notes"
            for other in ("same_program", "other_program"):
                for canary in world.pairs[other].canaries.values():
                    assert canary not in files[part]
        assert own["place"] in files["meetings.ics"]
    # A mentor's reason for declining a request is the mentor's own, never the mentee's.
    assert own["decline_reason"] in _archive(personas["mentor"])["data.json"]  # type: ignore[arg-type]
    assert own["decline_reason"] not in _archive(personas["mentee"])["data.json"]  # type: ignore[arg-type]


def test_an_erased_persons_private_note_is_nowhere_in_the_database(
    personas: dict[str, User | None],
) -> None:
    world = build_proof_world(personas, emails=False)
    mentee, mentor, hr = personas["mentee"], personas["mentor"], personas["hr_admin"]
    assert mentee
    assert mentor
    assert hr
    canary, email, mentee_id = (
        world.pairs["own"].canaries["private_mentee"],
        mentee.email,
        mentee.pk,
    )
    assert columns_containing(canary) == ["journal_privatenote.text"]  # the scan sees it

    person_erase(person=mentee, by=hr)

    assert columns_containing(canary) == []
    assert columns_containing(email) == []
    assert not User.objects.filter(pk=mentee_id).exists()
    # The counterpart keeps the pair's shared content, and their own private note.
    own = world.pairs["own"]
    assert SharedNote.objects.get(meeting=own.meeting).text == own.canaries["shared_notes"]
    assert PrivateNote.objects.filter(author=mentor).exists()
    pair = Pair.objects.select_related("mentee__person").get(pk=own.pair.pk)
    assert pair.status == Pair.Status.ENDED
    assert pair.mentee.person.is_stand_in
    assert pair.mentee.goals == ""
    [row] = AuditEvent.objects.filter(action=Action.PERSON_ERASED)
    assert (row.actor_id, row.target_type, row.target_id) == (hr.pk, "person", mentee_id)
    assert email not in json.dumps(row.details)


def test_when_both_members_are_erased_the_pairs_content_goes(
    personas: dict[str, User | None],
) -> None:
    world = build_proof_world(personas, emails=False)
    mentee, mentor, hr = personas["mentee"], personas["mentor"], personas["hr_admin"]
    assert mentee
    assert mentor
    assert hr
    own = world.pairs["own"]
    person_erase(person=mentee, by=hr)
    assert SharedNote.objects.filter(meeting=own.meeting).exists()
    person_erase(person=mentor, by=hr)
    for field in ("shared_notes", "agenda", "goal_title", "expectations", "notes_history"):
        assert columns_containing(own.canaries[field]) == [], field


def test_the_mentor_sees_a_former_participant_as_the_author(
    personas: dict[str, User | None],
) -> None:
    world = build_proof_world(personas, emails=False)
    mentee, mentor, hr = personas["mentee"], personas["mentor"], personas["hr_admin"]
    assert mentee
    assert mentor
    assert hr
    name = mentee.full_name
    person_erase(person=mentee, by=hr)
    client = Client()
    client.force_login(mentor)
    page = client.get(
        reverse("journal:meeting", kwargs={"meeting_id": world.pairs["own"].meeting.pk})
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "A former participant" in text
    assert name not in text
