from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from people.forms import EmailPreferencesForm, PeopleImportForm
from people.models import User
from people.selectors import direct_reports
from people.services import people_import_csv, person_email_preferences_set

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


@require_http_methods(["GET", "HEAD", "POST"])
def import_people(request: HttpRequest) -> HttpResponse:
    bound = request.method == "POST"
    form = PeopleImportForm(request.POST if bound else None, request.FILES if bound else None)
    result = None
    if bound and form.is_valid():
        upload = form.cleaned_data["file"]
        result = people_import_csv(
            data=upload.read(MAX_UPLOAD_BYTES + 1),
            send_invitations=form.cleaned_data["send_invitations"],
        )
        if result.ok:
            messages.success(
                request,
                _("Import complete: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.")
                % {
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
            return redirect("people:import")
    return render(request, "people/import.html", {"form": form, "result": result})


@require_safe
def team(request: HttpRequest) -> HttpResponse:
    reports = direct_reports(manager=request.user).order_by("full_name")  # type: ignore[arg-type]
    return render(request, "people/team.html", {"reports": reports})


@require_http_methods(["GET", "HEAD", "POST"])
def email_settings(request: HttpRequest) -> HttpResponse:
    person: User = request.user  # type: ignore[assignment]  # the policy lets only people signed in
    initial = {"reminders": person.email_reminders, "nudges": person.email_nudges}
    form = EmailPreferencesForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        person_email_preferences_set(
            person=person,
            reminders=form.cleaned_data["reminders"],
            nudges=form.cleaned_data["nudges"],
        )
        messages.success(request, _("Your e-mail settings are saved."))
        return redirect("people:email_settings")
    return render(request, "people/email_settings.html", {"form": form})
