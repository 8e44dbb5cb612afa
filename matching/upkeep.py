"""Beat's upkeep of mentee requests: unanswered ones expire, and each reminds its mentor
once, through an outbox row sent when due (``lib.outbox``). The worker's tasks
``matching.expire_requests`` and ``matching.remind_mentors`` run these. Nothing here
enqueues work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lib.outbox import Outbox, outbox_deliver
from matching import notices, notifications
from matching.models import MentorshipRequest, RequestReminder
from notifications.kinds import iso
from notifications.services import notify, notify_each
from programs.models import Program


def requests_expire(*, now: dt.datetime | None = None) -> int:
    """Unanswered requests past their program's limit expire (run by beat)."""
    now = now or timezone.now()
    with transaction.atomic():
        due = MentorshipRequest.objects.filter(
            Q(expires_at__lte=now), status=MentorshipRequest.Status.OPEN
        )
        expiring = list(
            due.select_for_update(of=("self",)).values_list(
                "pk", "program_id", "mentee__person_id", "mentor__person_id"
            )
        )
        expired = MentorshipRequest.objects.filter(
            pk__in=[pk for pk, *_rest in expiring], status=MentorshipRequest.Status.OPEN
        ).update(status=MentorshipRequest.Status.EXPIRED, responded_at=now)
        notify_each(  # the mentee learns it in-app: they may ask someone else
            kind=notices.REQUEST_EXPIRED,
            rows=[
                (mentee, {"program": program, "person": mentor})
                for _pk, program, mentee, mentor in expiring
            ],
        )
    return expired


def request_reminder_after(program: Program) -> dt.timedelta:
    """An open request reminds its mentor once, half-way to its expiry (at least a day)."""
    return max(dt.timedelta(days=1), dt.timedelta(days=program.request_expiry_days) / 2)


def request_reminders_plan(*, now: dt.datetime | None = None) -> list[int]:
    """One reminder row, due now, for each open request left unanswered half-way to its
    expiry (run by beat); returns the ids of the rows new this time. A request gets one
    reminder row ever (its one-to-one key), so a second run writes none."""
    now = now or timezone.now()
    candidates = (
        MentorshipRequest.objects.filter(
            status=MentorshipRequest.Status.OPEN,
            reminder__isnull=True,
            expires_at__gt=now,
            created_at__lte=now - dt.timedelta(days=1),
        )
        .exclude(program__status=Program.Status.CLOSED)
        .select_related("program", "mentor", "mentee")
        .order_by("created_at")
    )
    created = []
    for request in candidates:
        if request.created_at + request_reminder_after(request.program) > now:
            continue
        with transaction.atomic():
            row, is_new = RequestReminder.objects.get_or_create(
                request=request,
                defaults={"recipient_id": request.mentor.person_id, "due_at": now},
            )
            if is_new:
                notify(
                    kind=notices.REQUEST_REMINDER,
                    recipient_ids=[request.mentor.person_id],
                    params={
                        "program": request.program_id,
                        "person": request.mentee.person_id,
                        "deadline": iso(request.expires_at),
                    },
                )
        if is_new:
            created.append(row.pk)
    return created


def _load(ids: Sequence[int]) -> list[RequestReminder]:
    return list(
        RequestReminder.objects.select_related(
            "recipient", "request__program", "request__mentee__person"
        )
        .filter(pk__in=ids)
        .order_by("pk")
    )


def _skip_reason(row: RequestReminder, now: dt.datetime) -> str | None:
    request, mentor = row.request, row.recipient
    if request.status != MentorshipRequest.Status.OPEN or request.expires_at <= now:
        return "answered or expired"
    if request.program.status == Program.Status.CLOSED:
        return "program closed"
    if not mentor.is_active or not mentor.email:
        return "inactive person"
    return None


def _message(row: RequestReminder) -> EmailMessage:
    return notifications.request_reminder_message(request=row.request, mentor=row.recipient)


REQUEST_REMINDERS = Outbox(
    model=RequestReminder,
    label="Request reminder",
    load=_load,
    skip_reason=_skip_reason,
    message=_message,
)


def requests_remind_mentors(*, now: dt.datetime | None = None) -> int:
    """Plan the reminders now due and send them at once (beat's hourly run; rows a failure
    put back are sent by ``outbox_deliver_due`` when their backoff ends); returns how many
    e-mails went out."""
    now = now or timezone.now()
    return outbox_deliver(REQUEST_REMINDERS, request_reminders_plan(now=now), now=now)
