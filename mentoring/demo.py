"""The demo organisation that ``make run`` seeds, made once and never undone.

Each part of the demo (the people, the operator, each program with its enrolments, pairs,
meetings and journal) is made in the run that finds no marker for it (``DemoObject``), and
the marker is written in the same transaction. Later runs find the parts by their markers,
never by names or ordering that people using the demo may change, and leave them as those
people left them: HR may have added or renamed programs, people may have edited or
deactivated someone, ended a pair or cancelled a meeting. A part whose marker exists but
whose object is gone was deleted in the app and stays deleted.

The one thing every run renews is a meeting today or tomorrow for the featured pair, so the
mentee and mentor the README names always have something to show.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from checkins.demo import checkins_seed
from matching.demo import cohort_publish, requests_seed
from matching.models import Pair
from meetings.demo import meeting_soon_ensure, meetings_seed
from mentoring.models import DemoObject
from people.demo import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    DOMAIN,
    DemoPerson,
    demo_csv,
    demo_people,
)
from people.models import HR_ADMIN_GROUP, User
from people.services import people_import_csv
from programs.demo import (
    DEMO_PROGRAMS,
    DemoProgram,
    enrolments_seed,
    program_seed,
    suggestions_seed,
)
from programs.models import Program

PEOPLE_KEY = "people"
OPERATOR_KEY = "operator"
MFA_KEY = "mfa"
OPERATOR_EMAIL = f"operator@{DOMAIN}"
OPERATOR_NAME = "Demo Operator"


@dataclass(frozen=True)
class SignIn:
    """A demo account worth signing in as, and the role it shows (the README's table)."""

    role: str
    email: str
    full_name: str
    title: str


# The demo people with a part to play, by employee id (the HR import's own key).
HR_ADMIN = "D0063"  # Chiara Rossi, HR Partner
MANAGER = "D0003"  # Chiara Novak, Engineering Manager of the future mentee
FUTURE_MENTEE = "D0004"  # Dmitri Dubois, nominated by Chiara Novak, not enrolled
FUTURE_MENTOR = "D0055"  # Yusuf Okafor, not enrolled
FEATURED_MENTEE = "D0012"  # Lars Hernández, paired in the cohort program ...
FEATURED_MENTOR = "D0028"  # ... with Bruno Okafor, Group Product Manager
FEATURED_MENTEES_MANAGER = "D0009"  # Ines Rossi, Engineering Manager: sees Lars's times


def demo_sign_ins(people: list[DemoPerson]) -> list[SignIn]:
    by_id = {p.employee_id: p for p in people}

    def person(role: str, employee_id: str) -> SignIn:
        p = by_id[employee_id]
        return SignIn(role, p.email, p.full_name, p.title)

    return [
        person("Mentee", FEATURED_MENTEE),
        person("Mentor", FEATURED_MENTOR),
        person("Manager of the mentee", FEATURED_MENTEES_MANAGER),
        person("Manager", MANAGER),
        person("HR admin", HR_ADMIN),
        person("Future mentee", FUTURE_MENTEE),
        person("Future mentor", FUTURE_MENTOR),
        SignIn("Operator", OPERATOR_EMAIL, OPERATOR_NAME, "Django admin"),
    ]


@dataclass
class Seeded:
    """What one run made, for the command's report."""

    people: int | None = None  # None: the organisation was seeded on an earlier run
    enrolments: dict[str, int | None] = field(default_factory=dict)  # None: seeded before
    pairs: int = 0
    requests: int = 0
    meetings: int = 0
    journal: str = ""
    soon: str = ""
    survey_answers: int = 0
    pulse_answers: int = 0
    # E-mail and an unused recovery code of each demo account that needs two-step sign-in.
    second_steps: list[tuple[str, str]] = field(default_factory=list)


def demo_seed() -> Seeded:
    """Seed what is missing, in one transaction: all of it or none."""
    people = demo_people()
    seeded = Seeded()
    with transaction.atomic():
        seeded.people = _people_seed(people)
        _operator_seed()
        seeded.second_steps = _second_steps_seed()
        for demo in DEMO_PROGRAMS:
            _program_part(demo, people, seeded)
        seeded.soon = _featured_meeting()
    return seeded


# ---------------------------------------------------------------- markers


def _marker(key: str) -> DemoObject | None:
    return DemoObject.objects.filter(key=key).first()


def _mark(key: str, object_id: int | None = None) -> None:
    DemoObject.objects.create(key=key, object_id=object_id)


def _demo_user(employee_id: str) -> User | None:
    return User.objects.filter(employee_id=employee_id).first()


# ---------------------------------------------------------------- people


def _people_seed(people: list[DemoPerson]) -> int | None:
    """Import the organisation once; returns how many people were new (None if seeded
    before). Demo people already there (a database seeded before markers) stay as they are."""
    if _marker(PEOPLE_KEY) is not None:
        return None
    known = set(
        User.objects.filter(employee_id__in=[p.employee_id for p in people]).values_list(
            "employee_id", flat=True
        )
    )
    missing = [p for p in people if p.employee_id not in known]
    result = people_import_csv(data=demo_csv(missing), send_invitations=False)
    if not result.ok:
        raise CommandError(f"Demo data is invalid: {result.problems}")
    # One hash for all demo people: hashing 80 times would make the first `make run` slow.
    User.objects.filter(
        employee_id__in=[p.employee_id for p in missing],
        password__startswith=UNUSABLE_PASSWORD_PREFIX,
    ).update(password=make_password(DEMO_PASSWORD))
    hr_admin = _demo_user(HR_ADMIN)
    if hr_admin is not None and HR_ADMIN not in known:
        hr_admin.groups.add(Group.objects.get(name=HR_ADMIN_GROUP))
    _mark(PEOPLE_KEY)
    return result.created


def _operator_seed() -> None:
    """An operator for the Django admin: staff and superuser, with the demo password."""
    if _marker(OPERATOR_KEY) is not None:
        return
    operator = User.objects.filter(email=OPERATOR_EMAIL).first()
    if operator is None:
        operator = User.objects.create_superuser(
            OPERATOR_EMAIL, DEMO_PASSWORD, full_name=OPERATOR_NAME
        )
        EmailAddress.objects.create(
            user=operator, email=operator.email, primary=True, verified=True
        )
    _mark(OPERATOR_KEY, operator.pk)


def _second_steps_seed() -> list[tuple[str, str]]:
    """The HR admin and the operator need two-step sign-in (mentoring/access_policy.py):
    the first run gives both the demo authenticator app and recovery codes. Later runs
    leave what they have (an operator may have reset it) and report a recovery code each
    of them still has unused."""
    people = [u for u in (_demo_user(HR_ADMIN), _operator()) if u is not None]
    if _marker(MFA_KEY) is None:
        for person in people:
            if not Authenticator.objects.filter(user=person).exists():
                TOTP.activate(person, DEMO_TOTP_SECRET)
                RecoveryCodes.activate(person)
        _mark(MFA_KEY)
    codes = []
    for person in people:
        kept = Authenticator.objects.filter(
            user=person, type=Authenticator.Type.RECOVERY_CODES
        ).first()
        unused = RecoveryCodes(kept).get_unused_codes() if kept is not None else []
        if unused:
            codes.append((person.email, unused[0]))
    return codes


def _operator() -> User | None:
    marker = _marker(OPERATOR_KEY)
    if marker is None or marker.object_id is None:
        return None
    return User.objects.filter(pk=marker.object_id).first()


# ---------------------------------------------------------------- programs


def _program_part(demo: DemoProgram, people: list[DemoPerson], seeded: Seeded) -> None:
    """The program with everything in it, made once; a later run leaves it to HR."""
    key = f"program:{demo.key}"
    hr_admin = _demo_user(HR_ADMIN)
    if _marker(key) is not None or hr_admin is None:
        seeded.enrolments[demo.name] = None
        return
    earlier = _program_of_an_earlier_seed(demo, hr_admin)
    if earlier is not None:
        _mark(key, earlier.pk)
        seeded.enrolments[demo.name] = None
        return
    program = program_seed(demo=demo, hr_admin=hr_admin)
    _mark(key, program.pk)
    free = {FUTURE_MENTEE, FUTURE_MENTOR}
    candidates = list(
        User.objects.filter(
            employee_id__in=[p.employee_id for p in people if p.employee_id not in free],
            is_active=True,
        ).order_by("employee_id")
    )
    if demo.matching_mode == Program.MatchingMode.COHORT:
        mentee, mentor = _demo_user(FEATURED_MENTEE), _demo_user(FEATURED_MENTOR)
        featured = (mentee, mentor) if mentee is not None and mentor is not None else None
        seeded.enrolments[demo.name] = enrolments_seed(
            program=program, demo=demo, people=candidates, featured=featured or ()
        )
        pair_ids = cohort_publish(program=program, hr_admin=hr_admin, featured=featured)
        seeded.pairs += len(pair_ids)
        _pair_content(pair_ids, seeded)
        skip = {person.pk for person in featured or ()}
        seeded.survey_answers, seeded.pulse_answers = checkins_seed(
            program=program, skip_people=skip
        )
    else:
        seeded.enrolments[demo.name] = enrolments_seed(
            program=program, demo=demo, people=candidates
        )
        seeded.requests += requests_seed(program=program)
        manager, report = _demo_user(MANAGER), _demo_user(FUTURE_MENTEE)
        if manager is not None and report is not None:
            suggestions_seed(program=program, manager=manager, report=report)


def _program_of_an_earlier_seed(demo: DemoProgram, hr_admin: User) -> Program | None:
    """A database seeded before the markers existed: adopt the program that seed made."""
    return (
        Program.objects.filter(
            name=demo.name, created_by=hr_admin, matching_mode=demo.matching_mode
        )
        .order_by("pk")
        .first()
    )


def _pair_content(pair_ids: list[int], seeded: Seeded) -> None:
    fresh = list(
        Pair.objects.filter(pk__in=pair_ids)
        .select_related("program", "mentee__person", "mentor__person")
        .order_by("pk")
    )
    seeded.meetings += meetings_seed(pairs=fresh)
    # The journal is imported by nothing else; its own command fills it.
    out = io.StringIO()
    call_command("seed_journal_demo", *[str(p.pk) for p in fresh], stdout=out)
    seeded.journal = out.getvalue().strip()


# ---------------------------------------------------------------- the featured pair


def featured_pair() -> Pair | None:
    """The pair the README names, in the demo's cohort program, if it is still there."""
    marker = _marker(f"program:{DEMO_PROGRAMS[0].key}")
    if marker is None or marker.object_id is None:
        return None
    pairs = Pair.objects.filter(
        program_id=marker.object_id,
        mentee__person__employee_id=FEATURED_MENTEE,
        mentor__person__employee_id=FEATURED_MENTOR,
    ).select_related("program", "mentee__person", "mentor__person")
    return pairs.filter(status=Pair.Status.ACTIVE).first() or pairs.order_by("-pk").first()


def _featured_meeting() -> str:
    pair = featured_pair()
    if pair is None:
        return "The featured pair is gone (deleted in the app): no meeting planned for it."
    if pair.status != Pair.Status.ACTIVE:
        return "The featured pair was ended in the app: no meeting planned for it."
    meeting, new = meeting_soon_ensure(pair=pair)
    names = f"{pair.mentee.person.full_name} and {pair.mentor.person.full_name}"
    if meeting is None:
        return f"{names} are both busy all of tomorrow: no meeting planned for them."
    when = f"{meeting.start:%Y-%m-%d %H:%M} UTC"
    return f"{names} meet {when}" + (" (planned now)." if new else ".")
