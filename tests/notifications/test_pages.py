"""The notifications list, opening one, marking all read, the header's badge, and
forgetting old ones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notifications_forget_old, notify
from notifications.tasks import forget_old
from people.models import User
from programs import notices
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def _invite(person: User, count: int = 1, **program: object) -> list[int]:
    made = []
    for _ in range(count):
        program_id = ProgramFactory(**program).pk
        notify(
            kind=notices.PROGRAM_INVITED, recipient_ids=[person.pk], params={"program": program_id}
        )
        made.append(program_id)
    return made


def _signed_in(person: User) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _badge(html: str) -> str | None:
    marker = 'data-testid="unread-count"'
    if marker not in html:
        return None
    tail = html.split(marker, 1)[1]
    return tail.split('<span aria-hidden="true">', 1)[1].split("<", 1)[0]


def test_the_list_shows_own_notifications_newest_first_unread_marked(
    mentee: User, mentor: User
) -> None:
    _invite(mentee, name="Older")
    _invite(mentee, name="Newer")
    _invite(mentor, name="Not yours")
    older = Notification.objects.filter(recipient=mentee).order_by("pk")[0]
    Notification.objects.filter(pk=older.pk).update(read_at=timezone.now())
    Notification.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=1)
    )
    html = _signed_in(mentee).get(reverse("notifications:list")).content.decode()
    assert html.index("“Newer”") < html.index("“Older”")
    assert "Not yours" not in html
    assert html.count("notification-list__item--unread") == 1
    assert _badge(html) == "1"


def test_opening_marks_read_and_leads_to_the_page(mentee: User) -> None:
    [program_id] = _invite(mentee)
    notification = Notification.objects.get(recipient=mentee)
    client = _signed_in(mentee)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:detail", args=[program_id])
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert _badge(client.get(reverse("home")).content.decode()) is None


def test_someone_elses_notification_is_the_404_of_a_missing_one(
    mentee: User, manager: User, hr_admin: User
) -> None:
    _invite(mentee)
    notification = Notification.objects.get(recipient=mentee)
    for person in (manager, hr_admin):
        client = _signed_in(person)
        theirs = client.get(reverse("notifications:open", args=[notification.pk]))
        missing = client.get(reverse("notifications:open", args=[987654]))
        assert theirs.status_code == missing.status_code == 404
        assert theirs.content == missing.content
    notification.refresh_from_db()
    assert notification.read_at is None  # nobody else can mark it read


def test_mark_all_read(mentee: User, mentor: User) -> None:
    _invite(mentee, 3)
    _invite(mentor)
    client = _signed_in(mentee)
    assert _badge(client.get(reverse("home")).content.decode()) == "3"
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert "All notifications are marked as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=mentee, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=mentor, read_at__isnull=True).count() == 1


def test_mark_all_read_is_post_only(mentee: User) -> None:
    _invite(mentee)
    assert _signed_in(mentee).get(reverse("notifications:mark_all_read")).status_code == 405
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_the_badge_is_never_stale_on_a_cached_page(mentee: User, mentor: User) -> None:
    """Home is kept by the page cache: the count is part of its key, so a new notification
    shows at once, and one person's count never reaches another's page."""
    client = _signed_in(mentee)
    assert _badge(client.get(reverse("home")).content.decode()) is None
    _invite(mentee)
    assert _badge(client.get(reverse("home")).content.decode()) == "1"
    _invite(mentee)
    assert _badge(client.get(reverse("home")).content.decode()) == "2"
    assert _badge(_signed_in(mentor).get(reverse("home")).content.decode()) is None


def test_a_large_count_is_capped_in_the_badge(mentee: User) -> None:
    program_id = ProgramFactory().pk
    notify(kind=notices.PROGRAM_INVITED, recipient_ids=[mentee.pk], params={"program": program_id})
    Notification.objects.bulk_create(
        [
            Notification(recipient=mentee, kind="program_invited", params={"program": program_id})
            for _ in range(121)
        ]
    )
    html = _signed_in(mentee).get(reverse("notifications:list")).content.decode()
    assert _badge(html) == "99+"
    assert "122 unread" in html


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_runs_the_same_queries_at_3_and_150_notifications(mentee: User) -> None:
    client = _signed_in(mentee)
    _invite(mentee, 3)
    few = _queries(client, reverse("notifications:list"))
    _invite(mentee, 147)
    many = _queries(client, reverse("notifications:list"))
    assert few == many
    html = client.get(reverse("notifications:list")).content.decode()
    assert html.count('<li class="notification-list__item') == 50  # a window, with pages
    assert "?page=2" in html


def test_the_badge_adds_no_query_to_a_page(mentee: User) -> None:
    client = _signed_in(mentee)
    before = _queries(client, reverse("who_sees_what"))
    _invite(mentee, 5)
    assert _queries(client, reverse("who_sees_what")) == before


def test_a_page_number_that_is_not_one_shows_the_first_page(mentee: User) -> None:
    _invite(mentee)
    response = _signed_in(mentee).get(reverse("notifications:list") + "?page=abc")
    assert response.status_code == 200


def test_an_unknown_kind_says_something_neutral_and_leads_to_the_list(mentee: User) -> None:
    notification = Notification.objects.create(recipient=mentee, kind="retired_kind", params={})
    client = _signed_in(mentee)
    assert (
        "An update about your mentoring."
        in client.get(reverse("notifications:list")).content.decode()
    )
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_a_deleted_program_reads_as_no_longer_available(mentee: User) -> None:
    [program_id] = _invite(mentee, name="Gone soon")
    from programs.models import Program

    Program.objects.filter(pk=program_id).delete()
    html = _signed_in(mentee).get(reverse("notifications:list")).content.decode()
    assert "(no longer available)" in html


def test_old_read_notifications_are_forgotten(mentee: User) -> None:
    _invite(mentee, 3)
    old = timezone.now() - dt.timedelta(days=181)
    first, second, _third = Notification.objects.order_by("pk")
    Notification.objects.filter(pk=first.pk).update(created_at=old, read_at=old)
    Notification.objects.filter(pk=second.pk).update(created_at=old)  # unread: kept
    assert forget_old() == 1
    assert notifications_forget_old() == 0
    assert Notification.objects.count() == 2


def test_parameters_refuse_prose(mentee: User) -> None:
    with pytest.raises(ValueError, match="looks like text"):
        notify(
            kind=notices.PROGRAM_INVITED,
            recipient_ids=[mentee.pk],
            params={"program": "Something someone wrote"},
        )


def test_a_language_change_rewords_every_notification(mentee: User) -> None:
    _invite(mentee, name="Lead Well")
    client = _signed_in(mentee)
    assert (
        "You are invited to join “Lead Well”."
        in client.get(reverse("notifications:list")).content.decode()
    )
    User.objects.filter(pk=mentee.pk).update(language="de")
    html = client.get(reverse("notifications:list")).content.decode()
    assert "Sie sind eingeladen, an „Lead Well“ teilzunehmen." in html
    assert "Benachrichtigungen" in html
