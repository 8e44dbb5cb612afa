"""Managers suggest, never decide: nominate a direct report, suggest a focus.

The manager sees only what they sent. Nothing here reads the report's decision
(enrolled, dismissed, shared); the selectors return frozen values without it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from people.access import signed_in_person
from people.models import User
from programs.access import access_direct_report
from programs.forms_manager import FocusSuggestionForm, NominationForm
from programs.selectors import (
    focus_suggestions_sent_to,
    nominations_sent_to,
    programs_open_to,
    programs_to_nominate,
)
from programs.services import focus_suggestion_create, nomination_create


def _manager_and_report(request: HttpRequest, person_id: int) -> tuple[User, User]:
    manager = signed_in_person(request)
    return manager, access_direct_report(manager, person_id)


@require_http_methods(["GET", "HEAD", "POST"])
def nominate(request: HttpRequest, person_id: int) -> HttpResponse:
    manager, report = _manager_and_report(request, person_id)
    offered = list(programs_to_nominate(report=report))
    form = NominationForm(
        request.POST if request.method == "POST" else None,
        report=report,
        open_programs=programs_open_to(person=report),
        offered=offered,
    )
    if request.method == "POST" and form.is_valid():
        try:
            nomination_create(
                manager=manager,
                report=report,
                program=form.cleaned_data["program"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Nomination for “%(program)s” sent to %(name)s.")
                % {"program": form.cleaned_data["program"].name, "name": report.full_name},
            )
            return redirect("programs:nominate", person_id=report.pk)
    context = {
        "report": report,
        "form": form,
        "has_programs": bool(offered),
        "sent": nominations_sent_to(manager=manager, report=report),
    }
    return render(request, "programs/manager/nominate.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def suggest_focus(request: HttpRequest, person_id: int) -> HttpResponse:
    manager, report = _manager_and_report(request, person_id)
    form = FocusSuggestionForm(request.POST if request.method == "POST" else None, report=report)
    if request.method == "POST" and form.is_valid():
        try:
            focus_suggestion_create(manager=manager, report=report, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Your suggestion was sent to %(name)s.") % {"name": report.full_name}
            )
            return redirect("programs:suggest_focus", person_id=report.pk)
    context = {
        "report": report,
        "form": form,
        "sent": focus_suggestions_sent_to(manager=manager, report=report),
    }
    return render(request, "programs/manager/suggest_focus.html", context)
