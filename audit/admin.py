"""The audit log in the Django admin (read-only for everyone, superusers included), and
the mixin that records every operator edit made in the admin.

Every ``ModelAdmin`` registered in the project is an ``AuditedAdmin`` (a test walks the
admin site's registry): an add, change or delete becomes an ``ADMIN_EDIT`` row with the
model, the object's id, what was done and the names of the fields changed, never their
values, in the transaction of the admin's own save.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.forms import Form
from django.http import HttpRequest

from audit.models import Action, AuditEvent
from audit.services import audit_record

_CHANGED_FIELDS = "_audit_changed_fields"


class AuditedAdmin(admin.ModelAdmin):
    """Records what the admin logs (its ``LogEntry``) as an audit row too: the ``LogEntry``
    keeps the object's text and can be deleted; the audit row keeps ids and field names."""

    def construct_change_message(
        self, request: HttpRequest, form: Form, formsets: Any, add: bool = False
    ) -> Any:
        names = list(form.changed_data)
        for formset in formsets or ():
            prefix = formset.prefix
            names += [f"{prefix}.{name}" for f in formset.forms for name in f.changed_data]
        setattr(request, _CHANGED_FIELDS, sorted(set(names)))
        return super().construct_change_message(request, form, formsets, add)

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)
        _record_edit(request, obj, "add", fields=getattr(request, _CHANGED_FIELDS, []))
        return entry

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        fields = getattr(request, _CHANGED_FIELDS, None)
        _record_edit(request, obj, "change", fields=_message_fields(message, fields))
        return entry

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        objects = list(queryset)
        entries = super().log_deletions(request, queryset)
        for obj in objects:
            _record_edit(request, obj, "delete", fields=[])
        return entries


def _message_fields(message: Any, fields: list[str] | None) -> list[str]:
    """The changed fields' names: from the form when the admin's own form changed the
    object, otherwise from the change message an admin action wrote."""
    if fields is not None:
        return fields
    if isinstance(message, list):
        return sorted({n for part in message for n in part.get("changed", {}).get("fields", [])})
    return []


def _record_edit(request: HttpRequest, obj: Model, what: str, *, fields: list[str]) -> None:
    numeric = isinstance(obj.pk, int)  # only numeric ids: another key may be a name
    audit_record(
        action=Action.ADMIN_EDIT,
        target=obj if numeric else None,
        target_type=obj._meta.model_name or "",
        details={"model": obj._meta.label_lower, "action": what, "fields": fields},
        request=request,
    )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: no add, change or delete permission, whatever the user's permissions."""

    list_display = ["at", "action", "actor_id", "actor_label", "target_type", "target_id", "ip"]
    list_filter = ["action", "target_type"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
