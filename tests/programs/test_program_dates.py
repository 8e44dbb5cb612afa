"""A program's dates have a sane range: five years either side of today, said in the form;
a date an existing program already has may stay, so old programs remain editable."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from people.models import User
from programs.forms_hr import program_date_range
from programs.models import Program
from tests.programs.factories import ProgramFactory
from tests.programs.test_hr_views import form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["enrolment_opens", "enrolment_closes", "starts_on", "ends_on"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1900-01-01", "2200-06-30"])
def test_a_program_date_far_from_today_is_refused_and_nothing_saved(
    client: Client, hr_admin: User, field: str, day: str
) -> None:
    client.force_login(hr_admin)
    response = client.post(reverse("programs:hr_create"), form_data(**{field: day}))
    assert response.status_code == 200
    assert "Choose a date within five years of today" in response.content.decode()
    assert not Program.objects.exists()


def _today(person: User) -> dt.date:
    """Today where the HR admin is: the form's range follows the viewer's zone."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(person.time_zone))


def test_the_form_states_the_range(client: Client, hr_admin: User) -> None:
    client.force_login(hr_admin)
    html = client.get(reverse("programs:hr_create")).content.decode()
    first, last = program_date_range(_today(hr_admin))
    assert "Within five years of today." in html
    assert f'min="{first.isoformat()}"' in html
    assert f'max="{last.isoformat()}"' in html


def test_the_edges_of_the_range_are_accepted(client: Client, hr_admin: User) -> None:
    first, last = program_date_range(_today(hr_admin))
    client.force_login(hr_admin)
    data = form_data(enrolment_opens=first.isoformat(), ends_on=last.isoformat())
    response = client.post(reverse("programs:hr_create"), data)
    assert response.status_code == 302
    program = Program.objects.get()
    assert (program.enrolment_opens, program.ends_on) == (first, last)


def test_an_old_program_keeps_its_dates_when_edited(client: Client, hr_admin: User) -> None:
    old = timezone.localdate() - dt.timedelta(days=365 * 7)
    program = ProgramFactory(enrolment_opens=old, enrolment_closes=old + dt.timedelta(days=10))
    client.force_login(hr_admin)
    url = reverse("programs:hr_edit", kwargs={"program_id": program.pk})
    data = form_data(
        name="Renamed",
        enrolment_opens=old.isoformat(),
        enrolment_closes=(old + dt.timedelta(days=10)).isoformat(),
        starts_on=program.starts_on.isoformat(),
        ends_on=program.ends_on.isoformat(),
    )
    response = client.post(url, data)
    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.name, program.enrolment_opens) == ("Renamed", old)


def test_moving_an_old_date_further_out_is_refused(client: Client, hr_admin: User) -> None:
    old = timezone.localdate() - dt.timedelta(days=365 * 7)
    program = ProgramFactory(enrolment_opens=old)
    before = model_to_dict(program)
    client.force_login(hr_admin)
    url = reverse("programs:hr_edit", kwargs={"program_id": program.pk})
    response = client.post(url, form_data(enrolment_opens="1900-01-01"))
    assert "Choose a date within five years of today" in response.content.decode()
    program.refresh_from_db()
    assert model_to_dict(program) == before
