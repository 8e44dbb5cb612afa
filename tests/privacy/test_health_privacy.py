"""HR's program health (issue 16): its pages, their SVG charts and the weekly digest carry
counts, dates and names, never session content or a meeting's place, and serving or sending
them never touches a journal table. Managers, mentors and mentees get the missing id's 404
(the permission matrix checks every persona; here the pages' own view of it)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hr_view.digest import digest_send
from meetings.models import Meeting
from people.models import User
from tests.mail import mail_text
from tests.privacy.crawl import found, journal_mentions
from tests.privacy.world import build_proof_world

pytestmark = pytest.mark.django_db


def _health_urls(program_ids: list[int]) -> list[str]:
    urls = [reverse("hr_view:health_compare")]
    for pk in program_ids:
        base = reverse("hr_view:health", kwargs={"program_id": pk})
        urls += [base, f"{base}?sort=held", f"{base}?sort=recent", f"{base}?page=2"]
    return urls


def test_health_pages_and_digest_hold_no_content_no_place_and_no_journal_sql(
    personas: dict[str, User | None],
) -> None:
    world = build_proof_world(personas, emails=False)
    # The world's meetings are ahead; move them back so that they count as held.
    for objects in world.pairs.values():
        meeting = objects.meeting
        Meeting.objects.filter(pk=meeting.pk).update(
            start=timezone.now() - timezone.timedelta(days=3),
            end=timezone.now() - timezone.timedelta(days=3) + (meeting.end - meeting.start),
        )
    hr = world.people["hr_admin"]
    assert hr is not None
    client = Client()
    client.force_login(hr)
    program_ids = sorted({p.ids["program_id"] for p in world.pairs.values()})
    texts, sql = {}, []
    for url in _health_urls(program_ids):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        texts[url] = response.content.decode()
        sql += [q["sql"] for q in queries.captured_queries]
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as queries:
        assert digest_send() >= 1
    sql += [q["sql"] for q in queries.captured_queries]
    texts.update({f"mail to {m.to}": mail_text(m) for m in mail.outbox})

    assert found(texts, world.every_canary()) == []  # journal canaries and places
    assert [s for s in sql if journal_mentions(s)] == []
    # The pages were the real thing: charts, the pair list with names and counts.
    own = texts[
        reverse("hr_view:health", kwargs={"program_id": world.pairs["own"].ids["program_id"]})
    ]
    assert own.count('<svg class="chart ') == 4
    assert "Ezra Mentee" in own  # who is paired with whom
    assert '<td class="num" data-label="Meetings held">1</td>' in own
    digest = next(t for where, t in texts.items() if where.startswith("mail to"))
    assert reverse("hr_view:health", kwargs={"program_id": program_ids[0]}) in digest


@pytest.mark.parametrize("name", ["mentee", "mentor", "manager", "outsider"])
def test_no_one_but_hr_reaches_a_health_page(personas: dict[str, User | None], name: str) -> None:
    world = build_proof_world(personas, emails=False)
    person = world.people[name]
    assert person is not None
    client = Client()
    client.force_login(person)
    program_id = world.pairs["own"].ids["program_id"]
    page = client.get(reverse("hr_view:health", kwargs={"program_id": program_id}))
    missing = client.get(reverse("hr_view:health", kwargs={"program_id": 987654}))
    assert page.status_code == missing.status_code == 404
    assert page.content == missing.content
    assert client.get(reverse("hr_view:health_compare")).status_code == 404
