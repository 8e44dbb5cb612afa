"""A program's check-in results for HR: released aggregates only.

``checkins.aggregates`` is the only module of ``checkins`` this app may import (an import
contract): it returns numbers of at least the threshold of answers, released in steps,
and never reads an answer row while this page is served.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from checkins.aggregates import program_results
from people.access import signed_in_person
from programs.access import access_program_for_hr


@require_safe
def survey_results(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program_for_hr(signed_in_person(request), program_id)
    return render(
        request,
        "hr_view/survey_results.html",
        {"program": program, "results": program_results(program_id=program.pk)},
    )
