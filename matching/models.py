"""Pairs, match runs and their proposals, and mentees' requests to mentors."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lib.outbox import OutboxRow, pending_index
from programs.models import Enrolment, Program


class Pair(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    class Origin(models.TextChoices):
        COHORT = "cohort", _("Cohort matching")
        CHOICE = "choice", _("Mentee's request")
        MANUAL = "manual", _("Added by HR")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="pairs")
    mentor = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="mentor_pairs")
    mentee = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="mentee_pairs")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    origin = models.CharField(max_length=8, choices=Origin.choices)
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "mentee"],
                condition=Q(status="active"),
                name="matching_pair_one_active_per_mentee",
            ),
        ]
        indexes = [models.Index(fields=["mentor", "status"], name="matching_pair_mentor_idx")]

    def __str__(self) -> str:
        return f"Pair #{self.pk}"


class MatchRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready for review")
        FAILED = "failed", _("Failed")
        PUBLISHED = "published", _("Published")
        DISCARDED = "discarded", _("Discarded")

    class Stage(models.TextChoices):
        LOADING = "loading", _("Loading profiles")
        SCORING = "scoring", _("Scoring candidate pairs")
        SOLVING = "solving", _("Finding the best assignment")
        SAVING = "saving", _("Saving proposals")
        FINISHED = "finished", _("Finished")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="match_runs")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.LOADING)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    parameters = models.JSONField(default=dict)
    statistics = models.JSONField(default=dict)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program"],
                condition=Q(status__in=["queued", "running"]),
                name="matching_run_one_in_progress_per_program",
            ),
        ]

    def __str__(self) -> str:
        return f"Match run #{self.pk}"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class Proposal(models.Model):
    class Origin(models.TextChoices):
        ENGINE = "engine", _("Suggested by matching")
        MANUAL = "manual", _("Added by HR")

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    mentee = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    explanation = models.JSONField(default=dict)  # points per factor and the facts behind them
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.ENGINE)

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "mentee"], name="matching_proposal_one_per_mentee"
            )
        ]
        # HR's matching page lists a run's proposals best first, a page at a time.
        indexes = [models.Index(fields=["run", "-score"], name="matching_proposal_score_idx")]

    def __str__(self) -> str:
        return f"Proposal #{self.pk}"


class MentorshipRequest(models.Model):
    """A mentee's request to one mentor from their shortlist (mentee-choice programs)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="requests_made")
    mentor = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="requests_received"
    )
    message = models.TextField(_("message to the mentor"), max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reason = models.TextField(_("reason"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee", "mentor"],
                condition=Q(status="open"),
                name="matching_request_one_open_per_pair",
            )
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="matching_request_due_idx")]

    def __str__(self) -> str:
        return f"Request #{self.pk}"


class RequestReminder(OutboxRow):
    """The one reminder to a mentor of a request left unanswered half-way to its expiry:
    an outbox row (``lib.outbox``)."""

    request = models.OneToOneField(
        MentorshipRequest, on_delete=models.CASCADE, related_name="reminder"
    )

    class Meta:
        indexes = [pending_index("matching_reqreminder_due_idx")]

    def __str__(self) -> str:
        return f"Request reminder #{self.pk}"
