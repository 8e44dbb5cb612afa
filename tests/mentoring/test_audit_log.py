"""The operators' audit log page: read and filter, paged, a fixed number of queries, and
a CSV export that is itself recorded."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from audit.services import audit_record
from people.models import User
from tests.factories import UserFactory, with_totp
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("audit_log")
EXPORT = reverse("audit_log_export")


@pytest.fixture
def auditor() -> User:
    """Staff with the permission to read the log, and nothing else."""
    person = with_totp(UserFactory(full_name="Aud Itor", is_staff=True))
    person.user_permissions.add(
        Permission.objects.get(content_type__app_label="audit", codename="view_auditevent")
    )
    return person


@pytest.fixture
def ops(auditor: User) -> Client:
    client = Client()
    client.force_login(auditor)
    return client


def _at(days_ago: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days_ago)


def _html(client: Client, **params: str) -> str:
    response = client.get(PAGE, params)
    assert response.status_code == 200
    return response.content.decode()


def test_rows_name_people_and_programs_and_a_former_participant_by_number(
    ops: Client, hr_admin: User, outsider: User
) -> None:
    program = ProgramFactory(name="Spring cohort")
    audit_record(action=Action.PROGRAM_LIFECYCLE, actor=hr_admin, target=program,
                 details={"from": "draft", "to": "open"})  # fmt: skip
    audit_record(action=Action.PERSON_DEACTIVATED, actor=hr_admin, target=outsider)
    AuditEvent.objects.create(action=Action.ROLE_REMOVED, actor_id=99_999, target_type="user",
                              target_id=99_998)  # fmt: skip
    audit_record(action=Action.RETENTION_RUN, actor_label="system", target_type="audit_log")

    html = _html(ops)

    assert "Spring cohort" in html
    assert "from: draft; to: open" in html
    assert html.count("Hana HR") == 2
    assert "Otto Outsider" in html
    assert "former participant #99999" in html
    assert "former participant #99998" in html
    assert "4 recorded actions" in html


def test_filters_by_action_actor_target_and_period(
    ops: Client, hr_admin: User, outsider: User, mentee: User
) -> None:
    audit_record(action=Action.PERSON_DEACTIVATED, actor=hr_admin, target=outsider)
    audit_record(action=Action.PERSON_DEACTIVATED, actor=outsider, target=mentee)
    AuditEvent.objects.create(action=Action.PEOPLE_IMPORT, actor_id=hr_admin.pk, at=_at(40))

    assert "1 recorded action" in _html(ops, action="people_import")
    assert "2 recorded actions" in _html(ops, actor="hana")  # part of a name
    assert "1 recorded action" in _html(ops, actor=f"#{outsider.pk}")
    assert "1 recorded action" in _html(ops, target="ezra")
    old = (timezone.localdate() - dt.timedelta(days=45)).isoformat()
    recent = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    assert "1 recorded action" in _html(ops, since=old, until=recent)
    assert "2 recorded actions" in _html(ops, since=recent)


def test_a_bad_filter_is_explained_and_left_out(ops: Client, hr_admin: User) -> None:
    audit_record(action=Action.PEOPLE_IMPORT, actor=hr_admin)

    html = _html(ops, since="2026-13-45", action="no-such-action")

    assert "There is a problem" in html
    assert "1 recorded action" in html  # the valid rest of the filter still applies
    until_first = _html(ops, since="2026-12-07", until="2026-12-01")
    assert "The end of the period comes before its start." in until_first


def test_a_hundred_rows_a_page(ops: Client, hr_admin: User) -> None:
    AuditEvent.objects.bulk_create(
        AuditEvent(action=Action.PEOPLE_IMPORT, actor_id=hr_admin.pk, at=_at(n % 20))
        for n in range(230)
    )
    first = _html(ops)
    assert first.count('data-label="When"') == 100
    assert "1\u2013100 of 230 (page 1 of 3)" in first
    last = _html(ops, page="3")
    assert last.count('data-label="When"') == 30


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PAGE).status_code == 200
    return len(captured)


def test_the_page_runs_the_same_queries_for_3_and_150_rows(ops: Client, hr_admin: User) -> None:
    program = ProgramFactory()

    def rows(count: int) -> None:
        for n in range(count):
            person = UserFactory()
            audit_record(action=Action.PERSON_DEACTIVATED, actor=hr_admin, target=person)
            audit_record(action=Action.PROGRAM_LIFECYCLE, actor=person, target=program)
            AuditEvent.objects.create(action=Action.ROLE_GRANTED, actor_id=10_000 + n)

    rows(1)
    few = _queries(ops)
    rows(50)
    many = _queries(ops)
    assert few == many
    assert many <= 10


def test_the_export_holds_the_filtered_rows_and_is_itself_recorded(
    ops: Client, auditor: User, hr_admin: User, outsider: User
) -> None:
    audit_record(action=Action.PERSON_DEACTIVATED, actor=hr_admin, target=outsider)
    audit_record(action=Action.PEOPLE_IMPORT, actor=hr_admin, details={"created": 2})

    response = ops.get(EXPORT, {"action": "person_deactivated", "actor": "Hana"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["at_utc", "action", "actor", "target", "details", "address"]
    assert [r[1:4] for r in rows[1:]] == [["Person deactivated", "Hana HR", "Otto Outsider"]]
    export = AuditEvent.objects.filter(action=Action.AUDIT_EXPORT).get()
    assert export.actor_id == auditor.pk
    assert export.details == {"rows": 1, "filters": ["action", "actor"]}
    assert "Hana" not in str(export.details)


def test_the_audit_log_has_a_navigation_entry_only_for_those_who_read_it(
    ops: Client, operator: User, hr_admin: User
) -> None:
    assert f'href="{PAGE}"' in _html(ops)
    for person in (operator, hr_admin):
        client = Client()
        client.force_login(person)
        assert f'href="{PAGE}"' not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("url", [PAGE, EXPORT])
def test_staff_without_the_permission_get_the_missing_page(operator: User, url: str) -> None:
    client = Client()
    client.force_login(operator)
    response = client.get(url)
    missing = client.get("/this-page-does-not-exist-4711/")
    assert response.status_code == 404
    assert response.content == missing.content
    assert not AuditEvent.objects.exists()


def test_a_superuser_reads_it(ops: Client) -> None:
    superuser = with_totp(UserFactory(is_staff=True, is_superuser=True))
    client = Client()
    client.force_login(superuser)
    assert client.get(PAGE).status_code == 200
