"""The weekly HR digest: counts per program, no names and no content. One e-mail row per HR
admin and week, sent when due (``lib.outbox``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from lib.links import absolute_url
from lib.mail import compose
from lib.outbox import Outbox, outbox_deliver
from matching.models import Pair
from meetings import notices
from meetings.models import DigestMail, DigestWeek, Meeting
from notifications.services import notify
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


def _monday(now: dt.datetime) -> dt.date:
    today = timezone.localdate(now)
    return today - dt.timedelta(days=today.weekday())


def digest_plan(*, now: dt.datetime | None = None) -> list[int]:
    """Plan this week's digest: one e-mail row per HR admin, due now, once per week;
    returns the ids of the rows new this time (a second run in the same week writes none)."""
    now = now or timezone.now()
    with transaction.atomic():
        week, is_new = DigestWeek.objects.get_or_create(week=_monday(now))
        if not is_new:
            return []
        admins = list(_hr_admins())
        notify(  # in-app too: the counts themselves stay in the e-mail and HR's pages
            kind=notices.HR_DIGEST,
            recipient_ids=[person.pk for person in admins],
            params={"week": week.week.isoformat()},
        )
        return [
            DigestMail.objects.create(week=week, recipient=person, due_at=now).pk
            for person in admins
        ]


def _load(ids: Sequence[int]) -> list[DigestMail]:
    return list(
        DigestMail.objects.select_related("week", "recipient").filter(pk__in=ids).order_by("pk")
    )


def _skip_reason(row: DigestMail, now: dt.datetime) -> str | None:
    person = row.recipient
    if not person.is_active or not person.email:
        return "inactive person"
    if not person.has_perm(HR_ADMIN_PERMISSION):
        return "no longer an HR admin"
    if timezone.localdate(now) - row.week.week > dt.timedelta(days=7):
        return "a later week's digest is due"
    return None


def _message(row: DigestMail) -> EmailMessage:
    person = row.recipient
    context = {
        "person": person,
        "programs": digest_counts(now=timezone.now()),
        "week": row.week.week,
        "url": absolute_url("programs:hr_list"),  # where HR acts on the counts
    }
    return compose("meetings/email/digest", to=person, context=context)


DIGESTS = Outbox(
    model=DigestMail, label="Digest e-mail", load=_load, skip_reason=_skip_reason, message=_message
)


def digest_send(*, now: dt.datetime | None = None) -> int:
    """Plan this week's digest and send it at once (a shell, a test; beat plans it on Monday
    mornings and delivers the rows when due); returns how many e-mails went out."""
    now = now or timezone.now()
    return outbox_deliver(DIGESTS, digest_plan(now=now), now=now)
