"""The weekly HR digest: counts per program, no names and no content."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from lib.links import absolute_url
from lib.mail import compose
from matching.models import Pair
from meetings.models import DigestSent, Meeting
from people.models import HR_ADMIN_PERMISSION, User
from programs.models import Program


@dataclass(frozen=True)
class ProgramCounts:
    name: str
    pairs: int
    meetings_held: int  # in the past seven days
    pairs_without_meeting: int  # active pairs that never had or booked one


def digest_counts(*, now: dt.datetime) -> list[ProgramCounts]:
    week_ago = now - dt.timedelta(days=7)
    programs = (
        Program.objects.exclude(status=Program.Status.CLOSED)
        .annotate(
            active_pairs=Count("pairs", filter=Q(pairs__status=Pair.Status.ACTIVE), distinct=True),
            held=Count(
                "pairs__meetings",
                filter=Q(
                    pairs__meetings__status=Meeting.Status.SCHEDULED,
                    pairs__meetings__end__lte=now,
                    pairs__meetings__end__gt=week_ago,
                ),
                distinct=True,
            ),
        )
        .order_by("name")
    )
    any_meeting = Meeting.objects.filter(pair=OuterRef("pk"), status=Meeting.Status.SCHEDULED)
    quiet_counts = dict(
        Pair.objects.filter(status=Pair.Status.ACTIVE)
        .filter(~Exists(any_meeting))
        .order_by()
        .values("program_id")
        .annotate(n=Count("pk"))
        .values_list("program_id", "n")
    )
    return [
        ProgramCounts(p.name, p.active_pairs, p.held, quiet_counts.get(p.pk, 0)) for p in programs
    ]


def _hr_admins() -> list[User]:
    app_label, codename = HR_ADMIN_PERMISSION.split(".")
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    if permission is None:
        return []
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(groups__permissions=permission) | Q(user_permissions=permission))
        .exclude(email="")
        .distinct()
    )


def digest_send(*, now: dt.datetime | None = None) -> int:
    """Send this week's digest to every HR admin, once per week; returns e-mails sent."""
    now = now or timezone.now()
    week = timezone.localdate(now) - dt.timedelta(days=timezone.localdate(now).weekday())
    try:
        with transaction.atomic():
            DigestSent.objects.create(week=week)
    except IntegrityError:
        return 0  # already sent this week
    counts = digest_counts(now=now)
    sent = 0
    for person in _hr_admins():
        context = {"person": person, "programs": counts, "week": week, "url": absolute_url("home")}
        sent += compose("meetings/email/digest", to=person, context=context).send()
    return sent
