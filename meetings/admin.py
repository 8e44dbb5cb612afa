"""Operators see reminder rows (times and states only) and can send failed ones again."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from meetings.models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["pk", "meeting_id", "recipient", "kind", "due_at", "status", "attempts"]
    list_filter = ["status", "kind"]
    list_select_related = ["recipient"]
    ordering = ["-due_at"]
    date_hierarchy = "due_at"
    actions = ["retry"]
    readonly_fields = [
        "meeting", "recipient", "kind", "due_at", "status", "attempts", "claimed_at",
        "planned_version", "sent_at",
    ]  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Try the selected failed reminders again"), permissions=["change"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Reminder]) -> None:
        count = queryset.filter(status=Reminder.Status.FAILED).update(
            status=Reminder.Status.PENDING, attempts=0, claimed_at=None
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d reminder will be tried again.",
                "%(count)d reminders will be tried again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
