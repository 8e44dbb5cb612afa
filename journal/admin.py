"""Operators see the outbox rows of retention notices (times and states only, the pair's
notice by id) and can send failed ones again. Nothing the pair wrote is registered here:
no agenda, note, goal or agreement is an operator's to read."""

from __future__ import annotations

from django.contrib import admin

from audit.admin import AuditedAdmin
from journal.models import RetentionMail
from lib.outbox_admin import OUTBOX_FIELDS, OutboxRowAdmin


@admin.register(RetentionMail)
class RetentionMailAdmin(AuditedAdmin, OutboxRowAdmin):
    list_display = ["pk", "notice_id", "recipient", *OUTBOX_FIELDS[:3]]
