"""Session content of a pair: agendas, shared and private notes, goals, the agreement.

Pair-only. Every foreign key uses ``related_name="+"``: there is no attribute path
from a meeting, a pair or a person to any of this content. None of it is registered
in the Django admin or included in any export but a member's own (``journal/personal_data.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.outbox import OutboxRow, once_per_recipient, pending_index
from matching.models import Pair
from meetings.models import Meeting
from programs.models import FocusSuggestion

DEFAULT_CONFIDENTIALITY = _(
    "What we discuss stays between us. Neither of us shares it with managers or HR."
)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.CharField(_("agenda item"), max_length=500)
    done = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["meeting", "created_at"], name="journal_agenda_meeting_idx")
        ]

    def __str__(self) -> str:
        return f"Agenda item #{self.pk}"


class SharedNote(models.Model):
    """The pair's shared notes of one meeting."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("shared notes"), max_length=20000, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Counts accepted saves: a save states the version it was based on, and a save
    # based on an older one is merged or refused, never written over a newer text.
    version = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Shared note #{self.pk}"


class SharedNoteVersion(models.Model):
    """One text the shared notes of a meeting have had, or a text kept from a conflict.

    Pair-only, like the notes: the two people of the pair see and restore these.
    """

    class Kind(models.TextChoices):
        SAVED = "saved", _("Saved")
        MERGED = "merged", _("Merged with the other person's changes")
        RESTORED = "restored", _("Restored from an earlier version")
        KEPT = "kept", _("Kept from an editing conflict")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    # The note's version this text became; empty for a text kept from a conflict,
    # which never became the current notes.
    version = models.PositiveIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.SAVED)
    text = models.TextField(max_length=20000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "version"], name="journal_shared_note_version_once"
            )
        ]
        indexes = [
            models.Index(fields=["meeting", "created_at"], name="journal_notever_meeting_idx")
        ]

    def __str__(self) -> str:
        return f"Shared note version #{self.pk}"


class PrivateNote(models.Model):
    """One person's own note about one meeting: seen by its author only."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("private note"), max_length=20000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "author"], name="journal_private_note_one_per_author"
            )
        ]

    def __str__(self) -> str:
        return f"Private note #{self.pk}"


class Goal(models.Model):
    """A growth goal owned by the mentee, shared with the mentor. Not a performance objective."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Dropped")

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("goal"), max_length=200)
    description = models.TextField(_("what it means to you"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Goal #{self.pk}"


class GoalUpdate(models.Model):
    """A progress note on a goal, by either person of the pair."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("progress note"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Goal update #{self.pk}"


class Agreement(models.Model):
    """How the pair works together; both acknowledge it, and any edit asks both again."""

    pair = models.OneToOneField(Pair, on_delete=models.CASCADE, related_name="+")
    expectations = models.TextField(_("expectations"), max_length=4000, blank=True)
    cadence = models.CharField(_("how often we meet"), max_length=300, blank=True)
    confidentiality = models.TextField(
        _("confidentiality"), max_length=2000, default=DEFAULT_CONFIDENTIALITY
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Agreement #{self.pk}"


class AgreementAcknowledgement(models.Model):
    """One member of the pair acknowledged the agreement's current text: one row per member,
    so the agreement asks everybody in the pair, however many people it has."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "person"], name="journal_one_acknowledgement_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"Acknowledgement #{self.pk}"


class SharedFocus(models.Model):
    """A manager's focus suggestion the mentee chose to share: from then on, pair content."""

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="+")
    # Only to refuse sharing the same suggestion twice; the text is a copy, so the
    # suggestion's later fate (dismissed, deleted) does not touch the pair's content.
    suggestion = models.ForeignKey(
        FocusSuggestion, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(max_length=2000)
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shared_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pair", "suggestion"], name="journal_focus_shared_once_per_pair"
            )
        ]
        verbose_name_plural = "shared focus"

    def __str__(self) -> str:
        return f"Shared focus #{self.pk}"


class PurgedPair(models.Model):
    """The retention deleted this pair's session content: a run never deletes it twice,
    and a run killed mid-way resumes after the last batch it committed."""

    pair = models.OneToOneField(Pair, on_delete=models.CASCADE, related_name="+")
    purged_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Purged pair #{self.pair_id}"


class RetentionNotice(models.Model):
    """The pair's members are told that its session content will be deleted, offering
    their export: one notice per pair, written with its e-mails (``RetentionMail``) in the
    same transaction; the retention deletes nothing until a notice is ``NOTICE_DAYS`` old.
    A notice HR's changed setting made void (the content is kept longer) is withdrawn, so
    the new date gets a notice of its own."""

    pair = models.OneToOneField(Pair, on_delete=models.CASCADE, related_name="+")
    noticed_at = models.DateTimeField(default=timezone.now)
    deletes_after = models.DateTimeField()

    def __str__(self) -> str:
        return f"Retention notice #{self.pk}"


class RetentionMail(OutboxRow):
    """The retention notice's e-mail to one member of the pair: an outbox row
    (``lib.outbox``), once per notice (a pair and the date it was told) and person."""

    notice = models.ForeignKey(RetentionNotice, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [once_per_recipient("notice", name="journal_retention_mail_once")]
        indexes = [pending_index("journal_retentionmail_due_idx")]

    def __str__(self) -> str:
        return f"Retention e-mail #{self.pk}"
