from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from matching.demo import seed_pairs
from meetings.demo import seed_meetings
from people.demo import DEMO_PASSWORD, DemoPerson, demo_csv, demo_people
from people.models import HR_ADMIN_GROUP, User
from people.services import people_import_csv
from programs.demo import seed_programs, seed_suggestions


def demo_sign_ins(people: list[DemoPerson]) -> list[tuple[str, DemoPerson]]:
    """The people worth signing in as, each with the role they show."""

    def first(title: str) -> DemoPerson:
        return next(p for p in people if p.title == title)

    return [
        ("HR admin", first("HR Partner")),
        ("Manager", first("Engineering Manager")),
        ("Future mentee", first("Software Engineer")),
        ("Future mentor", first("Financial Analyst")),
    ]


class Command(BaseCommand):
    help = (
        "Load a demo organisation of about 80 people with two programs "
        "(local use only: demo passwords)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Run even though DJANGO_HTTPS is on."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.HTTPS and not options["force"]:
            raise CommandError("Refusing to load demo people with known passwords over HTTPS.")
        people = demo_people()
        with transaction.atomic():
            result = people_import_csv(data=demo_csv(people), send_invitations=False)
            if not result.ok:
                raise CommandError(f"Demo data is invalid: {result.problems}")
            self._set_demo_passwords(people)
            sign_ins = dict(demo_sign_ins(people))
            hr_admin = self._make_hr_admin(sign_ins["HR admin"])
            keep_free = {sign_ins["Future mentee"].email, sign_ins["Future mentor"].email}
            enrolments = seed_programs(hr_admin=hr_admin, keep_free=keep_free)
            seed_suggestions(
                manager=User.objects.get(email=sign_ins["Manager"].email),
                report=User.objects.get(email=sign_ins["Future mentee"].email),
            )
            matched = seed_pairs(hr_admin=hr_admin)
            meetings = seed_meetings()
            # The journal is imported by nothing else; its own command fills it.
            call_command("seed_journal_demo", stdout=self.stdout)
        self.stdout.write(
            f"Demo organisation: {len(people)} people "
            f"({result.created} new, {result.updated} updated, {result.unchanged} unchanged)."
        )
        for program, count in enrolments.items():
            self.stdout.write(f"Demo program “{program}”: {count} new enrolments.")
        self.stdout.write(
            f"Demo matching: {matched['pairs']} new pairs, {matched['requests']} open requests, "
            f"{meetings} new meetings."
        )
        self.stdout.write(f"Demo sign-ins (password {DEMO_PASSWORD}):")
        for role, person in demo_sign_ins(people):
            self.stdout.write(f"  {role:<14} {person.email}  ({person.full_name}, {person.title})")

    def _set_demo_passwords(self, people: list[DemoPerson]) -> None:
        # One hash for all demo people: hashing 80 times would make every `make run` slow.
        fresh = User.objects.filter(
            email__in=[p.email for p in people],
            password__startswith=UNUSABLE_PASSWORD_PREFIX,
        )
        fresh.update(password=make_password(DEMO_PASSWORD))

    def _make_hr_admin(self, person: DemoPerson) -> User:
        user = User.objects.get(employee_id=person.employee_id)
        user.groups.add(Group.objects.get(name=HR_ADMIN_GROUP))
        return user
