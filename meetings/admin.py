"""Operators see the outbox rows of reminders, nudges and digests (times and states only)
and can send failed ones again."""

from __future__ import annotations

from django.contrib import admin

from audit.admin import AuditedAdmin
from lib.outbox_admin import OUTBOX_FIELDS, OutboxRowAdmin
from meetings.models import DigestMail, NudgeMail, Reminder


@admin.register(Reminder)
class ReminderAdmin(AuditedAdmin, OutboxRowAdmin):
    list_display = ["pk", "meeting_id", "recipient", "kind", *OUTBOX_FIELDS[:3]]
    list_filter = ["status", "kind"]


@admin.register(NudgeMail)
class NudgeMailAdmin(AuditedAdmin, OutboxRowAdmin):
    list_display = ["pk", "nudge_id", "recipient", *OUTBOX_FIELDS[:3]]


@admin.register(DigestMail)
class DigestMailAdmin(AuditedAdmin, OutboxRowAdmin):
    list_display = ["pk", "week", "recipient", *OUTBOX_FIELDS[:3]]
