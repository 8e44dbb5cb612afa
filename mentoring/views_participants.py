"""HR's participant list of a program: programs' list, with each enrolment's pair."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from mentoring.pairing import partners_by_enrolment
from people.access import signed_in_person
from programs.access import access_program_for_hr
from programs.views_participants import participant_list_context


@require_safe
def participant_list(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program_for_hr(signed_in_person(request), program_id)
    context = participant_list_context(request, program)
    partners = partners_by_enrolment(row["enrolment"].pk for row in context["rows"])
    for row in context["rows"]:
        row["partners"] = partners.get(row["enrolment"].pk, ())
    return render(request, "programs/participants/list.html", context)
