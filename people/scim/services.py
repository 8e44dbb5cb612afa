"""Writes through SCIM: people created, replaced, patched and deactivated by an identity
provider, and the bearer tokens it holds.

A User is turned into the CSV import's row and checked and written by the same code
(``people.imports.person_values_check``, ``database_problems``,
``people.services.people_rows_write``): one place decides what a valid person and a valid
reporting line are. Each request is one transaction; a refusal raises a SCIM error and
leaves nothing half-applied.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from pydantic import ValidationError
from scim2_models import (
    InvalidValueException,
    MutabilityException,
    PatchOp,
    SCIMException,
    UniquenessException,
)

from audit.models import Action
from audit.services import audit_record
from people import tasks
from people.imports import (
    ImportProblem,
    database_problems,
    existing_people_load,
    person_values_check,
)
from people.models import ScimToken
from people.models import User as Person
from people.scim.resources import PersonFields, ScimUser, person_fields, person_to_scim
from people.services import people_rows_write, person_deactivate, person_reactivate

TOKEN_PREFIX = "scim_"  # noqa: S105 - a marker that says what a secret is for, not a secret
# The SCIM attribute each CSV column comes from, for error messages an IdP admin reads.
ATTRIBUTE_OF_COLUMN = {
    "employee_id": "employeeNumber",
    "email": "userName",
    "full_name": "displayName",
    "department": "department",
    "title": "title",
    "manager_employee_id": "manager",
    "time_zone": "timezone",
    "language": "preferredLanguage",
}
_CREATED_FIELDS = ("email", "full_name", "employee_id", "department", "title", "manager")


# ---------------------------------------------------------------- tokens


def token_hash(secret: str) -> str:
    # The secret is 256 random bits: a plain digest is enough, and lets us look it up.
    return hashlib.sha256(secret.encode()).hexdigest()


def scim_token_create(*, name: str) -> tuple[ScimToken, str]:
    """A new token and its secret, which is shown once and never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ScimToken.objects.create(name=name.strip(), token_hash=token_hash(secret))
    return token, secret


def scim_token_revoke(*, token: ScimToken) -> ScimToken:
    """Revoked at once: the next request with it is refused."""
    ScimToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    return token


# ---------------------------------------------------------------- people


def scim_user_create(*, scim: ScimUser, token: ScimToken) -> Person:
    fields = person_fields(scim, current=None)
    with transaction.atomic():
        if fields.employee_id and Person.objects.filter(employee_id=fields.employee_id).exists():
            raise UniquenessException(detail="A person with this employeeNumber already exists.")
        person, changed = _person_write(fields=fields, person=None)
        tasks.send_invitation.delay_on_commit(person.pk)
        _record(token=token, person=person, changed=changed)
    return person


def scim_user_replace(*, person: Person, scim: ScimUser, token: ScimToken) -> Person:
    with transaction.atomic():
        person = _locked(person)
        fields = person_fields(scim, current=person)
        person, changed = _person_write(fields=fields, person=person)
        _record(token=token, person=person, changed=changed)
    return person


def scim_user_patch(
    *, person: Person, patch: PatchOp[ScimUser], token: ScimToken, base_url: str
) -> Person:
    """Apply the operations to the person as SCIM shows them, then write the result as a
    replacement would: a patch is checked exactly as a full User is."""
    with transaction.atomic():
        person = _locked(person)
        scim = person_to_scim(person, base_url=base_url)
        try:
            patch.patch(scim)
        except ValidationError as error:
            raise InvalidValueException(detail=str(error.errors()[0]["msg"])) from None
        fields = person_fields(scim, current=person)
        person, changed = _person_write(fields=fields, person=person)
        _record(token=token, person=person, changed=changed)
    return person


def scim_user_deactivate(*, person: Person, token: ScimToken) -> Person:
    """DELETE: a person is never deleted through SCIM (their programs' counts and the audit
    log keep referring to them); they are deactivated, as ``active: false`` does."""
    with transaction.atomic():
        person = _locked(person)
        changed = _active_set(person=person, active=False)
        _record(token=token, person=person, changed=changed)
    return person


