"""The People page with a large file full of problems: the first problems listed, the
rest counted, the page the same size whatever the file."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from people.models import User
from people.views import PROBLEMS_SHOWN

pytestmark = pytest.mark.django_db
HEADER = "employee_id,email,full_name,department,title,manager_employee_id,time_zone,language\n"


def _upload(client: Client, bad_rows: int) -> str:
    rows = "".join(f"E{n},not-an-address-{n},Person {n},Eng,Dev,,UTC,en\n" for n in range(bad_rows))
    upload = SimpleUploadedFile("people.csv", (HEADER + rows).encode(), content_type="text/csv")
    response = client.post(reverse("people:import"), {"file": upload})
    assert response.status_code == 200
    return response.content.decode()


def test_a_file_with_thousands_of_problems_lists_the_first_and_counts_the_rest(
    client: Client, hr_admin: User
) -> None:
    client.force_login(hr_admin)
    html = _upload(client, 2000)
    assert "2000 problems found" in html
    assert html.count('data-label="Problem"') == PROBLEMS_SHOWN
    assert f"not-an-address-{PROBLEMS_SHOWN - 1}<" in html
    assert f"not-an-address-{PROBLEMS_SHOWN}<" not in html
    assert f"These are the first {PROBLEMS_SHOWN} problems; {2000 - PROBLEMS_SHOWN} more" in html
    assert not User.objects.filter(employee_id="E1").exists()


def test_a_file_with_few_problems_lists_them_all(client: Client, hr_admin: User) -> None:
    client.force_login(hr_admin)
    html = _upload(client, 3)
    assert html.count('data-label="Problem"') == 3
    assert "more are not listed" not in html
    assert "more is not listed" not in html
