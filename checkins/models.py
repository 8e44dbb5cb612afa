"""Check-ins: a pulse after each held meeting and the program's surveys.

Answers are one person's own: nothing but this app reads them, and HR reads only
released aggregates (``checkins.aggregates``), never an answer row. Foreign keys to
meetings and pairs use ``related_name="+"``: no attribute path leads from a meeting or a
person to an answer.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.outbox import OutboxRow, once_per_recipient, pending_index
from meetings.models import Meeting
from programs.models import Program, Skill

MIN_THRESHOLD = 5  # never fewer answers than this behind any number HR sees


class ProgramCheckins(models.Model):
    """A program's check-in settings: how many answers a released number needs."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="+")
    threshold = models.PositiveSmallIntegerField(
        _("answers needed before HR sees results"),
        default=MIN_THRESHOLD,
        validators=[MinValueValidator(MIN_THRESHOLD), MaxValueValidator(1000)],
        help_text=_("At least 5. Results appear, and change, only in steps of this many answers."),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__gte=MIN_THRESHOLD), name="checkins_threshold_at_least_5"
            )
        ]

    def __str__(self) -> str:
        return f"Check-in settings #{self.pk}"


class Survey(models.Model):
    class Kind(models.TextChoices):
        MID = "mid", _("Mid-program survey")
        END = "end", _("End-of-program survey")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=3, choices=Kind.choices)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    invited_at = models.DateTimeField(null=True, blank=True)  # e-mails planned
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["opens_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "kind"], name="checkins_survey_once"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="checkins_survey_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"Survey #{self.pk}"

    def is_open(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return self.opens_at <= moment < self.closes_at  # type: ignore[operator]


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    key = models.CharField(max_length=20)  # a key of ``checkins.bank.BANK``
    skill = models.ForeignKey(
        Skill, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "key", "skill"],
                name="checkins_question_once",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"Survey question #{self.pk}"


class SurveyResponse(models.Model):
    """One person's answers to one survey: theirs to change until it closes."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "person"], name="checkins_response_once")
        ]

    def __str__(self) -> str:
        return f"Survey response #{self.pk}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="checkins_answer_once")
        ]

    def __str__(self) -> str:
        return f"Survey answer #{self.pk}"


class PulseAnswer(models.Model):
    """One member's pulse about one held meeting; either question may stay unanswered."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    useful = models.SmallIntegerField(null=True, blank=True)
    progress = models.SmallIntegerField(null=True, blank=True)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="checkins_pulse_once"),
            models.CheckConstraint(
                condition=Q(useful__isnull=True) | Q(useful__gte=1, useful__lte=5),
                name="checkins_pulse_useful_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__gte=0, progress__lte=2),
                name="checkins_pulse_progress_choice",
            ),
        ]
        indexes = [models.Index(fields=["program"], name="checkins_pulse_program_idx")]

    def __str__(self) -> str:
        return f"Pulse answer #{self.pk}"


class Release(models.Model):
    """Aggregates released to HR: a survey's, or a program's pulse (survey empty).

    A new release is computed only when at least the threshold of new answers arrived
    since the last one, so the difference between two releases mixes at least that many
    people's answers (docs/checkins.md)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    answers = models.PositiveIntegerField()  # responses (or pulse answers) counted in
    invited = models.PositiveIntegerField()  # people who could answer, at release
    results = models.JSONField()  # {"questions": [{"key", "skill", "counts", "n", "mean"}]}
    released_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-released_at", "-pk"]
        indexes = [models.Index(fields=["program", "survey"], name="checkins_release_idx")]

    def __str__(self) -> str:
        return f"Release #{self.pk}"


class PulseMail(OutboxRow):
    """The pulse e-mail after a held meeting to one member: once per meeting and person."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [once_per_recipient("meeting", name="checkins_pulse_mail_once")]
        indexes = [pending_index("checkins_pulsemail_due_idx")]

    def __str__(self) -> str:
        return f"Pulse e-mail #{self.pk}"


class SurveyMail(OutboxRow):
    """A survey's invitation to one member, sent when it opens: once per person."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [once_per_recipient("survey", name="checkins_survey_mail_once")]
        indexes = [pending_index("checkins_surveymail_due_idx")]

    def __str__(self) -> str:
        return f"Survey e-mail #{self.pk}"
