from __future__ import annotations

import zoneinfo
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

HR_ADMIN_GROUP = "HR admins"
# An erased person's stand-in: an account with no personal data that takes over the rows
# the other member of a pair still needs. It can never sign in.
STAND_IN_DOMAIN = "erased.invalid"
STAND_IN_NAME = "A former participant"
HR_ADMIN_PERMISSION = "people.administer_programs"


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("%(value)s is not a time zone name like Europe/Berlin."), params={"value": value}
        ) from None


def language_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


class Department(models.Model):
    name = models.CharField(_("name"), max_length=150, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("A person needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person in the organisation. Signs in with their e-mail address."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    language = models.CharField(
        _("language"), max_length=10, default="en", choices=language_choices
    )
    employee_id = models.CharField(
        _("employee id"), max_length=64, unique=True, null=True, blank=True
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    title = models.CharField(_("job title"), max_length=200, blank=True)
    manager = models.ForeignKey(
        "self",
        verbose_name=_("line manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="direct_reports",
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("operator"), default=False, help_text=_("May use the operator's Django admin.")
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    email_reminders = models.BooleanField(_("e-mail me reminders before my meetings"), default=True)
    email_nudges = models.BooleanField(
        _("Friendly nudges when your pair has not met for a while"), default=True
    )
    # Raised by meetings.services in the same transaction as every change to this
    # person's meetings. Pages showing their meeting times (the manager's team page) key
    # their caches on it, so they never have to read the meetings to know nothing changed.
    schedule_revision = models.PositiveBigIntegerField(
        _("schedule revision"), default=0, editable=False
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        permissions = [("administer_programs", "Can administer programs and import people")]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="people_user_email_ci_unique"),
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("pk")), name="people_user_not_own_manager"
            ),
        ]
        indexes = [
            models.Index(fields=["manager"], name="people_user_manager_idx"),
            # Lists of a program's people are in name order (HR's matching page and its
            # menus, the participants): this walks the first page instead of sorting all.
            models.Index(fields=["full_name", "email"], name="people_user_name_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    @property
    def is_stand_in(self) -> bool:
        return self.email.endswith(f"@{STAND_IN_DOMAIN}")

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class ScimTokenQuerySet(models.QuerySet["ScimToken"]):
    def usable(self) -> ScimTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ScimToken(models.Model):
    """A bearer token an identity provider's SCIM client presents. Only a hash of the
    secret is stored: the operator sees the secret once, when the token is created."""

    name = models.CharField(
        _("name"),
        max_length=60,
        unique=True,
        help_text=_("Which identity provider holds this token, e.g. “Entra ID”."),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ScimTokenQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("SCIM token")
        verbose_name_plural = _("SCIM tokens")

    def __str__(self) -> str:
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class DataExport(models.Model):
    """A person's request for an archive of their own data, built by a worker.

    The archive is a file under ``MENTORING_VAR_DIR/private/exports`` (never static or
    media), named by a random token; only its owner downloads it, until ``expires_at``.
    A daily task deletes expired archives and their rows.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        BUILDING = "building", _("Being prepared")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Could not be prepared")

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=80, blank=True)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["person", "-requested_at"], name="people_export_person_idx")
        ]

    def __str__(self) -> str:
        return f"Data export #{self.pk}"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.BUILDING)
