from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mentoring.demo import Seeded, demo_seed, demo_sign_ins
from people.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_people


class Command(BaseCommand):
    help = (
        "Load a demo organisation of about 80 people with two programs (local use only: "
        "demo passwords). Runs again on a used database: it adds only what it never made."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Run even though DJANGO_HTTPS is on."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.HTTPS and not options["force"]:
            raise CommandError("Refusing to load demo people with known passwords over HTTPS.")
        self._report(demo_seed())

    def _report(self, seeded: Seeded) -> None:
        people = demo_people()
        if seeded.people is None:
            self.stdout.write("Demo organisation: seeded before; left as it is.")
        else:
            self.stdout.write(f"Demo organisation: {len(people)} people ({seeded.people} new).")
        for program, count in seeded.enrolments.items():
            made = "seeded before; left to HR" if count is None else f"{count} new enrolments"
            self.stdout.write(f"Demo program “{program}”: {made}.")
        self.stdout.write(
            f"Demo matching: {seeded.pairs} new pairs, {seeded.requests} open requests, "
            f"{seeded.meetings} new meetings."
        )
        if seeded.journal:
            self.stdout.write(seeded.journal)
        if seeded.survey_answers or seeded.pulse_answers:
            self.stdout.write(
                f"Demo check-ins: {seeded.survey_answers} survey answers, "
                f"{seeded.pulse_answers} pulse answers (HR sees released results)."
            )
        self.stdout.write(f"Featured pair: {seeded.soon}")
        self.stdout.write(f"Demo sign-ins (password {DEMO_PASSWORD}):")
        for sign_in in demo_sign_ins(people):
            self.stdout.write(
                f"  {sign_in.role:<22} {sign_in.email}  ({sign_in.full_name}, {sign_in.title})"
            )
        self._report_second_steps(seeded)

    def _report_second_steps(self, seeded: Seeded) -> None:
        if not seeded.second_steps:
            return
        self.stdout.write(
            "The HR admin and the operator also sign in with a second step: add the secret "
            f"{DEMO_TOTP_SECRET} to an authenticator app (type: time-based, 6 digits), "
            "or use a recovery code once:"
        )
        for email, code in seeded.second_steps:
            self.stdout.write(f"  {email}  recovery code {code}")
