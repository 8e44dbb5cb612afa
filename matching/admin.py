"""Operators see the outbox rows of request reminders (times and states only) and can send
failed ones again."""

from __future__ import annotations

from django.contrib import admin

from audit.admin import AuditedAdmin
from lib.outbox_admin import OUTBOX_FIELDS, OutboxRowAdmin
from matching.models import RequestReminder


@admin.register(RequestReminder)
class RequestReminderAdmin(AuditedAdmin, OutboxRowAdmin):
    list_display = ["pk", "request_id", "recipient", *OUTBOX_FIELDS[:3]]
