"""What the home page shows, read as plain values in a few written-out statements.

Every signed-in person lands here, so the reads are written out rather than built by the
ORM, whose compiling costs several times the database's answer for rows this small; the
SQL is plain and shared by PostgreSQL and SQLite. The page is drawn from these values
alone, so they are also its cache key (lib.page_cache): any change to what it shows
changes the key. ``tests/mentoring/test_home_reads.py`` checks these reads against the
apps' own selectors.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from matching.membership import MEMBER_COLUMNS, MEMBER_ROLES
from matching.models import MatchRun, MentorshipRequest, Pair
from matching.selectors import CHOOSING_STATUSES as CHOOSING
from meetings.models import Attendance, Meeting
from meetings.schedule import MeetingSlot, meeting_slots_for_manager
from people.models import User
from programs.models import Enrolment, Nomination, Program, role_in_a_sentence

HOME_OPEN_PROGRAMS = 3

_ENROLMENTS_SQL = """
SELECT e.id, e.role, e.status, p.id, p.name, p.status, p.matching_mode
FROM programs_enrolment e JOIN programs_program p ON p.id = e.program_id
WHERE e.person_id = %(person)s AND e.status <> %(withdrawn)s
ORDER BY p.starts_on DESC, e.role, e.id
"""

_NOMINATIONS_SQL = """
SELECT n.id, n.note, p.id, p.name, m.full_name, m.email
FROM programs_nomination n JOIN programs_program p ON p.id = n.program_id
LEFT JOIN people_user m ON m.id = n.manager_id
WHERE n.report_id = %(person)s AND n.status = %(sent)s
ORDER BY n.created_at DESC, n.id DESC
"""

_SUGGESTIONS_SQL = """
SELECT f.id, f.text, f.created_at, m.full_name, m.email
FROM programs_focussuggestion f LEFT JOIN people_user m ON m.id = f.manager_id
WHERE f.report_id = %(person)s AND f.dismissed_at IS NULL
ORDER BY f.created_at DESC, f.id DESC
"""

# One branch per role in the pair, each led by the person's own enrolments (an OR across
# the roles would make the planner scan every pair); the columns come from membership.
_PAIR_BRANCH_SQL = """
SELECT pair.id, pair.started_at, p.name, {is_mentee}, other_person.full_name, p.id,
    EXISTS (SELECT 1 FROM meetings_meeting mm WHERE mm.pair_id = pair.id), mine.id
