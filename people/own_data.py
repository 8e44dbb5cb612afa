"""Writes about a person's own data: asking for an export of it, and erasing a person.

Both walk the registry in ``lib/personal_data.py``, where every app that holds personal
data (the journal included, which this app may not import) answers for its own rows.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import audit_record
from lib.personal_data import erase_person
from people import events, tasks
from people.archive import archive_path
from people.models import STAND_IN_DOMAIN, STAND_IN_NAME, DataExport, User

STALE_BUILD = dt.timedelta(hours=1)  # a build this old was lost with its worker


def data_export_request(*, person: User) -> DataExport:
    """Queue an archive of the person's own data; one at a time."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=person.pk).first()  # one request at a time
        busy = DataExport.objects.filter(
            person=person,
            status__in=(DataExport.Status.QUEUED, DataExport.Status.BUILDING),
            requested_at__gte=timezone.now() - STALE_BUILD,
        )
        if busy.exists():
            raise ValidationError(_("Your archive is already being prepared."))
        export = DataExport.objects.create(person=person)
        tasks.build_data_export.delay_on_commit(export.pk)
    return export


@dataclass(frozen=True)
class Erasure:
    person_id: int  # the erased account's id: a number that now leads nowhere
    counts: dict[str, dict[str, int]]


def person_erase(*, person: User, by: User) -> Erasure:
    """Erase a person, irreversibly, in one transaction.

    Their pairs end with the usual cascade (``person_deactivated``, unless they were
    deactivated already); then every app's eraser runs (``lib.personal_data``), apps above
    first: private notes, enrolments' answers, requests' texts, answers to invitations and
    feeds go; what the other member of a pair still needs passes to a stand-in ("a former
    participant", no personal data). Then the account is deleted, and the audit log
    records the erasure with the account's id and counts only. Their export archives are
    deleted after the commit."""
    if person.pk == by.pk:
        raise ValidationError(_("You cannot erase yourself."))
    if person.is_stand_in:
        raise ValidationError(_("This person was already erased."))
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if person.is_active:
            User.objects.filter(pk=person.pk).update(is_active=False)
            person.refresh_from_db()
            events.person_deactivated.send(events.PersonDeactivated(person=person))
        replacement = _stand_in()
        counts = erase_person(person=person, replacement=replacement)
        files = [
            archive_path(export)
            for export in DataExport.objects.filter(person=person).exclude(file_name="")
        ]
        person_id = person.pk
        User.objects.filter(manager=person).update(manager=None)
        person.delete()
        audit_record(
            action=Action.PERSON_ERASED,
            actor=by,
            target=_Erased(pk=person_id),
            target_type="person",
            details={"counts": counts},
        )
        transaction.on_commit(lambda: _files_delete(files))
    return Erasure(person_id=person_id, counts=counts)


@dataclass
class _Erased:
    pk: int


def _stand_in() -> User:
    stand_in = User(
        email=f"former-{secrets.token_hex(8)}@{STAND_IN_DOMAIN}",
        full_name=STAND_IN_NAME,
        is_active=False,
        invited_at=timezone.now(),  # never invited
        email_reminders=False,
        email_nudges=False,
    )
    stand_in.set_unusable_password()
    stand_in.save()
    return stand_in


def _files_delete(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
