"""The meeting schedule: times, status and place. No free text that could carry content:
what a meeting is about belongs in the journal."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lib.outbox import OutboxRow, once_per_recipient, pending_index
from matching.models import Pair


class Series(models.Model):
    """A recurring meeting: every N weeks at the same wall-clock time in the organiser's zone."""

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="meeting_series")
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    time_zone = models.CharField(max_length=64)
    interval_weeks = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return f"Series #{self.pk}"


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="meetings")
    series = models.ForeignKey(
        Series, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    place = models.CharField(_("place or video link"), max_length=300, blank=True)
    logged = models.BooleanField(default=False)  # recorded afterwards, held elsewhere
    version = models.PositiveIntegerField(default=0)  # ICS SEQUENCE; reminders plan per version
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="meetings_meeting_ends_after_start"
            )
        ]
        indexes = [
            models.Index(fields=["pair", "start"], name="meetings_meeting_pair_idx"),
            # A pair's held meetings (status, end) counted, and the last one's start, from the
            # index alone: HR's health figures and pair list (meetings/health.py).
            models.Index(
                fields=["pair", "status", "end", "start"], name="meetings_meeting_held_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Meeting #{self.pk}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class Attendance(models.Model):
    """One person at one meeting, with its time range: where double-booking is prevented.

    On PostgreSQL an exclusion constraint (migration 0002) forbids two active rows of the
    same person with overlapping ranges; on SQLite the service checks inside the write
    transaction, which SQLite's IMMEDIATE mode serialises.
    """

    class Response(models.TextChoices):
        NEEDS_ACTION = "needs_action", _("Not answered yet")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    active = models.BooleanField(default=True)  # false once the meeting is cancelled
    response = models.CharField(
        max_length=14, choices=Response.choices, default=Response.NEEDS_ACTION
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], name="meetings_attendance_once_per_person"
            )
        ]
        indexes = [models.Index(fields=["person", "start"], name="meetings_attend_person_idx")]

    def __str__(self) -> str:
        return f"Attendance #{self.pk}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A secret calendar feed address: a person's own meetings, or a manager's team."""

    class Kind(models.TextChoices):
        OWN = "own", _("My meetings")
        TEAM = "team", _("My team's mentoring time")

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4, choices=Kind.choices, default=Kind.OWN)
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="meetings_feed_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"Calendar feed #{self.pk}"


class Reminder(OutboxRow):
    """One reminder e-mail for one person before one meeting: the outbox row is the truth,
    Celery only carries it. Written in the same transaction as the meeting change."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20)  # "before_<minutes>"
    planned_version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            # The recipient sits between the meeting and the kind (the index's column order).
            models.UniqueConstraint(
                fields=["meeting", "recipient", "kind"], name="meetings_reminder_once"
            )
        ]
        indexes = [pending_index("meetings_reminder_pending_idx")]

    def __str__(self) -> str:
        return f"Reminder #{self.pk}"


class Nudge(models.Model):
    """A quiet period of a pair with no meeting booked for a while, keyed by the moment it
    began (the pair's start or its last meeting's end): one nudge e-mail per member
    (``NudgeMail``) per period, never a second."""

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="nudges")
    period_start = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pair", "period_start"], name="meetings_nudge_once")
        ]

    def __str__(self) -> str:
        return f"Nudge #{self.pk}"


class NudgeMail(OutboxRow):
    """The nudge e-mail to one member of the pair: an outbox row (``lib.outbox``)."""

    nudge = models.ForeignKey(Nudge, on_delete=models.CASCADE, related_name="mails")

    class Meta:
        constraints = [once_per_recipient("nudge", name="meetings_nudge_mail_once")]
        indexes = [pending_index("meetings_nudgemail_due_idx")]

    def __str__(self) -> str:
        return f"Nudge e-mail #{self.pk}"


class DigestWeek(models.Model):
    """The weekly HR digest was planned for this week (Monday's date): one e-mail per HR
    admin (``DigestMail``), never a second week row."""

    week = models.DateField(unique=True)
    planned_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Digest {self.week}"


class DigestMail(OutboxRow):
    """The week's digest to one HR admin: an outbox row (``lib.outbox``)."""

    week = models.ForeignKey(DigestWeek, on_delete=models.CASCADE, related_name="mails")

    class Meta:
        constraints = [once_per_recipient("week", name="meetings_digest_mail_once")]
        indexes = [pending_index("meetings_digestmail_due_idx")]

    def __str__(self) -> str:
        return f"Digest e-mail #{self.pk}"
