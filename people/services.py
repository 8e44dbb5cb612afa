"""Writes for people: the HR CSV import and the invitation that follows it, and
deactivating someone who left."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import audit_record
from people import events, tasks
from people.imports import (
    ExistingPeople,
    ImportResult,
    PersonRow,
    chunked,
    database_problems,
    existing_people_load,
    parse_people_csv,
    problems_sorted,
)
from people.models import Department, User
from people.roles import hr_admins_among
from people.zones import canonical_zone

# Rows per INSERT/UPDATE statement: 1,000 people take one statement each, and the
# parameters stay below PostgreSQL's limit of 65,535 (SQLite's backend splits further).
WRITE_BATCH = 2_000


@dataclass
class PeopleChanges:
    """What writing checked rows changed."""

    created: list[User] = field(default_factory=list)
    updated: set[int] = field(default_factory=set)  # pks of existing people whose row differs
    dirty: dict[int, User] = field(default_factory=dict)  # pk -> person to save in bulk
    fields: set[str] = field(default_factory=set)  # the fields to save
    email_changed: dict[int, str] = field(default_factory=dict)  # pk -> new e-mail
    unchanged: int = 0


def people_import_csv(
    *, data: bytes, send_invitations: bool = True, request: HttpRequest | None = None
) -> ImportResult:
    """Import people from an HR CSV file: every row, or, if anything is wrong, none. An
    import that changed people is recorded in the audit log, in counts (no names)."""
    parsed = parse_people_csv(data)
    with transaction.atomic():
        existing = existing_people_load(rows=parsed.rows)
        problems = problems_sorted(
            [*parsed.problems, *database_problems(rows=parsed.rows, existing=existing)]
        )
        if problems:
            return ImportResult(problems=problems)
        changes = people_rows_write(rows=parsed.rows, existing=existing)
        if changes.created or changes.updated:  # a file that changed nothing leaves no row
            audit_record(
                action=Action.PEOPLE_IMPORT,
                details={
                    "created": len(changes.created),
                    "updated": len(changes.updated),
                    "unchanged": changes.unchanged,
                },
                request=request,
            )
        if send_invitations:
            for person in changes.created:
                tasks.send_invitation.delay_on_commit(person.pk)
    return ImportResult(
        created=len(changes.created), updated=len(changes.updated), unchanged=changes.unchanged
    )


def people_rows_write(*, rows: Sequence[PersonRow], existing: ExistingPeople) -> PeopleChanges:
    """Write rows that ``database_problems`` found nothing wrong with, inside the caller's
    transaction: the one writer of people for the CSV import and the SCIM endpoint."""
    departments = _departments_by_name({row.department for row in rows if row.department})
    changes = PeopleChanges()
    people: dict[str, User] = {}
    for row in rows:
        person = existing.by_employee_id.get(row.employee_id)
        if person is None:
            person = _person_new(row, departments)
            changes.created.append(person)
        else:
            _person_apply(person, row, departments, changes)
        people[row.employee_id] = person
    _people_create(changes.created)
    # Managers only now: they may come later in the file, and new people needed pks.
    created = {person.pk for person in changes.created}
    for row in rows:
        person = people[row.employee_id]
        manager_pk = _manager_pk(row, people, existing)
        _manager_apply(person, manager_pk, changes, new=person.pk in created)
    if changes.dirty:
        User.objects.bulk_update(
            changes.dirty.values(), sorted(changes.fields), batch_size=WRITE_BATCH
        )
    _primary_addresses_update(changes.email_changed)
    changes.unchanged = len(rows) - len(changes.created) - len(changes.updated)
    return changes


def _departments_by_name(names: set[str]) -> dict[str, int]:
    """Department pks by name, creating the departments HR names for the first time."""
    found: dict[str, int] = {}
    for chunk in chunked(sorted(names)):
        found.update(Department.objects.filter(name__in=chunk).values_list("name", "pk"))
    missing = [Department(name=name) for name in sorted(names - found.keys())]
    Department.objects.bulk_create(missing, batch_size=WRITE_BATCH)
    return found | {department.name: department.pk for department in missing}


def _row_values(row: PersonRow, departments: dict[str, int]) -> dict[str, object]:
    return {
        "email": row.email,
        "full_name": row.full_name,
        "department_id": departments.get(row.department),
        "title": row.title,
        "time_zone": row.time_zone,
        "language": row.language,
    }


def _person_new(row: PersonRow, departments: dict[str, int]) -> User:
    person = User(employee_id=row.employee_id, **_row_values(row, departments))
    person.set_unusable_password()  # they choose one from the invitation, or sign in by code
    return person


def _people_create(people: list[User]) -> None:
    User.objects.bulk_create(people, batch_size=WRITE_BATCH)
    # HR's work addresses are trusted: verified, so allauth lets them sign in by code.
    addresses = [_primary_address(person.pk, person.email) for person in people]
    EmailAddress.objects.bulk_create(addresses, batch_size=WRITE_BATCH)


def _primary_address(user_id: int, email: str) -> EmailAddress:
    return EmailAddress(user_id=user_id, email=email, primary=True, verified=True)


def _person_apply(
    person: User, row: PersonRow, departments: dict[str, int], changes: PeopleChanges
) -> None:
    # Compare before assigning, so that an unchanged row writes nothing at all.
    for name, value in _row_values(row, departments).items():
        if getattr(person, name) == value:
            continue
        if name == "email":
            changes.email_changed[person.pk] = row.email
        setattr(person, name, value)
        changes.fields.add(name)
        changes.updated.add(person.pk)
        changes.dirty[person.pk] = person


def _manager_pk(row: PersonRow, people: dict[str, User], existing: ExistingPeople) -> int | None:
    manager = row.manager_employee_id
    if not manager:
        return None
    if manager in people:
        return people[manager].pk
    return existing.pk_by_employee_id[manager]


def _manager_apply(
    person: User, manager_pk: int | None, changes: PeopleChanges, *, new: bool
) -> None:
    if person.manager_id == manager_pk:
        return
    person.manager_id = manager_pk
    changes.fields.add("manager")
    changes.dirty[person.pk] = person
    if not new:
        changes.updated.add(person.pk)


def _primary_addresses_update(new_emails: dict[int, str]) -> None:
    """Move each person's primary allauth address to their new work e-mail."""
    if not new_emails:
        return
    addresses = [
        address
        for chunk in chunked(sorted(new_emails))
        for address in EmailAddress.objects.filter(user_id__in=chunk)
    ]
    primaries: dict[int, EmailAddress] = {}
    in_the_way: list[int] = []  # a secondary address equal to the new e-mail blocks the move
    for address in addresses:
        if address.primary:
            primaries[address.user_id] = address
        elif address.email.lower() == new_emails[address.user_id]:
            in_the_way.append(address.pk)
    for chunk in chunked(in_the_way):
        EmailAddress.objects.filter(pk__in=chunk).delete()
    for user_id, primary in primaries.items():
        primary.email, primary.verified = new_emails[user_id], True
    EmailAddress.objects.bulk_update(
        primaries.values(), ["email", "verified"], batch_size=WRITE_BATCH
    )
    missing = [
        _primary_address(pk, email) for pk, email in new_emails.items() if pk not in primaries
    ]
    EmailAddress.objects.bulk_create(missing, batch_size=WRITE_BATCH)


