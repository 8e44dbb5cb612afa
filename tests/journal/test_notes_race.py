"""Two saves of the same shared notes at the same moment, on real PostgreSQL row locks.

The second save waits for the first to commit and then sees that its base version is
old: it is merged or kept as a conflict, never written over the first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from journal import services
from journal.models import SharedNote, SharedNoteVersion
from journal.services import NotesOutcome
from people.models import User
from tests.journal.factories import pair_with_meeting

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def _in_thread(
    work: Callable[[], object], results: dict[str, object], key: str
) -> threading.Thread:
    def run() -> None:
        try:
            results[key] = work()
        except Exception as error:  # reported by the assertions
            results[key] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_save_in_flight_makes_the_other_wait_and_then_conflict(
    mentee: User, mentor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pair, meeting = pair_with_meeting(mentee, mentor)
    services.shared_notes_save(meeting=meeting, by=mentee, text="Start", base_version=0)
    written, release = threading.Event(), threading.Event()
    write = services._notes_write

    def held_open(note: SharedNote, **kwargs: Any) -> None:
        write(note, **kwargs)
        if kwargs["by"] == mentee:  # keep the mentee's transaction, and its lock, open
            written.set()
            assert release.wait(timeout=10)

    monkeypatch.setattr(services, "_notes_write", held_open)
    results: dict[str, object] = {}
    first = _in_thread(
        lambda: services.shared_notes_save(
            meeting=meeting, by=mentee, text="Mentee's line", base_version=1
        ),
        results,
        "mentee",
    )
    assert written.wait(timeout=10)
    second = _in_thread(
        lambda: services.shared_notes_save(
            meeting=meeting, by=mentor, text="Mentor's line", base_version=1
        ),
        results,
        "mentor",
    )
    second.join(timeout=0.5)
    assert second.is_alive()  # waiting for the mentee's row lock
    release.set()
    first.join(timeout=10)
    second.join(timeout=10)
    assert getattr(results["mentee"], "outcome", results["mentee"]) is NotesOutcome.SAVED
    assert getattr(results["mentor"], "outcome", results["mentor"]) is NotesOutcome.CONFLICT
    assert SharedNote.objects.get().text == "Mentee's line"
    kept = SharedNoteVersion.objects.get(kind=SharedNoteVersion.Kind.KEPT)
    assert (kept.author, kept.text) == (mentor, "Mentor's line")