FROM programs_enrolment mine
JOIN matching_pair pair ON pair.{column} = mine.id AND pair.status = %(active)s
JOIN programs_enrolment other ON other.id IN ({others})
JOIN people_user other_person ON other_person.id = other.person_id
JOIN programs_program p ON p.id = pair.program_id
WHERE mine.person_id = %(person)s
"""
_PAIRS_SQL = (
    "UNION ALL".join(
        _PAIR_BRANCH_SQL.format(
            is_mentee=int(role == MEMBER_ROLES[0]),  # the first role is the mentee's
            column=column,
            others=", ".join(f"pair.{other}" for other in MEMBER_COLUMNS if other != column),
        )
        for role, column in zip(MEMBER_ROLES, MEMBER_COLUMNS, strict=True)
    )
    + "ORDER BY 2 DESC, 1 DESC\n"
)

# The profile's department and manager, how many mentees wait for an answer and the first
# deadline, and whether anyone else is in the app yet.
_PROFILE_SQL = """
SELECT d.name, m.full_name, m.email, (
    SELECT COUNT(*) FROM matching_mentorshiprequest r
    JOIN programs_enrolment e ON e.id = r.mentor_id
    WHERE e.person_id = %(person)s AND r.status = %(open)s
), (
    SELECT MIN(r.expires_at) FROM matching_mentorshiprequest r
    JOIN programs_enrolment e ON e.id = r.mentor_id
    WHERE e.person_id = %(person)s AND r.status = %(open)s
), EXISTS (SELECT 1 FROM people_user o WHERE o.id <> %(person)s)
FROM people_user u
LEFT JOIN people_department d ON d.id = u.department_id
LEFT JOIN people_user m ON m.id = u.manager_id
WHERE u.id = %(person)s
"""

# programs.selectors.programs_open_to, less those the person is already part of.
_OPEN_PROGRAMS_SQL = """
SELECT p.id, p.name, p.enrolment_closes FROM programs_program p
WHERE p.status = %(open)s AND p.enrolment_opens <= %(today)s AND p.enrolment_closes >= %(today)s
AND (
    p.audience = %(everyone)s
    OR (p.audience = %(departments)s AND EXISTS (
        SELECT 1 FROM programs_program_departments pd
        WHERE pd.program_id = p.id AND pd.department_id = %(department)s))
    OR (p.audience = %(invited)s AND EXISTS (
        SELECT 1 FROM programs_invitation i
        WHERE i.program_id = p.id AND i.person_id = %(person)s))
)
AND p.id NOT IN (
    SELECT e.program_id FROM programs_enrolment e
    WHERE e.person_id = %(person)s AND e.status IN (%(pending)s, %(accepted)s)
)
ORDER BY p.enrolment_closes, p.name, p.id
LIMIT %(limit)s
"""


# The person's own meetings from their attendance rows: the next one, and those that wait
# for their answer. Times and pairs only (what a meeting is about is the journal's).
_AGENDA_SQL = """
SELECT * FROM (
    SELECT 1, a.meeting_id, a.start, m.pair_id FROM meetings_attendance a
    JOIN meetings_meeting m ON m.id = a.meeting_id
    WHERE a.person_id = %(person)s AND a.active AND m.status = %(scheduled)s
        AND a.start > %(now)s
    ORDER BY a.start, a.meeting_id LIMIT 1
) AS next_meeting
UNION ALL
SELECT * FROM (
    SELECT 0, a.meeting_id, a.start, m.pair_id FROM meetings_attendance a
    JOIN meetings_meeting m ON m.id = a.meeting_id
    WHERE a.person_id = %(person)s AND a.active AND m.status = %(scheduled)s
        AND a.start > %(now)s AND a.response = %(unanswered)s
    ORDER BY a.start, a.meeting_id LIMIT %(limit)s
) AS to_answer
"""

# What needs HR in each program that is not closed (run for HR admins only): applications
# waiting, a program in matching with no run, proposals ready but not published, and
# enrolment closing within a week. Only programs that need HR are read, so the limit never
# hides one of them behind programs that need nothing.
_HR_SQL = """
SELECT * FROM (
    SELECT p.id, p.name, p.status, p.enrolment_closes,
        (SELECT COUNT(*) FROM programs_enrolment e
            WHERE e.program_id = p.id AND e.status = %(pending)s) AS waiting,
        EXISTS (SELECT 1 FROM matching_matchrun r WHERE r.program_id = p.id) AS has_run,
        EXISTS (SELECT 1 FROM matching_matchrun r
            WHERE r.program_id = p.id AND r.status = %(done)s) AS ready
    FROM programs_program p
    WHERE p.status <> %(closed)s
) AS program
WHERE waiting > 0 OR ready OR (status = %(matching)s AND NOT has_run)
    OR (status = %(open)s AND enrolment_closes BETWEEN %(today)s AND %(soon)s)
ORDER BY enrolment_closes, name, id
LIMIT %(programs)s
"""

HOME_HR_PROGRAMS = 20  # programs that need HR on the to-do, soonest enrolment close first
HOME_MEETINGS_TO_ANSWER = 5
HOME_TEAM_DAYS = 14  # how far ahead a manager's home looks for the team's meetings
HOME_TEAM_SLOTS = 5
CLOSING_SOON = dt.timedelta(days=7)


@dataclass(frozen=True)
class HomeProgram:
    pk: int
    name: str
    status: str = ""
    matching_mode: str = ""
    enrolment_closes: dt.date | None = None

    def get_absolute_url(self) -> str:
        return reverse("programs:detail", kwargs={"program_id": self.pk})


@dataclass(frozen=True)
class HomeEnrolment:
    """Enough of an enrolment for programs/enrol/_status_badge.html and _next_step.html."""

    pk: int
    role: str
    status: str
    program: HomeProgram
    withdrawn_at: None = None  # withdrawn enrolments are not on the home page
    paired: bool = False  # in an active pair through this enrolment: the next step says so

    def get_status_display(self) -> str:
        return str(Enrolment.Status(self.status).label)

    def role_in_a_sentence(self) -> str:
        return role_in_a_sentence(self.role)


@dataclass(frozen=True)
class HomeNomination:
    pk: int
    note: str
    program: HomeProgram
    manager_name: str  # "" when the manager's account is gone


@dataclass(frozen=True)
class HomeSuggestion:
    pk: int
    text: str
    created_at: dt.datetime
    manager_name: str


@dataclass(frozen=True)
class HomePair:
    pk: int
    started_at: dt.datetime
    program_name: str
    i_am_mentee: bool
    counterpart_name: str
    program_id: int = 0
    has_meetings: bool = True
    enrolment_id: int = 0  # the person's own enrolment in the pair


@dataclass(frozen=True)
class HomeMeeting:
    """One of the person's meetings: when, and with whom (from their pairs)."""

    pk: int
    start: dt.datetime
    pair_id: int
    counterpart_name: str


