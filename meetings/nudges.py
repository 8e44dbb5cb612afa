"""Nudges on metadata only: a pair with no meeting booked for the program's threshold of days
after it started or after its last meeting gets one friendly e-mail per quiet period.

Sent to the people of the pair, never to a manager; times and links, never content. Each
e-mail is an outbox row, sent when due (``lib.outbox``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.db.models.functions import Coalesce, Greatest

from lib.links import absolute_url
from lib.mail import compose
from lib.outbox import Outbox
from matching.membership import counterpart, is_member, load_members, member_ids
from matching.models import Pair
from meetings import notices
from meetings.models import Meeting, Nudge, NudgeMail
from notifications.services import notify
from people.unsubscribe import Kind, unsubscribe_headers, unsubscribe_url
from programs.models import Program


def quiet_pairs(*, now: dt.datetime, pair_id: int | None = None) -> list[tuple[int, dt.datetime]]:
    """Active pairs with nothing booked ahead, quiet since (pair id, period start)."""
    live = Meeting.objects.filter(pair=OuterRef("pk"), status=Meeting.Status.SCHEDULED)
    pairs = Pair.objects.filter(status=Pair.Status.ACTIVE)
    if pair_id is not None:
        pairs = pairs.filter(pk=pair_id)
    rows = (
        pairs.exclude(program__status=Program.Status.CLOSED)
        .annotate(
            booked_ahead=Exists(live.filter(end__gt=now)),
            last_end=Max("meetings__end", filter=Q(meetings__status=Meeting.Status.SCHEDULED)),
        )
        .filter(booked_ahead=False)
        .annotate(quiet_since=Greatest("started_at", Coalesce("last_end", "started_at")))
        .values_list("pk", "quiet_since", "program__nudge_after_days")
    )
    return [
        (pk, quiet_since)
        for pk, quiet_since, days in rows
        if quiet_since + dt.timedelta(days=days) <= now
    ]


def nudges_plan(*, now: dt.datetime) -> list[int]:
    """Write one nudge per quiet period, with one e-mail row per member due now; returns
    the ids of the e-mail rows new this time (a second run in the same period writes none)."""
    created: list[int] = []
    for pair_id, quiet_since in quiet_pairs(now=now):
        with transaction.atomic():
            nudge, is_new = Nudge.objects.get_or_create(pair_id=pair_id, period_start=quiet_since)
            if is_new:
                people = member_ids(nudge.pair)
                created += [
                    NudgeMail.objects.create(nudge=nudge, recipient_id=person_id, due_at=now).pk
                    for person_id in people
                ]
                # In-app whatever the e-mail settings say (those turn off e-mails only).
                for person_id, other in zip(people, people[::-1], strict=True):
                    notify(
                        kind=notices.NUDGE,
                        recipient_ids=[person_id],
                        params={"pair": pair_id, "person": other},
                    )
    return created


def _load(ids: Sequence[int]) -> list[NudgeMail]:
    rows = list(
        NudgeMail.objects.select_related("nudge__pair__program", "recipient")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    people = {p.pk: p for p in load_members(row.nudge.pair for row in rows)}
    for row in rows:
        if row.recipient_id in people:
            row.recipient = people[row.recipient_id]  # one object per person: counterparts
    return rows


def _skip_reason(row: NudgeMail, now: dt.datetime) -> str | None:
    person, nudge = row.recipient, row.nudge
    if not is_member(nudge.pair, person):
        return "not in pair"
    if not person.is_active or not person.email:
        return "inactive person"
    if not person.email_nudges:
        return "turned off"
    if (nudge.pair_id, nudge.period_start) not in set(quiet_pairs(now=now, pair_id=nudge.pair_id)):
        return "no longer quiet"  # a meeting was booked, the pair ended, the program closed
    return None


def _message(row: NudgeMail) -> EmailMessage:
    pair, person = row.nudge.pair, row.recipient
    context = {
        "person": person,
        "other": counterpart(pair, person),
        "days": pair.program.nudge_after_days,
        "url": absolute_url("meetings:schedule", pair_id=pair.pk),
        "settings_url": absolute_url("people:email_settings"),
        "unsubscribe_url": unsubscribe_url(person_id=person.pk, kind=Kind.NUDGES),
    }
    message = compose("meetings/email/nudge", to=person, context=context)
    message.extra_headers.update(unsubscribe_headers(person_id=person.pk, kind=Kind.NUDGES))
    return message


NUDGES = Outbox(
    model=NudgeMail, label="Nudge e-mail", load=_load, skip_reason=_skip_reason, message=_message
)
