"""Every privileged action that exists today leaves one audit row, written in the acting
service's transaction: one test per action, through the page HR uses, with the address
the request came from and no names or text in the row."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from audit.models import Action, AuditEvent
from matching.models import MatchRun
from matching.runs import match_run_execute
from matching.services import match_run_start
from people.models import User
from programs.models import Enrolment, Program
from programs.services import program_transition
from tests.factories import DepartmentFactory, UserFactory
from tests.people.csv_factory import cells, csv_bytes, person
from tests.programs.factories import ProgramFactory, enrol

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.23"


@pytest.fixture
def hr(hr_admin: User) -> Client:
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(hr_admin)
    return client


def _only(action: Action) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).get()


def test_an_hr_export_is_recorded_with_its_row_count_and_filter_names(
    hr: Client, hr_admin: User, mentee: User, mentor: User
) -> None:
    program = ProgramFactory(status=Program.Status.OPEN)
    enrol(program, mentee)
    enrol(program, mentor, role=Enrolment.Role.MENTOR)
    url = reverse("programs:participants_export", kwargs={"program_id": program.pk})

    response = hr.get(url, {"role": "mentee", "name": "Ezra"})

    assert response.status_code == 200
    event = _only(Action.HR_EXPORT)
    assert (event.actor_id, event.target_type, event.target_id) == (
        hr_admin.pk,
        "program",
        program.pk,
    )
    assert event.details == {"export": "participants", "rows": 1, "filters": ["name", "role"]}
    assert event.ip == ADDRESS
    assert "Ezra" not in str(event.details)  # the names of filters, not what was typed


def test_a_people_import_is_recorded_in_counts(hr: Client, hr_admin: User) -> None:
    data = csv_bytes([cells(person(1)), cells(person(2))])
    upload = SimpleUploadedFile("people.csv", data, content_type="text/csv")

    hr.post(reverse("people:import"), {"file": upload})

    event = _only(Action.PEOPLE_IMPORT)
    assert event.actor_id == hr_admin.pk
    assert event.details == {"created": 2, "updated": 0, "unchanged": 0}
    assert event.ip == ADDRESS
    assert "Person" not in str(event.details)


def test_an_import_that_changes_nobody_records_nothing(hr: Client) -> None:
    data = csv_bytes([cells(person(1))])
    hr.post(reverse("people:import"), {"file": SimpleUploadedFile("a.csv", data)})
    AuditEvent.objects.filter(action=Action.PEOPLE_IMPORT).get()  # the first one changed

    hr.post(reverse("people:import"), {"file": SimpleUploadedFile("a.csv", data)})

    assert AuditEvent.objects.filter(action=Action.PEOPLE_IMPORT).count() == 1


def test_a_refused_import_changes_nothing_and_records_nothing(hr: Client) -> None:
    data = csv_bytes([cells({**person(1), "email": "not an address"})])
    upload = SimpleUploadedFile("people.csv", data, content_type="text/csv")

    hr.post(reverse("people:import"), {"file": upload})

    assert not AuditEvent.objects.exists()


def test_a_program_lifecycle_change_is_recorded(hr: Client, hr_admin: User) -> None:
    program = ProgramFactory(status=Program.Status.DRAFT)
    url = reverse("programs:hr_transition", kwargs={"program_id": program.pk})

    hr.post(url, {"to": Program.Status.OPEN, "confirm": "yes"})

    event = _only(Action.PROGRAM_LIFECYCLE)
    assert (event.actor_id, event.target_type, event.target_id) == (
        hr_admin.pk,
        "program",
        program.pk,
    )
    assert event.details == {"from": "draft", "to": "open"}
    assert event.ip == ADDRESS


def test_a_refused_lifecycle_change_records_nothing() -> None:
    program = ProgramFactory(status=Program.Status.DRAFT)
    with pytest.raises(Exception, match="cannot become"):
        program_transition(program_id=program.pk, to=Program.Status.ACTIVE)
    assert not AuditEvent.objects.exists()


def test_the_record_rolls_back_with_the_action_it_records() -> None:
    program = ProgramFactory(status=Program.Status.DRAFT)

    def transition_then_fail() -> None:
        with transaction.atomic():
            program_transition(program_id=program.pk, to=Program.Status.OPEN)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        transition_then_fail()
    assert not AuditEvent.objects.exists()


def test_a_matching_publication_is_recorded_with_the_number_of_pairs(
    hr: Client, hr_admin: User
) -> None:
    program = ProgramFactory(status=Program.Status.OPEN)
    for number in range(2):
        enrol(program, UserFactory(department=DepartmentFactory(name=f"Mentees {number}")))
    enrol(
        program,
        UserFactory(department=DepartmentFactory(name="Mentors")),
        role=Enrolment.Role.MENTOR,
        capacity=2,
    )
    Program.objects.filter(pk=program.pk).update(status=Program.Status.MATCHING)
    program.refresh_from_db()
    run = match_run_execute(run_id=match_run_start(program=program, started_by=hr_admin).pk)

    hr.post(reverse("matching:run_publish", kwargs={"run_id": run.pk}), {"confirm": "yes"})

    assert MatchRun.objects.get(pk=run.pk).status == MatchRun.Status.PUBLISHED
    event = _only(Action.MATCHING_PUBLISHED)
    assert (event.actor_id, event.target_type, event.target_id) == (
        hr_admin.pk,
        "program",
        program.pk,
    )
    assert event.details == {"run": run.pk, "pairs": 2}
    assert event.ip == ADDRESS


def test_a_deactivation_is_recorded(hr: Client, hr_admin: User, outsider: User) -> None:
    hr.post(reverse("hr_view:deactivate", kwargs={"person_id": outsider.pk}))

    event = _only(Action.PERSON_DEACTIVATED)
    assert (event.actor_id, event.target_type, event.target_id) == (
        hr_admin.pk,
        "user",
        outsider.pk,
    )
    assert event.ip == ADDRESS