@dataclass(frozen=True)
class HomeProgramTodo:
    """What one program needs from HR, as counts and flags."""

    pk: int
    name: str
    status: str
    enrolment_closes: dt.date
    applications_waiting: int
    has_run: bool
    proposals_ready: bool
    closing_soon: bool


@dataclass(frozen=True)
class HomeData:
    enrolments: tuple[HomeEnrolment, ...]
    nominations: tuple[HomeNomination, ...]
    focus_suggestions: tuple[HomeSuggestion, ...]
    pairs: tuple[HomePair, ...]
    open_programs: tuple[HomeProgram, ...]
    department_name: str
    manager_name: str
    requests_waiting: int
    others_exist: bool = False  # anyone but the person: HR's home says import or re-import
    first_request_deadline: dt.datetime | None = None
    next_meeting: HomeMeeting | None = None
    meetings_to_answer: tuple[HomeMeeting, ...] = ()
    programs_for_hr: tuple[HomeProgramTodo, ...] = ()

    @property
    def pairs_without_meetings(self) -> tuple[HomePair, ...]:
        return tuple(pair for pair in self.pairs if not pair.has_meetings)

    @property
    def mentors_to_choose(self) -> tuple[HomeEnrolment, ...]:
        """Accepted mentee enrolments in a mentee-choice program that is choosing, with no
        pair in that program yet."""
        paired = {pair.program_id for pair in self.pairs}
        return tuple(
            e
            for e in self.enrolments
            if e.role == Enrolment.Role.MENTEE
            and e.status == Enrolment.Status.ACCEPTED
            and e.program.matching_mode == Program.MatchingMode.CHOICE
            and e.program.status in CHOOSING
            and e.program.pk not in paired
        )

    @property
    def has_to_dos(self) -> bool:
        return bool(
            self.next_meeting
            or self.meetings_to_answer
            or self.requests_waiting
            or self.pairs_without_meetings
            or self.mentors_to_choose
        )


