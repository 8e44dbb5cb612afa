"""Nudges on metadata only: a pair with no meeting booked for the program's threshold of days
after it started or after its last meeting gets one friendly e-mail per quiet period.

Sent to the two people of the pair, never to a manager; times and links, never content.
"""

from __future__ import annotations

import datetime as dt

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from lib.links import absolute_url
from lib.mail import compose
from matching.membership import counterpart, members
from matching.models import Pair
from meetings.models import Meeting, Nudge
from people.models import User
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
    """Write one nudge row per quiet period; returns the ids of rows new this time."""
    created: list[int] = []
    for pair_id, quiet_since in quiet_pairs(now=now):
        with transaction.atomic():
            nudge, is_new = Nudge.objects.get_or_create(pair_id=pair_id, period_start=quiet_since)
        if is_new:
            created.append(nudge.pk)
    return created


def _message(pair: Pair, person: User, other: User) -> EmailMessage:
    context = {
        "person": person,
        "other": other,
        "days": pair.program.nudge_after_days,
        "url": absolute_url("meetings:schedule", pair_id=pair.pk),
        "settings_url": absolute_url("people:email_settings"),
    }
    return compose("meetings/email/nudge", to=person, context=context)


def nudge_send(nudge_id: int) -> int:
    """E-mail both people of the pair once; returns how many e-mails went out."""
    nudge = (
        Nudge.objects.select_related(
            "pair__program", "pair__mentee__person", "pair__mentor__person"
        )
        .filter(pk=nudge_id, status=Nudge.Status.PENDING)
        .first()
    )
    if nudge is None:
        return 0
    pair = nudge.pair
    still_quiet = (pair.pk, nudge.period_start) in set(
        quiet_pairs(now=timezone.now(), pair_id=pair.pk)
    )
    if not still_quiet:
        Nudge.objects.filter(pk=nudge.pk, status=Nudge.Status.PENDING).update(
            status=Nudge.Status.SKIPPED
        )
        return 0
    # Claim first: a second delivery of this task finds nothing pending.
    if not Nudge.objects.filter(pk=nudge.pk, status=Nudge.Status.PENDING).update(
        status=Nudge.Status.SENT, sent_at=timezone.now()
    ):
        return 0
    sent = 0
    for person in members(pair):
        if person.is_active and person.email and person.email_nudges:
            sent += _message(pair, person, counterpart(pair, person)).send()
    return sent
