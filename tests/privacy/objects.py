"""Real objects for the routes that take ids, and which personas may reach each one.

Every route with URL parameters needs an entry here; the permission matrix fails
for one without. Everyone else signed in must get the 404 of a missing id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from people.models import User
from programs.models import Enrolment, FocusSuggestion, Invitation, Nomination, Program
from tests.programs.factories import ProgramFactory, SkillFactory, enrol

MISSING_ID = 987654


@dataclass(frozen=True)
class ObjectCase:
    kwargs: dict[str, int]
    allowed: frozenset[str]  # personas who may reach this object

    def missing(self) -> dict[str, int]:
        return dict.fromkeys(self.kwargs, MISSING_ID)


@dataclass(frozen=True)
class World:
    program: Program  # open to everyone; the mentee and mentor are enrolled
    invited_only: Program  # only the mentee is invited
    mentee_enrolment: Enrolment
    nomination: Nomination
    suggestion: FocusSuggestion


def build_world(p: dict[str, User | None]) -> World:
    mentee, mentor, manager = p["mentee"], p["mentor"], p["manager"]
    assert mentee and mentor and manager
    program = ProgramFactory(name="Open to all")
    invited_only = ProgramFactory(name="Invited only", audience=Program.Audience.INVITED)
    Invitation.objects.create(program=invited_only, person=mentee)
    mentee_enrolment = enrol(program, mentee)
    enrol(program, mentor, role=Enrolment.Role.MENTOR)
    nominated_for = ProgramFactory(name="Nominated for")
    nomination = Nomination.objects.create(program=nominated_for, manager=manager, report=mentee)
    suggestion = FocusSuggestion.objects.create(manager=manager, report=mentee, text="Delegation")
    return World(program, invited_only, mentee_enrolment, nomination, suggestion)


ONLY = frozenset
CASES: dict[str, Callable[[World, dict[str, User | None]], ObjectCase]] = {
    "programs:detail": lambda w, p: ObjectCase({"program_id": w.invited_only.pk}, ONLY({"mentee"})),
    "programs:enrol_mentee": lambda w, p: ObjectCase(
        {"program_id": w.invited_only.pk}, ONLY({"mentee"})
    ),
    "programs:enrol_mentor": lambda w, p: ObjectCase(
        {"program_id": w.invited_only.pk}, ONLY({"mentee"})
    ),
    "programs:enrolment_edit": lambda w, p: ObjectCase(
        {"enrolment_id": w.mentee_enrolment.pk}, ONLY({"mentee"})
    ),
    "programs:enrolment_withdraw": lambda w, p: ObjectCase(
        {"enrolment_id": w.mentee_enrolment.pk}, ONLY({"mentee"})
    ),
    "programs:nomination_dismiss": lambda w, p: ObjectCase(
        {"nomination_id": w.nomination.pk}, ONLY({"mentee"})
    ),
    "programs:suggestion_dismiss": lambda w, p: ObjectCase(
        {"suggestion_id": w.suggestion.pk}, ONLY({"mentee"})
    ),
    "programs:nominate": lambda w, p: ObjectCase(
        {"person_id": p["mentee"].pk}, ONLY({"manager"})  # type: ignore[union-attr]
    ),
    "programs:suggest_focus": lambda w, p: ObjectCase(
        {"person_id": p["mentee"].pk}, ONLY({"manager"})  # type: ignore[union-attr]
    ),
    **{
        f"programs:{name}": (
            lambda w, p: ObjectCase({"program_id": w.program.pk}, ONLY({"hr_admin"}))
        )
        for name in (
            "hr_detail",
            "hr_edit",
            "hr_duplicate",
            "hr_transition",
            "participants",
            "participants_export",
            "invite",
        )
    },
    "programs:participant_decide": lambda w, p: ObjectCase(
        {"program_id": w.program.pk, "enrolment_id": w.mentee_enrolment.pk}, ONLY({"hr_admin"})
    ),
    "programs:skill_edit": lambda w, p: ObjectCase(
        {"skill_id": SkillFactory(name="Negotiation").pk}, ONLY({"hr_admin"})
    ),
}
