"""Real objects for the routes that take ids, and which personas may reach each one.

Every route with URL parameters needs an entry here; the permission matrix fails
for one without. Everyone else signed in must get the 404 of a missing id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from matching.models import MatchRun, MentorshipRequest, Pair, Proposal
from matching.services import pair_create
from people.models import User
from programs.models import Enrolment, FocusSuggestion, Invitation, Nomination, Program
from programs.services import nomination_create
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
    pair: Pair  # the mentee and the mentor, in ``program``
    cohort: Program  # in matching, with a finished run proposing mentee -> mentor
    run: MatchRun
    proposal: Proposal
    choice: Program  # mentee-choice; the mentee asked the mentor
    choice_mentor: Enrolment
    request: MentorshipRequest


def build_world(p: dict[str, User | None]) -> World:
    mentee, mentor, manager = p["mentee"], p["mentor"], p["manager"]
    assert mentee
    assert mentor
    assert manager
    program = ProgramFactory(name="Open to all")
    invited_only = ProgramFactory(name="Invited only", audience=Program.Audience.INVITED)
    Invitation.objects.create(program=invited_only, person=mentee)
    mentee_enrolment = enrol(program, mentee)
    mentor_enrolment = enrol(program, mentor, role=Enrolment.Role.MENTOR)
    nominated_for = ProgramFactory(name="Nominated for")
    nomination = nomination_create(
        manager=manager, report=mentee, program=nominated_for, note="Grow your reach"
    )
    suggestion = FocusSuggestion.objects.create(manager=manager, report=mentee, text="Delegation")
    with transaction.atomic():
        pair = pair_create(mentee=mentee_enrolment, mentor=mentor_enrolment, origin="manual")
    cohort = ProgramFactory(name="Cohort", status=Program.Status.MATCHING)
    run = MatchRun.objects.create(program=cohort, status=MatchRun.Status.DONE)
    proposal = Proposal.objects.create(
        run=run,
        mentee=Enrolment.objects.create(
            program=cohort, person=mentee, role="mentee", status="accepted", time_zone="UTC"
        ),
        mentor=Enrolment.objects.create(
            program=cohort, person=mentor, role="mentor", status="accepted", time_zone="UTC",
            capacity=1,
        ),
        score=1.0,
    )  # fmt: skip
    choice = ProgramFactory(name="Choice", matching_mode=Program.MatchingMode.CHOICE)
    choice_mentor = enrol(choice, mentor, role=Enrolment.Role.MENTOR)
    request = MentorshipRequest.objects.create(
        program=choice,
        mentee=enrol(choice, mentee),
        mentor=choice_mentor,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    return World(
        program, invited_only, mentee_enrolment, nomination, suggestion, pair, cohort, run,
        proposal, choice, choice_mentor, request,
    )  # fmt: skip


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
        {"person_id": p["mentee"].pk},
        ONLY({"manager"}),  # type: ignore[union-attr]
    ),
    "programs:suggest_focus": lambda w, p: ObjectCase(
        {"person_id": p["mentee"].pk},
        ONLY({"manager"}),  # type: ignore[union-attr]
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
            "participants_export",
            "invite",
        )
    },
    "hr_view:health": lambda w, p: ObjectCase(
        {"program_id": w.program.pk},
        ONLY({"hr_admin"}),  # type: ignore[union-attr]
    ),
    "hr_view:participants": lambda w, p: ObjectCase(
        {"program_id": w.program.pk},
        ONLY({"hr_admin"}),  # type: ignore[union-attr]
    ),
    # HR's people pages: everyone is theirs to look after, nobody else's.
    **{
        name: (
            lambda w, p: ObjectCase({"person_id": p["mentee"].pk}, ONLY({"hr_admin"}))  # type: ignore[union-attr]
        )
        for name in ("hr_view:person", "hr_view:deactivate", "hr_view:erase", "people:reactivate")
    },
    "programs:participant_decide": lambda w, p: ObjectCase(
        {"program_id": w.program.pk, "enrolment_id": w.mentee_enrolment.pk}, ONLY({"hr_admin"})
    ),
    "programs:skill_edit": lambda w, p: ObjectCase(
        {"skill_id": SkillFactory(name="Negotiation").pk}, ONLY({"hr_admin"})
    ),
    "matching:runs": lambda w, p: ObjectCase({"program_id": w.cohort.pk}, ONLY({"hr_admin"})),
    "matching:run_start": lambda w, p: ObjectCase({"program_id": w.cohort.pk}, ONLY({"hr_admin"})),
    "matching:program_start": lambda w, p: ObjectCase(
        {"program_id": w.cohort.pk}, ONLY({"hr_admin"})
    ),
    **{
        f"matching:{name}": (lambda w, p: ObjectCase({"run_id": w.run.pk}, ONLY({"hr_admin"})))
        for name in ("run_progress", "proposal_set", "proposal_swap", "run_publish")
    },
    "matching:proposal_remove": lambda w, p: ObjectCase(
        {"run_id": w.run.pk, "proposal_id": w.proposal.pk}, ONLY({"hr_admin"})
    ),
    "matching:shortlist": lambda w, p: ObjectCase({"program_id": w.choice.pk}, ONLY({"mentee"})),
    "matching:request_create": lambda w, p: ObjectCase(
        {"program_id": w.choice.pk, "enrolment_id": w.choice_mentor.pk}, ONLY({"mentee"})
    ),
    "matching:request_answer": lambda w, p: ObjectCase(
        {"request_id": w.request.pk}, ONLY({"mentor"})
    ),
    "matching:request_withdraw": lambda w, p: ObjectCase(
        {"request_id": w.request.pk}, ONLY({"mentee"})
    ),
    "matching:pair_end": lambda w, p: ObjectCase(
        {"pair_id": w.pair.pk}, ONLY({"mentee", "mentor"})
    ),
    # The mentee's own notification (the nomination): nobody else's, not their manager's.
    "notifications:open": lambda w, p: ObjectCase(
        {"notification_id": _notification_of(p["mentee"])}, ONLY({"mentee"})
    ),
}


def _notification_of(person: User | None) -> int:
    from notifications.models import Notification

    return Notification.objects.filter(recipient=person).values_list("pk", flat=True)[0]


def _merge_area_cases() -> None:
    """Each area keeps its cases in its own module; they all live in CASES."""
    from tests.privacy import (
        objects_checkins,
        objects_journal,
        objects_meetings,
        objects_mfa,
        objects_own_data,
    )

    for area in (
        objects_meetings,
        objects_journal,
        objects_checkins,
        objects_mfa,
        objects_own_data,
    ):
        CASES.update(area.CASES)


_merge_area_cases()
