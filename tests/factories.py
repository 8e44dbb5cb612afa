"""factory_boy factories for single rows; multi-row states go through real services."""

from __future__ import annotations

import time

import factory
import pyotp
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt
from django.contrib.auth.models import Group, Permission

from people.models import HR_ADMIN_GROUP, HR_ADMIN_PERMISSION, Department, User

PASSWORD = "correct-Horse-battery-9"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Department {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    employee_id = factory.Sequence(lambda n: f"E{n:05d}")
    department = factory.SubFactory(DepartmentFactory)
    title = "Engineer"
    time_zone = "Europe/Berlin"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)


def with_totp(user: User, *, secret: str | None = None) -> User:
    """Give ``user`` an authenticator app and recovery codes, as allauth's set-up does."""
    TOTP.activate(user, secret or pyotp.random_base32())
    RecoveryCodes.activate(user)
    return user


def totp_secret(user: User) -> str:
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return decrypt(totp.data["secret"])


_USED_CODES: set[tuple[int, str]] = set()


def totp_code(user: User) -> str:
    """A code from ``user``'s authenticator app, as a phone would show it; never one used
    before (allauth refuses a code twice), taking the next or the previous step's code,
    which the tolerance of one step accepts, when this step's was used."""
    totp = pyotp.TOTP(totp_secret(user))
    now = int(time.time())
    for code in (totp.now(), totp.at(now + 30), totp.at(now - 30)):
        if (user.pk, code) not in _USED_CODES:
            _USED_CODES.add((user.pk, code))
            return code
    raise AssertionError("four sign-ins in one 30-second step: wait for the next")


def make_hr_admin(user: User, *, mfa: bool = True) -> User:
    """An HR admin; with two-step sign-in set up unless ``mfa=False`` (the role needs it)."""
    # The migration creates the group, but transactional tests flush it away.
    group, _ = Group.objects.get_or_create(name=HR_ADMIN_GROUP)
    app_label, codename = HR_ADMIN_PERMISSION.split(".")
    group.permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    user.groups.add(group)
    if mfa and not Authenticator.objects.filter(user=user, type="totp").exists():
        with_totp(user)
    return user
