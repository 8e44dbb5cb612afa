"""HR's read side: pages that draw on several apps, as values (counts, names, dates), never
session content. A leaf: nothing imports it, and it never imports ``journal``.

- A person's page and deactivating them: the reporting line (people), enrolments
  (programs), pairs (matching) and future meetings (meetings).
- A program's participant list: programs' list, with each enrolment's pair.
- A program's health (funnel, cadence, pairs by stalled-ness, mentor load, weekly trend,
  departments with small cells merged) and the programs side by side: counts and dates from
  the value-only selectors (``programs.health``, ``matching.health``, ``meetings.health``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from hr_view import health as hr_health
from hr_view.forms import EraseForm
from hr_view.people import deactivation_consequences, person_program_roles
from lib.page_cache import cached_page
from matching.membership import active_partners_by_enrolment
from meetings.health import PAIR_SORTS
from people.access import access_person_for_hr, signed_in_person
from people.models import User
from people.own_data import person_erase
from people.paging import window
from people.roles import request_roles
from people.selectors import reports_of
from people.services import person_deactivate
from programs.access import access_program_for_hr
from programs.health import ProgramFactsList, facts_of
from programs.views_participants import participant_list_context

REPORTS_PER_PAGE = 50  # direct reports on one page of a person's page


@require_safe
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    someone = access_person_for_hr(signed_in_person(request), person_id)
    reports = window(request, reports_of(person=someone), per_page=REPORTS_PER_PAGE)
    return render(
        request,
        "hr_view/person.html",
        {
            "person": someone,
            "reports": reports,
            "programs": person_program_roles(person=someone),
            "is_self": someone.pk == request.user.pk,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def deactivate(request: HttpRequest, person_id: int) -> HttpResponse:
    hr = signed_in_person(request)
    someone = access_person_for_hr(hr, person_id)
    if request.method == "POST":
        try:
            person_deactivate(person=someone, by=hr, request=request)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            messages.success(request, _deactivated_message(someone))
        return redirect("hr_view:person", person_id=someone.pk)
    return render(
        request,
        "hr_view/deactivate.html",
        {
            "person": someone,
            "consequences": deactivation_consequences(person=someone),
            "is_self": someone.pk == hr.pk,
            "already_done": not someone.is_active,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def erase(request: HttpRequest, person_id: int) -> HttpResponse:
    """Erase a person on their request: irreversible, so HR types their e-mail address."""
    hr = signed_in_person(request)
    someone = access_person_for_hr(hr, person_id)
    form = EraseForm(request.POST if request.method == "POST" else None, person=someone)
    if form.is_valid():
        try:
            person_erase(person=someone, by=hr)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            messages.success(request, _("The person is erased. Nothing of them can be restored."))
            return redirect("people:directory")
    return render(
        request,
        "hr_view/erase.html",
        {
            "person": someone,
            "form": form,
            "consequences": deactivation_consequences(person=someone),
            "is_self": someone.pk == hr.pk,
            "already_done": someone.is_stand_in,
        },
    )


def _deactivated_message(someone: User) -> str:
    return _(
        "%(name)s is deactivated: they can no longer sign in, and their enrolments are withdrawn."
    ) % {"name": someone.full_name or someone.email}


@require_safe
def participant_list(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program_for_hr(signed_in_person(request), program_id)
    context = participant_list_context(request, program)
    partners = active_partners_by_enrolment(row["enrolment"].pk for row in context["rows"])
    for row in context["rows"]:
        row["partners"] = partners.get(row["enrolment"].pk, ())
    return render(request, "programs/participants/list.html", context)


PAIRS_PER_PAGE = 50  # pairs on one page of a program's health page
PROGRAMS_PER_PAGE = 50  # programs on one page of the side-by-side comparison


@require_safe
def program_health(request: HttpRequest, program_id: int) -> HttpResponse:
    """The figures come counted and kept a few minutes (``hr_view.health``); the page drawn
    from them is kept rendered (``lib.page_cache``) under the program's facts until the
    figures it shows are due to be counted again, so that a page served again reads
    nothing but the access checks."""
    program = access_program_for_hr(signed_in_person(request), program_id)
    facts = facts_of(program)
    counted_at: list[dt.datetime] = []

    def draw(extra: dict[str, object]) -> HttpResponse:
        now = timezone.now()
        counted = hr_health.counted_health(program=facts, now=now)
        sort = request.GET.get("sort", "stalled")
        sort = sort if sort in PAIR_SORTS else "stalled"
        rows = hr_health.KeptPairRows(program=facts, sort=sort, now=now)
        pairs = window(request, cast(Sequence[Any], rows), per_page=PAIRS_PER_PAGE, keep=("sort",))
        counted_at.extend((counted.counted_at, rows.counted_at))
        health = hr_health.drawn(facts, counted.value, counted_at=counted.counted_at)
        context = {"health": health, "pairs": pairs, "sort": sort, "sorts": hr_health.pair_sorts()}
        return render(request, "hr_view/health.html", {**context, **extra})

    return cached_page(
        request,
        draw,
        roles=request_roles(request),
        key=facts,
        expires=lambda: min(counted_at) + dt.timedelta(seconds=hr_health.fresh_seconds()),
    )


@require_safe
def programs_compared(request: HttpRequest) -> HttpResponse:
    programs = window(request, cast(Sequence[Any], ProgramFactsList()), per_page=PROGRAMS_PER_PAGE)
    return render(
        request,
        "hr_view/compare.html",
        {
            "programs": programs,
            "compared": hr_health.programs_side_by_side(programs=programs.rows, now=timezone.now()),
        },
    )
