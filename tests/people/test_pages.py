from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from people.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _queries_for(client: Client, url: str, django_assert_max_num_queries: object) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_team_page_lists_direct_reports_only(client: Client, manager: User, mentee: User) -> None:
    indirect = UserFactory(full_name="Ian Indirect", manager=mentee)
    client.force_login(manager)
    html = client.get(reverse("people:team")).content.decode()
    assert mentee.full_name in html
    assert indirect.full_name not in html


def test_team_page_runs_the_same_queries_for_2_and_20_reports(
    client: Client, manager: User
) -> None:
    client.force_login(manager)
    UserFactory.create_batch(2, manager=manager)
    few = _queries_for(client, reverse("people:team"), None)
    UserFactory.create_batch(18, manager=manager)
    many = _queries_for(client, reverse("people:team"), None)
    assert few == many


def test_home_runs_the_same_queries_for_2_and_20_reports(client: Client, manager: User) -> None:
    client.force_login(manager)
    UserFactory.create_batch(2, manager=manager)
    few = _queries_for(client, reverse("home"), None)
    UserFactory.create_batch(18, manager=manager)
    many = _queries_for(client, reverse("home"), None)
    assert few == many


def test_home_shows_what_each_role_can_do(
    client: Client, hr_admin: User, manager: User, mentee: User
) -> None:
    client.force_login(hr_admin)
    assert reverse("people:import") in client.get(reverse("home")).content.decode()
    client.force_login(manager)
    html = client.get(reverse("home")).content.decode()
    assert reverse("people:team") in html
    assert reverse("people:import") not in html
    client.force_login(mentee)
    html = client.get(reverse("home")).content.decode()
    assert reverse("people:team") not in html
    assert reverse("people:import") not in html


def test_home_shows_times_and_text_in_the_viewer_preferences(client: Client, mentee: User) -> None:
    mentee.time_zone = "Asia/Tokyo"
    mentee.save()
    client.force_login(mentee)
    response = client.get(reverse("home"))
    assert "Asia/Tokyo" in response.content.decode()


def test_import_page_shows_every_problem_and_keeps_nothing(client: Client, hr_admin: User) -> None:
    client.force_login(hr_admin)
    data = (
        b"employee_id,email,full_name,department,title,manager_employee_id,time_zone,language\n"
        b"N1,bad-email,Nia One,Eng,Dev,,Mars/Base,en\n"
        b"N2,n2@example.com,Nia Two,Eng,Dev,NOPE,Europe/Paris,en\n"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("people.csv", data, content_type="text/csv")
    response = client.post(reverse("people:import"), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    for value in ("bad-email", "Mars/Base", "NOPE"):
        assert value in html
    assert not User.objects.filter(employee_id__in=["N1", "N2"]).exists()


def test_import_page_imports_a_clean_file_and_says_so(client: Client, hr_admin: User) -> None:
    client.force_login(hr_admin)
    data = ("email;employee_id;full_name\nn1@example.com;N1;Nia One\n").encode("utf-8-sig")
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("people.csv", data, content_type="text/csv")
    response = client.post(reverse("people:import"), {"file": upload}, follow=True)
    assert "1 new" in response.content.decode()
    assert User.objects.get(employee_id="N1").email == "n1@example.com"


def test_import_page_without_a_file_explains(client: Client, hr_admin: User) -> None:
    client.force_login(hr_admin)
    response = client.post(reverse("people:import"), {})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