def _locked(person: Person) -> Person:
    return (
        Person.objects.select_for_update(of=("self",))
        .select_related("department", "manager")
        .get(pk=person.pk)
    )


def _record(*, token: ScimToken, person: Person, changed: list[str]) -> None:
    if changed:
        audit_record(
            action=Action.SCIM_CHANGE,
            actor_label=f"scim:{token.name}",
            target=person,
            details={"fields": changed},
        )


def _person_write(*, fields: PersonFields, person: Person | None) -> tuple[Person, list[str]]:
    employee_id = _employee_id_settle(person, fields.employee_id)
    values = {
        "employee_id": employee_id,
        "email": fields.email,
        "full_name": fields.full_name,
        "department": fields.department,
        "title": fields.title,
        "manager_employee_id": _manager_employee_id(fields.manager_pk),
        "time_zone": fields.time_zone,
        "language": fields.language,
    }
    row, problems = person_values_check(number=1, values=values)
    if row is None or problems:
        raise _refusal(problems[0], conflict=False)
    existing = existing_people_load(rows=[row])
    if problems := database_problems(rows=[row], existing=existing):
        raise _refusal(problems[0], conflict=problems[0].column == "email")
    try:
        with transaction.atomic():  # a concurrent twin may win the unique e-mail
            changes = people_rows_write(rows=[row], existing=existing)
    except IntegrityError:
        raise UniquenessException(detail="Another person already has this userName.") from None
    written = Person.objects.select_related("department", "manager").get(employee_id=employee_id)
    if person is None:
        changed = ["created", *(name for name in _CREATED_FIELDS if values[_column(name)])]
    else:
        written_fields = {name.removesuffix("_id") for name in changes.fields}  # department_id
        changed = sorted(written_fields | ({"employee_id"} if not person.employee_id else set()))
    changed += _active_set(person=written, active=fields.active)
    return written, changed


def _column(field: str) -> str:
    return "manager_employee_id" if field == "manager" else field


def _employee_id_settle(person: Person | None, given: str) -> str:
    """The employee id is the person's key, as in the CSV import: it cannot change. A
    person made without one (in the admin) takes the first one SCIM gives them."""
    if person is None:
        return given
    if person.employee_id:
        if given and given != person.employee_id:
            raise MutabilityException(detail="employeeNumber cannot change once set.")
        return person.employee_id
    if not given:
        return ""
    if Person.objects.filter(employee_id=given).exists():
        raise UniquenessException(detail="Another person already has this employeeNumber.")
    person.employee_id = given
    person.save(update_fields=["employee_id"])
    return given


def _manager_employee_id(manager_pk: str) -> str:
    if not manager_pk:
        return ""
    known = manager_pk.isdigit() and len(manager_pk) <= 18  # ids fit a 64-bit integer
    manager = Person.objects.filter(pk=int(manager_pk)).first() if known else None
    if manager is None:
        raise InvalidValueException(detail=f"manager: no User has the id {manager_pk!r}.")
    if not manager.employee_id:
        raise InvalidValueException(
            detail="manager: this User has no employeeNumber yet; give them one first."
        )
    return manager.employee_id


def _refusal(problem: ImportProblem, *, conflict: bool) -> SCIMException:
    attribute = ATTRIBUTE_OF_COLUMN.get(problem.column, problem.column or "User")
    detail = f"{attribute}: {problem.message}"
    if conflict:
        return UniquenessException(detail=detail)
    return InvalidValueException(detail=detail)


def _active_set(*, person: Person, active: bool) -> list[str]:
    """Deactivation goes through HR's service: sign-in blocked, pairs ended, meetings
    cancelled, reminders stopped."""
    if person.is_active == active:
        return []
    if active:
        person_reactivate(person=person)
    else:
        person_deactivate(person=person, by=None)
    return ["is_active"]
