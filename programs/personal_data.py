"""Programs' part of a person's own data: enrolments with their matching answers,
nominations and focus suggestions sent to them, program invitations.

Found and registered by ``lib/personal_data.py`` (the registry looks for a ``personal_data``
module in every app).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from lib.personal_data import ModelFields, Registration, Section, register, render_section
from people.models import User
from programs.models import Enrolment, FocusSuggestion, Invitation, Nomination


def export(person: User) -> Section:
    enrolments = [
        {
            "program": enrolment.program.name,
            "role": enrolment.get_role_display(),
            "status": enrolment.get_status_display(),
            "capacity": enrolment.capacity,
            "skills": sorted(skill.name for skill in enrolment.skills.all()),
            "development_goals": enrolment.goals,
            "languages": enrolment.languages,
            "meeting_format": enrolment.get_meeting_format_display(),
            "weekly_availability": enrolment.availability,
            "availability_time_zone": enrolment.time_zone,
            "years_experience": enrolment.years_experience,
            "enrolled": enrolment.created_at,
            "withdrawn": enrolment.withdrawn_at,
        }
        for enrolment in Enrolment.objects.filter(person=person)
        .select_related("program")
        .prefetch_related("skills")
        .order_by("created_at", "pk")
    ]
    nominations = list(
        Nomination.objects.filter(report=person)
        .order_by("created_at", "pk")
        .values(
            "note",
            "status",
            program_name=F("program__name"),
            manager_name=F("manager__full_name"),
            created=F("created_at"),
        )
    )
    suggestions = list(
        FocusSuggestion.objects.filter(report=person)
        .order_by("created_at", "pk")
        .values(
            "text",
            manager_name=F("manager__full_name"),
            created=F("created_at"),
            dismissed=F("dismissed_at"),
        )
    )
    invitations = list(
        Invitation.objects.filter(person=person)
        .order_by("created_at", "pk")
        .values(program_name=F("program__name"), created=F("created_at"))
    )
    return render_section(
        {
            "enrolments_and_matching_answers": enrolments,
            "nominations_for_you": nominations,
            "focus_suggestions_for_you": suggestions,
            "program_invitations": invitations,
        }
    )


def erase(*, person: User, replacement: User) -> dict[str, int]:
    """Enrolments a pair points at pass to the stand-in with every answer emptied (the
    pair stays for the other member); the rest are deleted with what was sent to them."""
    kept = Enrolment.objects.filter(person=person).filter(
        models.Q(mentee_pairs__isnull=False) | models.Q(mentor_pairs__isnull=False)
    )
    kept_ids = list(kept.values_list("pk", flat=True).distinct())
    Enrolment.skills.through.objects.filter(enrolment_id__in=kept_ids).delete()
    Enrolment.objects.filter(pk__in=kept_ids).update(
        person=replacement,
        goals="",
        languages=[],
        availability=[],
        time_zone="UTC",
        years_experience=0,
        capacity=None,
    )
    deleted = Enrolment.objects.filter(person=person).delete()[1].get("programs.Enrolment", 0)
    nominations = Nomination.objects.filter(report=person).delete()[0]
    suggestions = FocusSuggestion.objects.filter(report=person).delete()[0]
    invitations = Invitation.objects.filter(person=person).delete()[0]
    return {
        "enrolments_emptied": len(kept_ids),
        "enrolments_deleted": deleted,
        "nominations": nominations,
        "focus_suggestions": suggestions,
        "invitations": invitations,
    }


REGISTRATION = Registration(
    key="programs",
    title=_("Programs, enrolments and matching answers"),
    export=export,
    erase=erase,
    fields=(
        ModelFields(
            "programs.Enrolment",
            (
                "person",
                "role",
                "status",
                "capacity",
                "skills",
                "goals",
                "languages",
                "meeting_format",
                "availability",
                "time_zone",
                "years_experience",
            ),
            _("Matching mentees with mentors"),
        ),
        ModelFields(
            "programs.Nomination",
            ("manager", "report", "note"),
            _("A manager's suggestion to join a program"),
        ),
        ModelFields(
            "programs.FocusSuggestion",
            ("manager", "report", "text"),
            _("A manager's suggestion of what to explore, seen by the report only"),
        ),
        ModelFields("programs.Invitation", ("person", "invited_by"), _("Invited programs")),
    ),
)


register(REGISTRATION)
