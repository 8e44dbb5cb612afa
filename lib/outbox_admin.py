"""The operators' view of outbox rows (``lib.outbox``): times and states only, never added
or edited by hand; failed rows can be sent again."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lib.outbox import OutboxRow

OUTBOX_FIELDS = ["due_at", "status", "attempts", "claimed_at", "sent_at"]
RETRIED_FIELDS = ["status", "attempts", "claimed_at"]


class OutboxRowAdmin(admin.ModelAdmin):
    list_filter = ["status"]
    list_select_related = ["recipient"]
    ordering = ["-due_at"]
    date_hierarchy = "due_at"
    actions = ["retry"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Try the selected failed e-mails again"), permissions=["change"])
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboxRow]) -> None:
        with transaction.atomic():
            rows = list(queryset.filter(status=OutboxRow.Status.FAILED))
            count = queryset.filter(pk__in=[row.pk for row in rows]).update(
                status=OutboxRow.Status.PENDING, attempts=0, claimed_at=None
            )
            for row in rows:  # an operator's edit, logged as the admin logs its own
                self.log_change(request, row, [{"changed": {"fields": RETRIED_FIELDS}}])
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail will be tried again.",
                "%(count)d e-mails will be tried again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
