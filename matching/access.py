"""Turn an id from a request into a matching object, or the same 404 as a missing id."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from matching.membership import member_q, member_related
from matching.models import MatchRun, MentorshipRequest, Pair, Proposal
from people.models import User
from programs.models import Enrolment, Program

# ---------------------------------------------------------------- HR admins


def access_run_for_hr(user: User, run_id: int) -> MatchRun:
    # The route is for HR admins only (access policy); every program's runs are theirs.
    return get_object_or_404(MatchRun.objects.select_related("program"), pk=run_id)


def access_proposal_for_hr(user: User, run: MatchRun, proposal_id: int) -> Proposal:
    return get_object_or_404(
        Proposal.objects.select_related("run", "mentee__person", "mentor__person"),
        pk=proposal_id,
        run=run,
    )


# ---------------------------------------------------------------- mentees and mentors


def access_choice_mentee_enrolment(user: User, program_id: int) -> Enrolment:
    """The user's accepted mentee enrolment in a mentee-choice program."""
    return get_object_or_404(
        Enrolment.objects.select_related("program", "person"),
        program_id=program_id,
        program__matching_mode=Program.MatchingMode.CHOICE,
        person=user,
        role=Enrolment.Role.MENTEE,
        status=Enrolment.Status.ACCEPTED,
    )


def access_choice_mentor(mentee: Enrolment, enrolment_id: int) -> Enrolment:
    """An accepted mentor in the mentee's own program (the mentee may see their profile)."""
    return get_object_or_404(
        Enrolment.objects.select_related("person", "program"),
        pk=enrolment_id,
        program_id=mentee.program_id,
        role=Enrolment.Role.MENTOR,
        status=Enrolment.Status.ACCEPTED,
    )


def access_request_for_mentor(user: User, request_id: int) -> MentorshipRequest:
    """A request the user received as the mentor asked."""
    return get_object_or_404(
        MentorshipRequest.objects.select_related("mentee__person", "mentor__person", "program"),
        pk=request_id,
        mentor__person=user,
    )


def access_request_for_mentee(user: User, request_id: int) -> MentorshipRequest:
    """A request the user sent as the mentee."""
    return get_object_or_404(
        MentorshipRequest.objects.select_related("mentee__person", "mentor__person", "program"),
        pk=request_id,
        mentee__person=user,
    )


def access_own_pair(user: User, pair_id: int) -> Pair:
    """A pair the user is in, as mentee or as mentor."""
    return get_object_or_404(
        Pair.objects.select_related("program", *member_related()),
        member_q(user),
        pk=pair_id,
    )