def person_regional_settings_set(*, person: User, language: str, time_zone: str) -> User:
    """The language of a person's pages and e-mails and the zone their times are shown in
    (an old alias of a zone is saved under its current name)."""
    person.language, person.time_zone = language, canonical_zone(time_zone) or time_zone
    person.save(update_fields=["language", "time_zone"])
    return person


def person_email_preferences_set(*, person: User, reminders: bool, nudges: bool) -> User:
    """Which optional e-mails a person wants; invitations and sign-in e-mails always go."""
    person.email_reminders, person.email_nudges = reminders, nudges
    person.save(update_fields=["email_reminders", "email_nudges"])
    return person


def person_deactivate(*, person: User, by: User | None, request: HttpRequest | None = None) -> User:
    """Someone left (``by`` is None when the identity provider says so, through SCIM):
    they can no longer sign in (their open sessions end with their next
    request), and the apps above react to ``person_deactivated`` in this transaction (the
    receivers are listed in ``mentoring/wiring.py``): their enrolments are withdrawn, so
    their pairs end and their future meetings are cancelled."""
    if by is not None and person.pk == by.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    with transaction.atomic():
        updated = User.objects.filter(pk=person.pk, is_active=True).update(is_active=False)
        if not updated:
            raise ValidationError(_("This person is already deactivated."))
        person.refresh_from_db()
        events.person_deactivated.send(events.PersonDeactivated(person=person))
        audit_record(action=Action.PERSON_DEACTIVATED, actor=by, target=person, request=request)
    return person


def person_reactivate(*, person: User) -> User:
    """Someone came back: they can sign in again. Nothing they were part of returns;
    they enrol in programs again as anyone does."""
    with transaction.atomic():
        updated = User.objects.filter(pk=person.pk, is_active=False).update(is_active=True)
        if not updated:
            raise ValidationError(_("This person is already active."))
        person.refresh_from_db()
    return person


def person_email_kind_turn_off(*, person: User, kind: str) -> User:
    """Turn one kind of optional e-mail off ("reminders" or "nudges"): an unsubscribe link."""
    field = {"reminders": "email_reminders", "nudges": "email_nudges"}[kind]
    setattr(person, field, False)
    person.save(update_fields=[field])
    return person


def hr_admin_changes_record(
    *, before: frozenset[int], person_ids: Iterable[int], request: HttpRequest | None
) -> None:
    """After an edit that may grant or remove the HR admin role (a person's groups,
    permissions or superuser flag; a group's permissions): one audit row per person whose
    role changed, compared with ``before`` (``hr_admins_among`` read before the edit).
    Called inside the edit's transaction."""
    ids = list(person_ids)
    after = hr_admins_among(ids)
    for person_id in sorted(after - before):
        audit_record(
            action=Action.ROLE_GRANTED,
            target_type="user",
            target_id=person_id,
            details={"role": "hr_admin"},
            request=request,
        )
    for person_id in sorted(before - after):
        audit_record(
            action=Action.ROLE_REMOVED,
            target_type="user",
            target_id=person_id,
            details={"role": "hr_admin"},
            request=request,
        )