def _rows(sql: str, params: dict[str, Any]) -> Sequence[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands raw datetimes back without their zone; they are stored in UTC."""
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=dt.UTC)


def _day(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _name(full_name: str | None, email: str | None) -> str:
    return full_name or email or ""


def _pair(row: tuple[Any, ...]) -> HomePair:
    pk, started, program, i_am_mentee, counterpart, program_id, has_meetings, mine = row
    return HomePair(
        pk, _aware(started), program, bool(i_am_mentee), counterpart, program_id,
        bool(has_meetings), mine,
    )  # fmt: skip


def _agenda(
    params: dict[str, Any], pairs: tuple[HomePair, ...]
) -> tuple[HomeMeeting | None, tuple[HomeMeeting, ...]]:
    names = {pair.pk: pair.counterpart_name for pair in pairs}
    rows = _rows(_AGENDA_SQL, {
        **params, "scheduled": Meeting.Status.SCHEDULED,
        "unanswered": Attendance.Response.NEEDS_ACTION, "limit": HOME_MEETINGS_TO_ANSWER,
    })  # fmt: skip
    meetings = [
        (bool(is_next), HomeMeeting(pk, _aware(start), pair_id, names.get(pair_id, "")))
        for is_next, pk, start, pair_id in rows
    ]
    upcoming = next((m for is_next, m in meetings if is_next), None)
    return upcoming, tuple(m for is_next, m in meetings if not is_next)


def _hr_programs(params: dict[str, Any], today: dt.date) -> tuple[HomeProgramTodo, ...]:
    rows = _rows(_HR_SQL, {
        **params, "done": MatchRun.Status.DONE, "closed": Program.Status.CLOSED,
        "matching": Program.Status.MATCHING, "open": Program.Status.OPEN,
        "soon": today + CLOSING_SOON, "programs": HOME_HR_PROGRAMS,
    })  # fmt: skip
    found = []
    for pk, name, status, closes, waiting, has_run, ready in rows:
        closes = _day(closes)
        soon = status == Program.Status.OPEN and today <= closes <= today + CLOSING_SOON
        found.append(
            HomeProgramTodo(
                pk, name, status, closes, int(waiting), bool(has_run), bool(ready), soon
            )
        )
    return tuple(found)


def team_next(*, manager: User) -> tuple[MeetingSlot, ...]:
    """The next few mentoring meetings of the manager's direct reports (times only)."""
    now = timezone.now()
    slots = meeting_slots_for_manager(
        manager_id=manager.pk, start=now, end=now + dt.timedelta(days=HOME_TEAM_DAYS)
    )
    upcoming = (slot for slot in slots if not slot.cancelled and slot.start > now)
    return tuple(itertools.islice(upcoming, HOME_TEAM_SLOTS))


def home_data(*, person: User, today: dt.date | None = None, hr_admin: bool = False) -> HomeData:
    """Everything the person's home page shows besides their roles, as values; what needs
    HR is read only for an HR admin."""
    params: dict[str, Any] = {
        "person": person.pk,
        "withdrawn": Enrolment.Status.WITHDRAWN,
        "pending": Enrolment.Status.PENDING,
        "accepted": Enrolment.Status.ACCEPTED,
        "sent": Nomination.Status.SENT,
        "active": Pair.Status.ACTIVE,
        "open": Program.Status.OPEN,
        "everyone": Program.Audience.EVERYONE,
        "departments": Program.Audience.DEPARTMENTS,
        "invited": Program.Audience.INVITED,
        "department": person.department_id or 0,
        "today": today or timezone.localdate(),
        "now": timezone.now(),
        "limit": HOME_OPEN_PROGRAMS,
    }
    department, manager_name, manager_email, waiting, deadline, others = _rows(
        _PROFILE_SQL, {**params, "open": MentorshipRequest.Status.OPEN}
    )[0]
    pairs = tuple(_pair(row) for row in _rows(_PAIRS_SQL, params))
    paired = {pair.enrolment_id for pair in pairs}
    upcoming, to_answer = _agenda(params, pairs)
    return HomeData(
        enrolments=tuple(
            HomeEnrolment(
                pk, role, status, HomeProgram(program, name, p_status, mode), paired=pk in paired
            )
            for pk, role, status, program, name, p_status, mode in _rows(_ENROLMENTS_SQL, params)
        ),
        nominations=tuple(
            HomeNomination(pk, note, HomeProgram(program, name), _name(m_name, m_email))
            for pk, note, program, name, m_name, m_email in _rows(_NOMINATIONS_SQL, params)
        ),
        focus_suggestions=tuple(
            HomeSuggestion(pk, text, _aware(created), _name(m_name, m_email))
            for pk, text, created, m_name, m_email in _rows(_SUGGESTIONS_SQL, params)
        ),
        pairs=pairs,
        open_programs=tuple(
            HomeProgram(pk, name, enrolment_closes=_day(closes))
            for pk, name, closes in _rows(_OPEN_PROGRAMS_SQL, params)
        ),
        department_name=department or "",
        manager_name=_name(manager_name, manager_email),
        requests_waiting=int(waiting),
        others_exist=bool(others),
        first_request_deadline=_aware(_moment(deadline)) if deadline else None,
        next_meeting=upcoming,
        meetings_to_answer=to_answer,
        programs_for_hr=_hr_programs(params, params["today"]) if hr_admin else (),
    )


def _moment(value: dt.datetime | str) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
