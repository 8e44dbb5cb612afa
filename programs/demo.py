"""Demo programs: one matched by HR as a cohort, one where mentees choose, with ~40 enrolments.

Built through the real services, so the demo data obeys every rule the app does.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from people.models import User
from programs.models import Enrolment, Program, Skill
from programs.selectors import live_enrolment
from programs.services import (
    enrolment_create,
    focus_suggestion_create,
    nomination_create,
    program_create,
    skill_create,
)

SKILLS = [
    "Stakeholder management", "Public speaking", "Negotiation", "Giving feedback",
    "Strategic thinking", "Career planning", "Leading without authority", "Hiring",
    "Product discovery", "Data storytelling", "System design", "Time management",
    "Managing up", "Financial acumen", "Coaching others", "Cross-cultural teams",
]  # fmt: skip

MENTEE_GOALS = [
    "I'd like to get more confident presenting to senior leaders. I tend to over-prepare "
    "slides and then rush through them when I'm nervous.",
    "I'm thinking about moving from engineering into product management within the next two "
    "years and want to understand what that switch really looks like.",
    "I recently became the go-to person for our team's on-call process and want to learn how "
    "to influence other teams without being their manager.",
    "I want to build a network outside my department. Most of what I know about the company "
    "comes from my own team.",
    "Negotiating scope with stakeholders: I say yes too often and end up with too much on my "
    "plate.",
    "I'd love help planning the next step in my career. I like my job but can't tell whether "
    "to aim for a lead role or a specialist track.",
    "Giving honest feedback to peers without damaging the relationship.",
    "Getting better at writing: design docs, proposals, even e-mails that get read.",
    "I'm new to the company and the country, and I want to understand how decisions actually "
    "get made here.",
    "Balancing deep work with meetings. My calendar decides my week, not me.",
    "Learning how finance thinks about our projects, so my business cases land better.",
    "Preparing to hire my first team member and not wanting to get it wrong.",
    "Building the confidence to speak up in large meetings.",
    "Understanding system design at a scale beyond our team's services.",
]
MENTOR_OFFERS = [
    "Fifteen years across engineering and product; happy to talk career paths and tough "
    "stakeholder situations.",
    "I moved from sales into operations and love helping people think about career changes.",
    "I can help with presenting, storytelling with data, and preparing for big meetings.",
    "Hiring, first-time management and giving feedback are my favourite topics.",
    "Happy to share how budgeting and business cases work from the finance side.",
    "",
]


@dataclass(frozen=True)
class DemoProgram:
    key: str  # the demo's own marker for the program: names are HR's to change
    name: str
    description: str
    matching_mode: str
    mentees: int
    mentors: int


DEMO_PROGRAMS = [
    DemoProgram(
        "cohort",
        "Grow with a mentor 2027",
        "Our company-wide program: six months with a mentor from another part of the "
        "business. HR matches the whole cohort at once, so everyone gets the best fit we can "
        "find, never someone in your own reporting line.",
        Program.MatchingMode.COHORT,
        mentees=15,
        mentors=9,
    ),
    DemoProgram(
        "choice",
        "Choose your mentor: leadership track",
        "For people thinking about leading teams or initiatives. You see a shortlist of "
        "mentors who fit what you want to grow in, and ask the one you'd like.",
        Program.MatchingMode.CHOICE,
        mentees=10,
        mentors=6,
    ),
]

MENTEE_TITLES = ("Software Engineer", "Account Executive", "Product Manager", "Financial Analyst",
                 "Operations Specialist", "HR Partner")  # fmt: skip
MENTOR_TITLES = (
    "Engineering Manager", "Group Product Manager", "Sales Manager", "Finance Manager",
    "Operations Manager", "VP Engineering", "Head of Product",
)  # fmt: skip


def program_seed(*, demo: DemoProgram, hr_admin: User) -> Program:
    """Create one demo program, open for enrolment since ten days."""
    today = timezone.localdate()
    return program_create(
        created_by=hr_admin,
        values={
            "name": demo.name,
            "description": demo.description,
            "status": Program.Status.OPEN,
            "matching_mode": demo.matching_mode,
            "enrolment_opens": today - dt.timedelta(days=10),
            "enrolment_closes": today + dt.timedelta(days=20),
            "starts_on": today + dt.timedelta(days=30),
            "ends_on": today + dt.timedelta(days=210),
            "max_time_zone_hours": 8,
        },
    )


def enrolments_seed(
    *, program: Program, demo: DemoProgram, people: list[User], featured: Sequence[User] = ()
) -> int:
    """Enrol demo people by their titles (every other one, so the two programs differ), and
    the ``featured`` pair (mentee, mentor) in any case; returns how many were enrolled."""
    offset = DEMO_PROGRAMS.index(demo)
    skills = _skills()
    mentees = [p for p in people if p.title in MENTEE_TITLES][offset::2][: demo.mentees]
    mentors = [p for p in people if p.title in MENTOR_TITLES][offset::2][: demo.mentors]
    roles = [(mentees, Enrolment.Role.MENTEE), (mentors, Enrolment.Role.MENTOR)]
    for person, (chosen, _role) in zip(featured, roles, strict=False):
        if person not in chosen:
            chosen.insert(0, person)
    return sum(
        _enrol(program, person, role, n, skills)
        for chosen, role in roles
        for n, person in enumerate(chosen)
    )


def suggestions_seed(*, program: Program, manager: User, report: User) -> None:
    """A nomination and a focus suggestion, so the report's home shows both."""
    nomination_create(
        manager=manager,
        report=report,
        program=program,
        note="You've been doing great work leading the on-call rota; I think this could "
        "help you take the next step.",
    )
    focus_suggestion_create(
        manager=manager,
        report=report,
        text="Influencing other teams' roadmaps, and getting comfortable presenting to "
        "the leadership group.",
    )


def _skills() -> list[Skill]:
    existing = {s.name: s for s in Skill.objects.all()}
    return [existing.get(name) or skill_create(name=name) for name in SKILLS]


def _enrol(program: Program, person: User, role: str, n: int, skills: list[Skill]) -> int:
    if live_enrolment(program=program, person=person, role=role) is not None:
        return 0
    mentee = role == Enrolment.Role.MENTEE
    languages = ["en"] + (["de"] if person.time_zone == "Europe/Berlin" else [])
    languages += ["es"] if person.time_zone == "Europe/Madrid" else []
    slots = ["mon-am", "tue-pm", "wed-am", "thu-am", "thu-pm", "fri-am"]
    enrolment_create(
        program=program,
        person=person,
        role=role,
        values={
            "goals": (MENTEE_GOALS if mentee else MENTOR_OFFERS)[
                n % len(MENTEE_GOALS if mentee else MENTOR_OFFERS)
            ],
            "languages": languages,
            "meeting_format": list(Enrolment.MeetingFormat)[n % 3],
            "availability": list(itertools.islice(itertools.cycle(slots), n % 4, n % 4 + 3)),
            "years_experience": (2 + n % 6) if mentee else (10 + n % 12),
            "capacity": None if mentee else 1 + n % 3,
        },
        skills=[skills[(n * 3 + k) % len(skills)] for k in range(3)],
    )
    return 1
