"""The operators' reading of the audit log: the filter, one page of rows with the names of
the people and programs they point at, and the CSV export.

The log keeps ids only (``audit``); names are looked up here, in the roof, for the rows
shown: one query for the people, one for the programs, whatever the number of rows. A
person who no longer exists is "former participant #<id>".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.models import Action, AuditEvent
from people.models import User
from programs.exports import csv_document, utc_iso
from programs.models import Program

SEARCH_MAX = 100
EXPORT_BATCH = 2_000  # rows whose names are looked up together in the export
CSV_HEADER = ("at_utc", "action", "actor", "target", "details", "address")


class AuditFilterForm(forms.Form):
    """GET filter; a value that is not valid is reported and left out of the filter."""

    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *Action.choices]
    )
    actor = forms.CharField(
        label=_("Who acted"),
        help_text=_("Part of a name or e-mail address, or #id"),
        required=False,
        max_length=SEARCH_MAX,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    target = forms.CharField(
        label=_("Whom or what it concerned"),
        help_text=_("Part of a name or e-mail address, or #id"),
        required=False,
        max_length=SEARCH_MAX,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    FIELDS = ("action", "actor", "target", "since", "until")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period comes before its start."))
        return data

    def filters(self) -> dict[str, Any]:
        """The valid fields' values (the others are reported on the page and ignored)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in self.FIELDS if data.get(name)}


def _person_ids(text: str) -> QuerySet[User] | list[int]:
    """The ids of people matching ``#<id>`` (erased people included: they have no row
    left to match) or part of a name or e-mail address, as a subquery."""
    if text.startswith("#") and text[1:].isdigit():
        return [int(text[1:])]
    matching = Q(full_name__icontains=text) | Q(email__icontains=text)
    return User.objects.filter(matching).values("pk")  # type: ignore[return-value]


def audit_events(*, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """The rows that pass the filter, newest first, as one query (people's names are
    matched in a subquery)."""
    events = AuditEvent.objects.all()
    if action := filters.get("action"):
        events = events.filter(action=action)
    if actor := filters.get("actor"):
        events = events.filter(actor_id__in=_person_ids(actor))
    if target := filters.get("target"):
        by_id = target.startswith("#") and target[1:].isdigit()
        kinds = Q() if by_id else Q(target_type="user")
        events = events.filter(kinds, target_id__in=_person_ids(target))
    zone = timezone.get_current_timezone()
    if since := filters.get("since"):
        events = events.filter(at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=zone))
    if until := filters.get("until"):
        next_day = until + dt.timedelta(days=1)
        events = events.filter(at__lt=dt.datetime.combine(next_day, dt.time.min, tzinfo=zone))
    return events.order_by("-at", "-id")


@dataclass(frozen=True)
class AuditRow:
    at: dt.datetime
    action: str
    actor: str
    actor_known: bool  # False for the system or a former participant
    target: str
    details: str
    ip: str


def audit_rows(events: Sequence[AuditEvent]) -> list[AuditRow]:
    """The rows with names: two queries for any number of rows."""
    person_ids = {e.actor_id for e in events if e.actor_id is not None} | {
        e.target_id for e in events if e.target_type == "user" and e.target_id is not None
    }
    program_ids = {e.target_id for e in events if e.target_type == "program" and e.target_id}
    people = dict(
        User.objects.filter(pk__in=person_ids).values_list("pk", "full_name") if person_ids else ()
    )
    programs = dict(
        Program.objects.filter(pk__in=program_ids).values_list("pk", "name") if program_ids else ()
    )
    return [_row(e, people, programs) for e in events]


def _person(person_id: int, people: dict[int, str]) -> str:
    if person_id in people:
        return people[person_id] or f"#{person_id}"
    return gettext("former participant #%(id)s") % {"id": person_id}


def _row(event: AuditEvent, people: dict[int, str], programs: dict[int, str]) -> AuditRow:
    if event.actor_id is not None:
        actor = _person(event.actor_id, people)
    else:
        actor = event.actor_label or gettext("the system")
    return AuditRow(
        at=event.at,
        action=event.get_action_display(),
        actor=actor,
        actor_known=event.actor_id in people,
        target=_target(event, people, programs),
        details=_details(event.details),
        ip=event.ip or "",
    )


def _target(event: AuditEvent, people: dict[int, str], programs: dict[int, str]) -> str:
    if event.target_id is None:
        return event.target_type.replace("_", " ")
    if event.target_type == "user":
        return _person(event.target_id, people)
    if event.target_type == "program" and event.target_id in programs:
        return programs[event.target_id]
    return f"{event.target_type.replace('_', ' ')} #{event.target_id}"


def _details(details: dict[str, Any]) -> str:
    """Counts, statuses and field names as "key: value; ...": the log holds nothing else."""

    def text(value: object) -> str:
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value) or gettext("none")
        return str(value)

    # Sorted: PostgreSQL keeps a JSON object's keys in an order of its own.
    return "; ".join(
        f"{key.replace('_', ' ')}: {text(value)}" for key, value in sorted(details.items())
    )


def audit_csv(events: QuerySet[AuditEvent]) -> tuple[bytes, int]:
    """Every row that passes the filter, names looked up a batch of rows at a time; and
    how many rows there are."""
    counted = [0]
    document = csv_document(
        CSV_HEADER, _csv_rows(events.iterator(chunk_size=EXPORT_BATCH), counted)
    )
    return document, counted[0]


def _csv_rows(events: Iterator[AuditEvent], counted: list[int]) -> Iterable[tuple[object, ...]]:
    while batch := list(islice(events, EXPORT_BATCH)):
        counted[0] += len(batch)
        for row in audit_rows(batch):
            yield (utc_iso(row.at), row.action, row.actor, row.target, row.details, row.ip)
