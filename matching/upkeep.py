"""Beat's upkeep of mentee requests: unanswered ones expire, and each reminds its mentor
once. The worker's tasks ``matching.expire_requests`` and ``matching.remind_mentors`` run
these. Nothing here enqueues work."""

from __future__ import annotations

import datetime as dt
import smtplib

from django.db.models import Q
from django.utils import timezone

from matching import notifications
from matching.models import MentorshipRequest
from programs.models import Program


def requests_expire(*, now: dt.datetime | None = None) -> int:
    """Unanswered requests past their program's limit expire (run by beat)."""
    now = now or timezone.now()
    return MentorshipRequest.objects.filter(
        Q(expires_at__lte=now), status=MentorshipRequest.Status.OPEN
    ).update(status=MentorshipRequest.Status.EXPIRED, responded_at=now)


def request_reminder_after(program: Program) -> dt.timedelta:
    """An open request reminds its mentor once, half-way to its expiry (at least a day)."""
    return max(dt.timedelta(days=1), dt.timedelta(days=program.request_expiry_days) / 2)


def requests_remind_mentors(*, now: dt.datetime | None = None) -> int:
    """E-mail each mentor once about a request left unanswered (run by beat); returns how many.

    Each request is claimed by a conditional update before its e-mail goes, so two runs at
    once never both send; a failed e-mail gives its claim back for the next run.
    """
    now = now or timezone.now()
    candidates = (
        MentorshipRequest.objects.filter(
            status=MentorshipRequest.Status.OPEN,
            reminded_at__isnull=True,
            expires_at__gt=now,
            created_at__lte=now - dt.timedelta(days=1),
        )
        .exclude(program__status=Program.Status.CLOSED)
        .select_related("program", "mentee__person", "mentor__person")
        .order_by("created_at")
    )
    sent = 0
    for request in candidates:
        if request.created_at + request_reminder_after(request.program) > now:
            continue
        claimed = MentorshipRequest.objects.filter(
            pk=request.pk, status=MentorshipRequest.Status.OPEN, reminded_at__isnull=True
        ).update(reminded_at=now)
        if not claimed:
            continue  # answered meanwhile, or another run has it
        try:
            sent += notifications.request_reminder_send(request=request)
        except (smtplib.SMTPException, OSError):
            MentorshipRequest.objects.filter(pk=request.pk, reminded_at=now).update(
                reminded_at=None
            )
    return sent
