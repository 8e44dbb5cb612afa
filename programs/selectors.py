"""Reads about programs, scoped to the person who asks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string

from people.models import Department, User
from programs.models import Enrolment, FocusSuggestion, Invitation, Nomination, Program, Skill


def _audience_q(person: User) -> Q:
    invited = Exists(Invitation.objects.filter(program=OuterRef("pk"), person=person))
    in_department = Exists(
        Program.departments.through.objects.filter(
            program_id=OuterRef("pk"), department_id=person.department_id or 0
        )
    )
    return (
        Q(audience=Program.Audience.EVERYONE)
        | Q(in_department, audience=Program.Audience.DEPARTMENTS)
        | Q(invited, audience=Program.Audience.INVITED)
    )


def programs_open_to(*, person: User, today: dt.date | None = None) -> QuerySet[Program]:
    """Programs the person may enrol in today: open, inside the window, in the audience."""
    today = today or timezone.localdate()
    return Program.objects.filter(
        _audience_q(person),
        status=Program.Status.OPEN,
        enrolment_opens__lte=today,
        enrolment_closes__gte=today,
    )


def program_is_open_to(*, program: Program, person: User, today: dt.date | None = None) -> bool:
    return programs_open_to(person=person, today=today).filter(pk=program.pk).exists()


def programs_visible_to(*, person: User) -> QuerySet[Program]:
    """Programs a person may read about: open to them, or ones they are or were part of."""
    mine = Enrolment.objects.filter(person=person).values("program_id")
    nominated = Nomination.objects.filter(report=person).values("program_id")
    return Program.objects.filter(
        Q(pk__in=programs_open_to(person=person).values("pk"))
        | Q(pk__in=mine)
        | Q(pk__in=nominated)
    ).exclude(status=Program.Status.DRAFT)


def _enrolment_count(*where: Q, **fields: object) -> Coalesce:
    """How many of the program's enrolments match ``where``: a subquery per program over
    the (program, role, status) index, not a join that multiplies rows for DISTINCT."""
    rows = (
        Enrolment.objects.filter(*where, program_id=OuterRef("pk"), **fields)
        .order_by()
        .values("program_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def program_list_for_hr() -> QuerySet[Program]:
    """Every program with its counts, in one query."""
    live = ~Q(status=Enrolment.Status.WITHDRAWN)
    return Program.objects.annotate(
        mentee_count=_enrolment_count(live, role=Enrolment.Role.MENTEE),
        mentor_count=_enrolment_count(live, role=Enrolment.Role.MENTOR),
        pending_count=_enrolment_count(status=Enrolment.Status.PENDING),
    ).order_by("-starts_on", "name")


@dataclass(frozen=True)
class ProgramCounts:
    """One line of HR's program list, as plain values (its page is kept rendered under
    them: lib.page_cache)."""

    pk: int
    name: str
    status: str
    enrolment_opens: dt.date
    enrolment_closes: dt.date
    starts_on: dt.date
    ends_on: dt.date
    mentee_count: int
    mentor_count: int
    pending_count: int

    def get_status_display(self) -> str:
        return str(Program.Status(self.status).label)


# Written out, since the ORM's compiling of three counting subqueries costs more than the
# database's answer: one pass over the enrolments' (program, role, status) index, counted
# by its own columns (no expression evaluated per enrolment; the sums are made here, from
# a few rows per program). Plain SQL both databases share.
_PROGRAM_COUNTS_SQL = """
SELECT p.id, p.name, p.status, p.enrolment_opens, p.enrolment_closes, p.starts_on, p.ends_on,
       c.role, c.status, c.n
