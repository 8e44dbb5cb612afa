"""Matching's part of a person's own data: their pairs and mentorship requests.

Found and registered by ``lib/personal_data.py`` (the registry looks for a ``personal_data``
module in every app).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lib.personal_data import ModelFields, Registration, Section, register, render_section
from matching.membership import counterparts, is_mentee, member_related, pairs_of
from matching.models import MentorshipRequest
from people.models import User
from programs.models import Enrolment


def export(person: User) -> Section:
    pairs = [
        {
            "program": pair.program.name,
            "your_role": _("mentee") if is_mentee(pair, person) else _("mentor"),
            "with": ", ".join(other.full_name for other in counterparts(pair, person)),
            "status": pair.get_status_display(),
            "started": pair.started_at,
            "ended": pair.ended_at,
        }
        for pair in pairs_of(person)
        .select_related("program", *member_related())
        .order_by("started_at", "pk")
    ]
    # A request is between two enrolments; the person's are the mentee's or the mentor's.
    own_enrolments = Enrolment.objects.filter(person=person).values("pk")
    own_ids = {row["pk"] for row in own_enrolments}
    requests = [
        {
            "program": request.program.name,
            "mentee": request.mentee.person.full_name,
            "mentor": request.mentor.person.full_name,
            "message": request.message,
            "status": request.get_status_display(),
            # The mentor's reason for declining is theirs alone; the mentee never saw it.
            "reason": request.reason if request.mentor_id in own_ids else "",
            "sent": request.created_at,
            "answered": request.responded_at,
        }
        for request in MentorshipRequest.objects.filter(
            Q(mentee__in=own_enrolments) | Q(mentor__in=own_enrolments)
        )
        .select_related("program", "mentee__person", "mentor__person")
        .order_by("created_at", "pk")
    ]
    return render_section({"pairs": pairs, "mentorship_requests": requests})


def erase(*, person: User, replacement: User) -> dict[str, int]:
    """Runs before programs hands the enrolments to the stand-in: requests the person
    wrote lose their text; those left without a pair go with their enrolment."""
    messages = MentorshipRequest.objects.filter(mentee__person=person).exclude(message="")
    reasons = MentorshipRequest.objects.filter(mentor__person=person).exclude(reason="")
    return {
        "request_messages": messages.update(message=""),
        "request_reasons": reasons.update(reason=""),
    }


REGISTRATION = Registration(
    key="matching",
    title=_("Pairs and mentorship requests"),
    export=export,
    erase=erase,
    fields=(
        ModelFields(
            "matching.Pair",
            ("mentee", "mentor", "status", "started_at", "ended_at"),
            _("Who mentors whom"),
        ),
        ModelFields(
            "matching.MentorshipRequest",
            ("mentee", "mentor", "message", "reason"),
            _("A mentee's request to a mentor, and the answer"),
        ),
        ModelFields("matching.Proposal", ("mentee", "mentor", "score"), _("HR's proposed pairs")),
    ),
)


register(REGISTRATION)
