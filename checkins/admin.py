"""Operators see the outbox rows of pulse and survey e-mails (times and states only) and
can send failed ones again. No answer is registered here: answers are the person's own."""

from __future__ import annotations

from django.contrib import admin

from audit.admin import AuditedAdmin
from checkins.models import PulseMail, SurveyMail
from lib.outbox_admin import OUTBOX_FIELDS, OutboxRowAdmin


@admin.register(PulseMail)
class PulseMailAdmin(AuditedAdmin, OutboxRowAdmin):
    list_display = ["pk", "meeting_id", "recipient", *OUTBOX_FIELDS[:3]]


@admin.register(SurveyMail)
class SurveyMailAdmin(AuditedAdmin, OutboxRowAdmin):
    list_display = ["pk", "survey_id", "recipient", *OUTBOX_FIELDS[:3]]
