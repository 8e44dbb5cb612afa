"""factory_boy factories for single rows; multi-row states go through real services."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
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


def make_hr_admin(user: User) -> User:
    # The migration creates the group, but transactional tests flush it away.
    group, _ = Group.objects.get_or_create(name=HR_ADMIN_GROUP)
    app_label, codename = HR_ADMIN_PERMISSION.split(".")
    group.permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    user.groups.add(group)
    return user
