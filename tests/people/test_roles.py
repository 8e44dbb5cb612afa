"""The roles query: the same answers as Django's permission checks and the reporting
line, in one query per request."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from people.models import HR_ADMIN_PERMISSION, User
from people.roles import DirectReport, request_roles, roles_of
from tests.factories import UserFactory, make_hr_admin

pytestmark = pytest.mark.django_db

APP_LABEL, CODENAME = HR_ADMIN_PERMISSION.split(".")


def _permission() -> Permission:
    return Permission.objects.get(content_type__app_label=APP_LABEL, codename=CODENAME)


def _fresh(user: User) -> User:
    """The user as the next request loads them (no permission cache on the object)."""
    return User.objects.get(pk=user.pk)


def test_hr_admin_through_the_group_directly_or_as_superuser_agrees_with_has_perm() -> None:
    through_group = make_hr_admin(UserFactory())
    directly = UserFactory()
    directly.user_permissions.add(_permission())
    superuser = UserFactory(is_superuser=True)
    other_permission_only = UserFactory()
    other_permission_only.user_permissions.add(
        Permission.objects.exclude(codename=CODENAME).first()  # type: ignore[arg-type]
    )
    group_without_it = UserFactory()
    group_without_it.groups.add(Group.objects.create(name="Not HR"))
    nobody = UserFactory()
    people = [through_group, directly, superuser, other_permission_only, group_without_it, nobody]
    answers = {person.pk: roles_of(_fresh(person)).hr_admin for person in people}
    assert answers == {person.pk: _fresh(person).has_perm(HR_ADMIN_PERMISSION) for person in people}
    assert [answers[p.pk] for p in people] == [True, True, True, False, False, False]


def test_an_inactive_person_has_no_role_even_with_the_permission_and_reports() -> None:
    person = make_hr_admin(UserFactory())
    UserFactory(manager=person)
    person.is_active = False
    person.save(update_fields=["is_active"])
    roles = roles_of(_fresh(person))
    assert not roles.hr_admin
    assert not roles.manager
    assert not roles_of(AnonymousUser()).hr_admin


def test_the_reports_are_the_active_direct_ones_in_name_order() -> None:
    boss = UserFactory()
    zoe = UserFactory(full_name="Zoe Last", manager=boss)
    ann = UserFactory(full_name="Ann First", manager=boss)
    no_name = UserFactory(full_name="", email="aaa@example.com", manager=boss)
    UserFactory(full_name="Gone", manager=boss, is_active=False)
    UserFactory(full_name="Indirect", manager=zoe)
    roles = roles_of(boss)
    assert roles.manager
    assert roles.reports == (
        DirectReport(no_name.pk, "aaa@example.com", 0),
        DirectReport(ann.pk, "Ann First", 0),
        DirectReport(zoe.pk, "Zoe Last", 0),
    )
    assert not roles_of(ann).manager


def test_both_roles_and_the_reports_take_one_query_per_request(manager: User, mentee: User) -> None:
    make_hr_admin(manager)
    request = RequestFactory().get("/")
    request.user = _fresh(manager)
    with CaptureQueriesContext(connection) as captured:
        roles = request_roles(request)
        assert roles.hr_admin
        assert roles.manager
        assert [r.pk for r in roles.reports] == [mentee.pk]
        assert request_roles(request) is roles
    assert len(captured.captured_queries) == 1


def test_the_choice_flag_names_the_values_programs_stores() -> None:
    from programs.models import Enrolment, Program

    assert {Enrolment.Status.PENDING, Enrolment.Status.ACCEPTED} == {"pending", "accepted"}
    assert (Program.MatchingMode.CHOICE, Program.Status.CLOSED) == ("choice", "closed")


@pytest.mark.parametrize(
    ("mode", "program_status", "enrolment_status", "expected"),
    [
        ("choice", "open", "accepted", True),
        ("choice", "active", "pending", True),
        ("choice", "closed", "accepted", False),
        ("choice", "active", "withdrawn", False),
        ("choice", "active", "declined", False),
        ("cohort", "active", "accepted", False),
    ],
)
def test_a_person_in_a_choice_program_is_led_to_requests(
    mode: str, program_status: str, enrolment_status: str, expected: bool
) -> None:
    from django.test import Client
    from django.urls import reverse

    from programs.models import Enrolment, Program
    from tests.programs.factories import ProgramFactory, enrol

    person = UserFactory()
    program = ProgramFactory(matching_mode=mode)
    enrolment = enrol(program, person, role=Enrolment.Role.MENTOR)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=enrolment_status)
    Program.objects.filter(pk=program.pk).update(status=program_status)

    assert roles_of(_fresh(person)).in_choice_program is expected
    browser = Client()
    browser.force_login(person)
    page = browser.get(reverse("programs:list")).content.decode()
    assert (f'href="{reverse("matching:requests")}"' in page) is expected


def test_the_second_step_flag_agrees_with_mfa_set_up() -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    from people.mfa import mfa_set_up
    from tests.factories import with_totp

    with_app = with_totp(UserFactory())
    with_key = UserFactory()
    Authenticator.objects.create(user=with_key, type=Authenticator.Type.WEBAUTHN, data={})
    codes_only = UserFactory()
    RecoveryCodes.activate(codes_only)  # what is left when the app is gone: not a second step
    nothing = UserFactory()
    people = [with_app, with_key, codes_only, nothing]
    answers = [roles_of(_fresh(person)).mfa_set_up for person in people]
    assert answers == [mfa_set_up(person) for person in people]
    assert answers == [True, True, False, False]


def test_the_access_policy_reads_the_second_step_with_the_roles() -> None:
    """An HR admin without a second step is sent to set one up, and with one is let in;
    both answers come from the roles statement, so the page asks nothing more."""
    from django.test import Client
    from django.urls import reverse

    from tests.factories import with_totp

    person = make_hr_admin(UserFactory(), mfa=False)
    browser = Client()
    browser.force_login(person)
    url = reverse("people:directory")
    with CaptureQueriesContext(connection) as refused:
        response = browser.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")
    # The session, the person, the roles (with the second step): no query of its own.
    assert len(refused.captured_queries) == 3
    assert [q["sql"].count("mfa_authenticator") for q in refused.captured_queries] == [0, 0, 1]
    with_totp(person)
    with CaptureQueriesContext(connection) as admitted:
        assert browser.get(url).status_code == 200
    assert sum("mfa_authenticator" in q["sql"] for q in admitted.captured_queries) == 1


def test_every_table_and_column_the_roles_statement_names_is_its_models() -> None:
    """The statement reads other apps' tables by name (docs/architecture.md, "When a lower
    layer needs an answer from above"): renaming a table or a column fails here, not on
    every page."""
    import re

    from django.apps import apps

    from people.roles import _ROLES_SQL

    def through(model: str, field: str) -> type:
        return apps.get_model(model)._meta.get_field(field).remote_field.through  # type: ignore[no-any-return, union-attr]

    models = {
        "notifications_notification": (apps.get_model("notifications.Notification"),
                                       {"recipient_id", "read_at"}),
        "programs_enrolment": (apps.get_model("programs.Enrolment"),
                               {"program_id", "person_id", "status"}),
        "programs_program": (apps.get_model("programs.Program"),
                             {"id", "matching_mode", "status"}),
        "auth_permission": (apps.get_model("auth.Permission"),
                            {"id", "content_type_id", "codename"}),
        "django_content_type": (apps.get_model("contenttypes.ContentType"), {"id", "app_label"}),
        "people_user_user_permissions": (through("people.User", "user_permissions"),
                                         {"user_id", "permission_id"}),
        "auth_group_permissions": (through("auth.Group", "permissions"),
                                   {"group_id", "permission_id"}),
        "people_user_groups": (through("people.User", "groups"), {"user_id", "group_id"}),
        "people_user": (apps.get_model("people.User"),
                        {"id", "full_name", "email", "schedule_revision", "manager_id",
                         "is_active"}),
        "mfa_authenticator": (apps.get_model("mfa.Authenticator"), {"user_id", "type"}),
    }  # fmt: skip
    named = set(re.findall(r"\b(?:FROM|JOIN)\s+(\w+)", _ROLES_SQL))
    assert named == set(models)
    for table, (model, columns) in models.items():
        assert model._meta.db_table == table
        assert columns <= {field.column for field in model._meta.concrete_fields}, table
