"""Turn an id from a request into an object, or the same 404 as a missing id."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from people.models import User
from programs.models import Enrolment, FocusSuggestion, Nomination, Program, Skill
from programs.selectors import programs_visible_to


def access_program_for_hr(user: User, program_id: int) -> Program:
    # The route is for HR admins only (access policy); every program is theirs to run.
    return get_object_or_404(Program, pk=program_id)


def access_program(user: User, program_id: int) -> Program:
    """A program as an employee may see it: open to them, or one they are part of."""
    return get_object_or_404(programs_visible_to(person=user), pk=program_id)


def access_skill_for_hr(user: User, skill_id: int) -> Skill:
    return get_object_or_404(Skill, pk=skill_id)


def access_enrolment_for_hr(user: User, program: Program, enrolment_id: int) -> Enrolment:
    return get_object_or_404(
        Enrolment.objects.select_related("person", "program"), pk=enrolment_id, program=program
    )


def access_own_enrolment(user: User, enrolment_id: int) -> Enrolment:
    return get_object_or_404(
        Enrolment.objects.select_related("program"), pk=enrolment_id, person=user
    )


def access_nomination_for_report(user: User, nomination_id: int) -> Nomination:
    return get_object_or_404(
        Nomination.objects.select_related("program"), pk=nomination_id, report=user
    )


def access_focus_suggestion_for_report(user: User, suggestion_id: int) -> FocusSuggestion:
    return get_object_or_404(FocusSuggestion, pk=suggestion_id, report=user)


def access_direct_report(user: User, person_id: int) -> User:
    return get_object_or_404(User, pk=person_id, manager=user, is_active=True)
