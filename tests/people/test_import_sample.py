"""The sample file on the import page: every column the importer reads, and it imports."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from people.imports import COLUMNS
from people.models import User
from people.services import people_import_csv

pytestmark = pytest.mark.django_db

SAMPLE = reverse("people:import_sample")


def _download(hr_admin: User) -> bytes:
    client = Client()
    client.force_login(hr_admin)
    response = client.get(SAMPLE)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return response.content


def test_the_import_page_links_to_the_sample(hr_admin: User) -> None:
    client = Client()
    client.force_login(hr_admin)
    assert f'href="{SAMPLE}"' in client.get(reverse("people:import")).content.decode()


def test_the_sample_has_every_column_the_importer_reads(hr_admin: User) -> None:
    text = _download(hr_admin).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert tuple(header) == COLUMNS


def test_the_sample_imports_as_it_is(hr_admin: User) -> None:
    result = people_import_csv(data=_download(hr_admin), send_invitations=False)
    assert result.problems == ()
    assert result.created == 3
    bo = User.objects.get(employee_id="S1002")
    assert bo.manager is not None
    assert bo.manager.employee_id == "S1001"
    assert bo.department is not None
    assert bo.department.name == "Finance"
    assert (bo.time_zone, bo.language) == ("Europe/Amsterdam", "nl")


def test_the_sample_imports_through_the_upload_form(hr_admin: User) -> None:
    client = Client()
    client.force_login(hr_admin)
    upload = io.BytesIO(_download(hr_admin))
    upload.name = "people-sample.csv"
    response = client.post(reverse("people:import"), {"file": upload}, follow=True)
    assert "Import complete: 3 new, 0 updated, 0 unchanged." in response.content.decode()
    assert User.objects.filter(employee_id__startswith="S100").count() == 3


@pytest.mark.parametrize("persona", ["mentee", "manager", "outsider"])
def test_only_hr_downloads_the_sample(persona: str, personas: dict[str, User | None]) -> None:
    client = Client()
    client.force_login(personas[persona])  # type: ignore[arg-type]
    assert client.get(SAMPLE).status_code == 404