FROM programs_program p LEFT JOIN (
    SELECT program_id, role, status, COUNT(*) AS n
    FROM programs_enrolment GROUP BY program_id, role, status
) c ON c.program_id = p.id
ORDER BY p.starts_on DESC, p.name, p.id
"""


def _day(value: dt.date | str) -> dt.date:
    """SQLite hands raw dates back as text."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def program_counts_for_hr() -> tuple[ProgramCounts, ...]:
    """Every program with how many mentees and mentors it has (withdrawn people left out)
    and how many applications wait for approval, newest first; what program_list_for_hr
    gives, as values, in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(_PROGRAM_COUNTS_SQL)
        rows = cursor.fetchall()
    programs: dict[int, tuple[Any, ...]] = {}
    counts: dict[int, list[int]] = {}
    for pk, *program, role, status, n in rows:
        programs.setdefault(pk, tuple(program))
        mentees_mentors_pending = counts.setdefault(pk, [0, 0, 0])
        if n is None:  # a program nobody enrolled in
            continue
        if status != Enrolment.Status.WITHDRAWN and role in _COUNTED_ROLES:
            mentees_mentors_pending[_COUNTED_ROLES[role]] += int(n)
        if status == Enrolment.Status.PENDING:
            mentees_mentors_pending[2] += int(n)
    return tuple(
        ProgramCounts(
            pk, name, status, _day(opens), _day(closes), _day(starts), _day(ends),
            *counts[pk],
        )
        for pk, (name, status, opens, closes, starts, ends) in programs.items()
    )  # fmt: skip


_COUNTED_ROLES = {Enrolment.Role.MENTEE: 0, Enrolment.Role.MENTOR: 1}


def skills_with_usage() -> QuerySet[Skill]:
    """The skills taxonomy, each with how many live enrolments use it, in one query."""
    live_uses = (
        Enrolment.skills.through.objects.filter(
            skill_id=OuterRef("pk"),
            enrolment__status__in=[Enrolment.Status.PENDING, Enrolment.Status.ACCEPTED],
        )
        .order_by()
        .values("skill_id")
        .annotate(uses=Count("pk"))  # grouped by skill: one row, the count
        .values("uses")  # type: ignore[misc]  # django-stubs cannot see annotations here
    )
    return Skill.objects.annotate(enrolment_count=Coalesce(Subquery(live_uses), 0)).order_by("name")


def nomination_count(*, program: Program) -> int:
    """HR sees how many nominations a program got, never their notes."""
    return Nomination.objects.filter(program=program).count()


def participants_for_hr(
    *,
    program: Program,
    name: str = "",
    role: str = "",
    status: str = "",
    department_id: int | None = None,
) -> QuerySet[Enrolment]:
    """The program's enrolments HR asked for; ``name`` is found anywhere in the person's
    name or e-mail address, whatever the case."""
    enrolments = (
        Enrolment.objects.filter(program=program)
        .select_related("person__department")
        .prefetch_related("skills")
        .order_by("person__full_name", "role", "pk")
    )
    if name:
        enrolments = enrolments.filter(
            Q(person__full_name__icontains=name) | Q(person__email__icontains=name)
        )
    if role:
        enrolments = enrolments.filter(role=role)
    if status:
        enrolments = enrolments.filter(status=status)
    if department_id:
        enrolments = enrolments.filter(person__department_id=department_id)
    return enrolments


def participant_status_counts(*, program: Program) -> dict[str, int]:
    """How many enrolments the program has in each status (every status, zeros included)."""
    counts = dict.fromkeys(Enrolment.Status.values, 0)
    rows = (
        Enrolment.objects.filter(program=program)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts.update(dict(rows))
    return counts


def participant_departments(*, program: Program) -> QuerySet[Department]:
    """The departments of the people enrolled in a program, for HR's filter."""
    people = Enrolment.objects.filter(program=program).values("person__department_id")
    return Department.objects.filter(pk__in=people).order_by("name")


def invitations_for_hr(*, program: Program) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(program=program)
        .select_related("person__department", "invited_by")
        .order_by("-created_at", "person__full_name")
    )


