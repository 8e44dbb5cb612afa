"""The audit log: an append-only record of privileged actions.

A row says who did what, to what, when and from where, and nothing of what was said in
mentoring. People appear by id only (no foreign key, no name, no e-mail address): the row
outlives an erased person and then names them by a number that leads nowhere. The app
sits under ``people`` so that every app can record, which is why it cannot point at the
user model.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    HR_EXPORT = "hr_export", _("HR export downloaded")
    PEOPLE_IMPORT = "people_import", _("People imported")
    SCIM_CHANGE = "scim_change", _("Person changed through SCIM")
    ROLE_GRANTED = "role_granted", _("HR admin role granted")
    ROLE_REMOVED = "role_removed", _("HR admin role removed")
    PERSON_DEACTIVATED = "person_deactivated", _("Person deactivated")
    PROGRAM_LIFECYCLE = "program_lifecycle", _("Program status changed")
    MATCHING_PUBLISHED = "matching_published", _("Pairs published")
    MFA_RESET = "mfa_reset", _("Two-step sign-in reset")
    PERSON_ERASED = "person_erased", _("Person erased")
    RETENTION_RUN = "retention_run", _("Retention run")
    ADMIN_EDIT = "admin_edit", _("Operator edit in the admin")
    AUDIT_EXPORT = "audit_export", _("Audit log exported")


class AppendOnly(Exception):
    """Raised when code tries to change or delete an audit row."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnly("audit rows cannot be changed")

    def delete(self) -> NoReturn:
        raise AppendOnly("audit rows are deleted only by their retention")


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # The person who acted (a people.User id), or None for the system (beat, SCIM client).
    actor_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    # Who acted when it was not a person: "system", "scim:<token name>", "command".
    actor_label = models.CharField(max_length=80, blank=True)
    action = models.CharField(max_length=32, choices=Action.choices, db_index=True)
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Counts, statuses and field names only: never text a person wrote.
    details = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ("-at", "-id")
        indexes = [models.Index(fields=("target_type", "target_id"), name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("audit rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnly("audit rows are deleted only by their retention")


class PurgePermit(models.Model):
    """A row here lets the database delete audit rows, on SQLite (which has no session
    settings for a trigger to read). The audit log's retention run writes one, deletes, and
    removes it again in one transaction; the table is empty at every other moment. On
    PostgreSQL the same permission is ``SET LOCAL mentoring.audit_purge = 'on'``."""

    granted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"purge permit {self.granted_at:%Y-%m-%d %H:%M}"
