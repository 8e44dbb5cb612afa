"""A person's own data export: asked for in settings, built by a worker, e-mailed when
ready, downloaded only by its owner until it expires, then deleted."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from people.archive import archive_path, data_exports_expire
from people.models import DataExport, User
from people.own_data import data_export_request
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_asking_builds_the_archive_and_emails_the_person(
    mentee: User, eager_tasks: None, django_capture_on_commit_callbacks: object
) -> None:
    client = _client(mentee)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post(reverse("people:data_export"), follow=True)
    assert "We will e-mail you when it is ready" in response.content.decode()
    export = DataExport.objects.get(person=mentee)
    assert export.status == DataExport.Status.READY
    assert export.expires_at
    assert export.expires_at > timezone.now() + dt.timedelta(days=6)
    [message] = mail.outbox
    assert message.to == [mentee.email]
    assert reverse("people:data_export") in message.body
    page = client.get(reverse("people:data_export")).content.decode()
    url = reverse("people:data_export_download", kwargs={"export_id": export.pk})
    assert url in page
    download = client.get(url)
    assert download["Content-Type"] == "application/zip"
    body = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        data = json.loads(archive.read("data.json"))
    assert data["people"]["profile"][0]["email"] == mentee.email


def test_a_second_request_while_one_is_prepared_is_refused(mentee: User) -> None:
    client = _client(mentee)
    client.post(reverse("people:data_export"))
    response = client.post(reverse("people:data_export"), follow=True)
    assert "already being prepared" in response.content.decode()
    assert DataExport.objects.filter(person=mentee).count() == 1


def _ready(person: User, **fields: object) -> DataExport:
    from people.archive import data_export_build

    export = DataExport.objects.create(person=person)
    data_export_build(export_id=export.pk)
    if fields:
        DataExport.objects.filter(pk=export.pk).update(**fields)
    export.refresh_from_db()
    return export


@pytest.mark.parametrize("persona", ["mentor", "manager", "hr_admin", "outsider"])
def test_anyone_else_gets_the_404_of_a_missing_archive(
    personas: dict[str, User | None], persona: str
) -> None:
    export = _ready(personas["mentee"])  # type: ignore[arg-type]
    client = _client(personas[persona])  # type: ignore[arg-type]
    url = reverse("people:data_export_download", kwargs={"export_id": export.pk})
    missing = reverse("people:data_export_download", kwargs={"export_id": 987654})
    response = client.get(url)
    assert response.status_code == 404
    assert response.content == client.get(missing).content


def test_an_expired_link_is_a_404_and_the_daily_task_deletes_the_file(mentee: User) -> None:
    export = _ready(mentee, expires_at=timezone.now() - dt.timedelta(minutes=1))
    path = archive_path(export)
    assert path.exists()
    url = reverse("people:data_export_download", kwargs={"export_id": export.pk})
    assert _client(mentee).get(url).status_code == 404
    assert data_exports_expire() == 1
    assert not path.exists()
    assert not DataExport.objects.exists()
    assert data_exports_expire() == 0


def test_the_page_runs_a_fixed_number_of_queries(
    mentee: User, django_assert_max_num_queries: object
) -> None:
    client = _client(mentee)
    for count in (1, 6):
        DataExport.objects.all().delete()
        for _ in range(count):
            _ready(mentee)
        with django_assert_max_num_queries(8):  # type: ignore[operator]
            assert client.get(reverse("people:data_export")).status_code == 200


def test_the_archive_is_never_under_a_served_folder(mentee: User, settings: object) -> None:
    export = _ready(mentee)
    path = archive_path(export).resolve()
    for served in (settings.STATIC_ROOT, *settings.STATICFILES_DIRS):  # type: ignore[attr-defined]
        assert not path.is_relative_to(served)


def test_requesting_writes_a_row_only_for_the_person(mentee: User) -> None:
    other = UserFactory()
    data_export_request(person=mentee)
    assert list(DataExport.objects.values_list("person_id", flat=True)) == [mentee.pk]
    assert not DataExport.objects.filter(person=other).exists()