def enrolments_of(*, person: User) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(person=person)
        .select_related("program")
        .order_by("-program__starts_on", "role")
    )


def mark_paired(enrolments: list[Enrolment]) -> list[Enrolment]:
    """Set ``paired`` on each enrolment: whether it is in an active pair, which the next
    step on the program pages depends on. Pairs belong to matching, above this app, so
    the question goes to the function the settings name (``MENTORING_PAIRED_ENROLMENTS``)."""
    ask = import_string(settings.MENTORING_PAIRED_ENROLMENTS)
    paired = ask(e.pk for e in enrolments) if enrolments else frozenset()
    for enrolment in enrolments:
        enrolment.paired = enrolment.pk in paired  # type: ignore[attr-defined]
    return enrolments


def live_enrolment(*, program: Program, person: User, role: str) -> Enrolment | None:
    return (
        Enrolment.objects.filter(program=program, person=person, role=role)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .first()
    )


def nominations_for_report(*, report: User) -> QuerySet[Nomination]:
    """Open nominations the report still has to decide on."""
    return Nomination.objects.filter(report=report, status=Nomination.Status.SENT).select_related(
        "program", "manager"
    )


def nominations_sent_by(*, manager: User) -> QuerySet[Nomination]:
    return Nomination.objects.filter(manager=manager).select_related("program", "report")


def focus_suggestions_for(*, report: User) -> QuerySet[FocusSuggestion]:
    return FocusSuggestion.objects.filter(report=report, dismissed_at__isnull=True).select_related(
        "manager"
    )


# ---------------------------------------------------------------- a manager's own sent items
# Frozen values, not model instances: a template can never reach a nomination's
# status (the report's decision) or a suggestion's dismissal from these.


@dataclass(frozen=True)
class SentNomination:
    program_name: str
    note: str
    sent_at: dt.datetime


@dataclass(frozen=True)
class SentFocusSuggestion:
    text: str
    sent_at: dt.datetime


def programs_to_nominate(*, report: User) -> QuerySet[Program]:
    """Programs open to the report that nobody has nominated them for yet.

    Programs the report enrolled in on their own stay in the list: leaving them
    out would tell the manager about the report's enrolment.
    """
    nominated = Nomination.objects.filter(report=report).values("program_id")
    return programs_open_to(person=report).exclude(pk__in=nominated).order_by("name")


def nominations_sent_to(*, manager: User, report: User) -> list[SentNomination]:
    rows = (
        Nomination.objects.filter(manager=manager, report=report)
        .order_by("-created_at", "-pk")
        .values_list("program__name", "note", "created_at")
    )
    return [SentNomination(name, note, sent_at) for name, note, sent_at in rows]


def focus_suggestions_sent_to(*, manager: User, report: User) -> list[SentFocusSuggestion]:
    rows = (
        FocusSuggestion.objects.filter(manager=manager, report=report)
        .order_by("-created_at", "-pk")
        .values_list("text", "created_at")
    )
    return [SentFocusSuggestion(text, sent_at) for text, sent_at in rows]


@dataclass(frozen=True)
class EnrolmentFigures:
    """What a lifecycle step's confirmation tells HR: how many people it touches."""

    mentees: int  # enrolled (accepted or waiting for approval)
    mentors: int
    pending: int  # applications still waiting for HR's decision
    invited: int


def enrolment_figures(*, program: Program) -> EnrolmentFigures:
    counted: Any = program_list_for_hr().get(pk=program.pk)  # with the annotated counts
    return EnrolmentFigures(
        mentees=counted.mentee_count,
        mentors=counted.mentor_count,
        pending=counted.pending_count,
        invited=Invitation.objects.filter(program=program).count(),
    )


def program_names(ids: Collection[int]) -> dict[int, str]:
    """Program names by id, for notifications (``notifications.kinds``): names only."""
    return dict(Program.objects.filter(pk__in=ids).values_list("pk", "name"))
