"""Programs, their enrolments, and what managers may suggest.

Nothing here is session content: enrolment answers are matching data that HR and
candidate mentors may see. Nomination notes and focus suggestions are private to
the report (and to the manager who wrote them, on their own sent item).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from people.models import Department

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Languages people can mentor in: wider than the interface's languages.
MENTORING_LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh", _("Chinese")),
    ("nl", _("Dutch")),
    ("en", _("English")),
    ("fr", _("French")),
    ("de", _("German")),
    ("hi", _("Hindi")),
    ("it", _("Italian")),
    ("ja", _("Japanese")),
    ("ko", _("Korean")),
    ("pl", _("Polish")),
    ("pt", _("Portuguese")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
    ("sv", _("Swedish")),
    ("tr", _("Turkish")),
]

WEEKDAYS = [
    ("mon", _("Monday")),
    ("tue", _("Tuesday")),
    ("wed", _("Wednesday")),
    ("thu", _("Thursday")),
    ("fri", _("Friday")),
]
DAY_PARTS = [
    ("am", _("Morning (9 to 12)")),
    ("pm", _("Afternoon (13 to 17)")),
]
# Weekly availability slots, in the person's own time zone: "mon-am", "thu-pm", ...
AVAILABILITY_SLOTS = [
    (f"{day}-{part}", f"{day_label}, {part_label}")
    for day, day_label in WEEKDAYS
    for part, part_label in DAY_PARTS
]
SLOT_HOURS = {"am": (9, 12), "pm": (13, 17)}

WEIGHT_FIELDS = (
    "weight_skills",
    "weight_goals",
    "weight_seniority",
    "weight_time_zone",
    "weight_language",
    "weight_availability",
    "weight_picks",
)


def default_reminder_offsets() -> list[int]:
    return [24 * 60, 60]  # minutes before a meeting: a day, and an hour


def _weight(label: StrOrPromise, default: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MaxValueValidator(10)]
    )


class Skill(models.Model):
    """One entry of the skills taxonomy that HR maintains."""

    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="programs_skill_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


KEEP_UNTIL_HR_DELETES = 0
RETENTION_CHOICES = [
    (3, _("3 months")),
    (6, _("6 months")),
    (12, _("12 months")),
    (24, _("24 months")),
    (36, _("36 months")),
    (KEEP_UNTIL_HR_DELETES, _("Keep until HR deletes it (by choosing a period here)")),
]


class Program(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for enrolment")
        MATCHING = "matching", _("Matching")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        DEPARTMENTS = "departments", _("Chosen departments")
        INVITED = "invited", _("Invited people only")

    class MatchingMode(models.TextChoices):
        COHORT = "cohort", _("HR matches the whole cohort")
        CHOICE = "choice", _("Mentees choose from a shortlist")

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    audience = models.CharField(
        _("who may join"), max_length=12, choices=Audience.choices, default=Audience.EVERYONE
    )
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments"), blank=True, related_name="+"
    )
    enrolment_opens = models.DateField(_("enrolment opens"))
    enrolment_closes = models.DateField(_("enrolment closes"))
    starts_on = models.DateField(_("program starts"))
    ends_on = models.DateField(_("program ends"))
    matching_mode = models.CharField(
        _("matching"), max_length=8, choices=MatchingMode.choices, default=MatchingMode.COHORT
    )
    requires_approval = models.BooleanField(_("applications need HR approval"), default=False)
    default_capacity = models.PositiveSmallIntegerField(
        _("default mentor capacity"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    cadence_weeks = models.PositiveSmallIntegerField(
        _("meet every (weeks)"), default=2, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    reminder_offsets_minutes = models.JSONField(
        _("reminders (minutes before a meeting)"), default=default_reminder_offsets
    )
    nudge_after_days = models.PositiveSmallIntegerField(
        _("nudge a pair after (days without a meeting)"),
        default=21,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    stalled_after_days = models.PositiveSmallIntegerField(
        _("a pair has stalled after (days without a meeting)"),
        default=30,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
    )
    request_expiry_days = models.PositiveSmallIntegerField(
        _("mentee requests expire after (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    # How long records are kept after a pair ends (months; 0: until HR chooses a period).
    journal_retention_months = models.PositiveSmallIntegerField(
        _("keep session content after a pair ends"),
        choices=RETENTION_CHOICES,
        default=12,
    )
    meeting_retention_months = models.PositiveSmallIntegerField(
        _("keep meeting times after a pair ends"),
        choices=RETENTION_CHOICES,
        default=24,
    )
    # Matching rules (hard constraints) ...
    require_different_department = models.BooleanField(
        _("mentor from a different department"), default=True
    )
    require_shared_language = models.BooleanField(_("must share a language"), default=True)
    max_time_zone_hours = models.PositiveSmallIntegerField(
        _("largest time-zone difference (hours)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(24)],
    )
    spread_mentees = models.BooleanField(
        _("spread mentees across mentors"),
        default=False,
        help_text=_("Prefer giving each mentor one mentee before anyone gets a second."),
    )
    min_seniority_gap_years = models.PositiveSmallIntegerField(
        _("mentor has at least this many more years of experience"),
        default=0,
        validators=[MaxValueValidator(40)],
    )
    # ... and weights (soft score), 0 to 10 each.
    weight_skills = _weight(_("weight: skills wanted vs offered"), 5)
    weight_goals = _weight(_("weight: goals"), 3)
    weight_seniority = _weight(_("weight: seniority gap"), 2)
    weight_time_zone = _weight(_("weight: time-zone overlap"), 2)
    weight_language = _weight(_("weight: shared languages"), 2)
    weight_availability = _weight(_("weight: availability overlap"), 3)
    weight_picks = _weight(_("weight: mentee's own picks"), 4)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enrolment_opens__lte=models.F("enrolment_closes")),
                name="programs_program_enrolment_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")),
                name="programs_program_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="programs_program_status_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:detail", kwargs={"program_id": self.pk})

    def weights(self) -> dict[str, int]:
        return {name.removeprefix("weight_"): getattr(self, name) for name in WEIGHT_FIELDS}


# A role inside a sentence ("enrolled as a mentee"): its own words, not the label made
# lower case, which would be wrong in German (nouns keep their capital).
ROLES_IN_A_SENTENCE = {
    "mentee": pgettext_lazy("a role inside a sentence", "mentee"),
    "mentor": pgettext_lazy("a role inside a sentence", "mentor"),
}


def role_in_a_sentence(role: str) -> str:
    return str(ROLES_IN_A_SENTENCE[role])


class Enrolment(models.Model):
    class Role(models.TextChoices):
        MENTEE = "mentee", _("Mentee")
        MENTOR = "mentor", _("Mentor")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for HR approval")
        ACCEPTED = "accepted", _("Enrolled")
        DECLINED = "declined", _("Not accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class MeetingFormat(models.TextChoices):
        VIDEO = "video", _("Video call")
        IN_PERSON = "in_person", _("In person")
        EITHER = "either", _("Either")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrolments")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    role = models.CharField(_("role"), max_length=6, choices=Role.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    capacity = models.PositiveSmallIntegerField(
        _("how many mentees you can take"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True, related_name="+")
    goals = models.TextField(_("development goals"), blank=True, max_length=2000)
    languages = models.JSONField(_("languages"), default=list)
    meeting_format = models.CharField(
        _("preferred meeting format"),
        max_length=10,
        choices=MeetingFormat.choices,
        default=MeetingFormat.EITHER,
    )
    availability = models.JSONField(_("weekly availability"), default=list, blank=True)
    time_zone = models.CharField(_("time zone of the availability"), max_length=64)
    years_experience = models.PositiveSmallIntegerField(
        _("years of work experience"), default=0, validators=[MaxValueValidator(60)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["program", "role", "person__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "person", "role"],
                condition=~Q(status="withdrawn"),
                name="programs_enrolment_one_live_per_role",
            ),
            models.CheckConstraint(
                condition=Q(role="mentee") | Q(capacity__gte=1),
                name="programs_enrolment_mentor_has_capacity",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "role", "status"], name="programs_enrol_prog_role_idx")
        ]

    def __str__(self) -> str:
        return f"{self.person} as {self.get_role_display()} in {self.program}"

    @property
    def role_in_a_sentence(self) -> str:
        return role_in_a_sentence(self.role)

    @property
    def is_live(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.ACCEPTED)


class Invitation(models.Model):
    """A person invited by HR to a program (required for invited-only programs)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "person"], name="programs_invitation_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} invited to {self.program}"


class Nomination(models.Model):
    """A manager suggests a program to a direct report; the report decides."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ENROLLED = "enrolled", _("Enrolled")
        DISMISSED = "dismissed", _("Dismissed")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    report = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    note = models.TextField(_("note to your report (optional)"), blank=True, max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "report"], name="programs_nomination_once_per_report"
            )
        ]

    def __str__(self) -> str:
        return f"Nomination #{self.pk}"


class FocusSuggestion(models.Model):
    """A manager's private suggestion to a report of areas to explore with a mentor."""

    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    report = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("areas you might explore with your mentor"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Focus suggestion #{self.pk}"
