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
from lib.page_cache import cached_page
from people.access import signed_in_person
from people.roles import request_roles
from programs.access import access_program_for_hr


@require_safe
def survey_results(request: HttpRequest, program_id: int) -> HttpResponse:
    """Kept rendered (``lib.page_cache``) under the very values it shows: the program's
    name and the released results (a new release makes a new key)."""
    program = access_program_for_hr(signed_in_person(request), program_id)
    results = program_results(program_id=program.pk)
    return cached_page(
        request,
        lambda extra: render(
            request,
            "hr_view/survey_results.html",
            {"program": program, "results": results, **extra},
        ),
        roles=request_roles(request),
        key=(program.pk, program.name, results),
    )
