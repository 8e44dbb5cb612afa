from __future__ import annotations

from allauth.account.adapter import get_adapter as get_account_adapter
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from people.access import access_person_for_hr, signed_in_person
from people.forms import (
    EmailPreferencesForm,
    PeopleImportForm,
    PeopleSearchForm,
    RegionalSettingsForm,
)
from people.paging import window
from people.roles import request_roles
from people.sample import sample_people_csv
from people.selectors import direct_reports, people_directory
from people.services import (
    people_import_csv,
    person_email_preferences_set,
    person_reactivate,
    person_regional_settings_set,
)
from people.single_sign_on import idp_sign_out
from people.zones import canonical_zone

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
PROBLEMS_SHOWN = 200  # a file of 10,000 bad rows is reported by its first problems
PER_PAGE = 50  # people on one page of the directory


@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    form = PeopleSearchForm(request.GET)
    search = form.search()
    page = window(request, people_directory(search=search), per_page=PER_PAGE, keep=("q",))
    return render(request, "people/directory.html", {"form": form, "page": page, "search": search})


@require_POST
def reactivate(request: HttpRequest, person_id: int) -> HttpResponse:
    someone = access_person_for_hr(signed_in_person(request), person_id)
    try:
        person_reactivate(person=someone)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(
            request,
            _("%(name)s can sign in again.") % {"name": someone.full_name or someone.email},
        )
    return redirect("hr_view:person", person_id=someone.pk)


@require_safe
def import_sample(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(sample_people_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="people-sample.csv"'
    return response


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
            request=request,
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
    problems = result.problems if result is not None else ()
    return render(
        request,
        "people/import.html",
        {
            "form": form,
            "result": result,
            "problems_shown": problems[:PROBLEMS_SHOWN],
            "problems_left": max(len(problems) - PROBLEMS_SHOWN, 0),
        },
    )


@require_safe
def team(request: HttpRequest) -> HttpResponse:
    reports = direct_reports(manager=request.user).order_by("full_name")  # type: ignore[arg-type]
    return render(request, "people/team.html", {"reports": reports})


REGIONAL, EMAIL = "regional", "email"  # which form of the settings page was sent


@require_http_methods(["GET", "HEAD", "POST"])
def email_settings(request: HttpRequest) -> HttpResponse:
    """Your settings: language and time zone, and the optional e-mails. Two forms on one
    page, each saved on its own (the address keeps its old name: e-mails link to it)."""
    person = signed_in_person(request)
    sent = request.POST.get("section") if request.method == "POST" else None
    regional = RegionalSettingsForm(
        request.POST if sent == REGIONAL else None,
        initial={
            "language": person.language,
            "time_zone": canonical_zone(person.time_zone) or person.time_zone,
        },
    )
    email = EmailPreferencesForm(
        request.POST if sent == EMAIL else None,
        initial={"reminders": person.email_reminders, "nudges": person.email_nudges},
    )
    if sent == REGIONAL and regional.is_valid():
        person_regional_settings_set(
            person=person,
            language=regional.cleaned_data["language"],
            time_zone=regional.cleaned_data["time_zone"],
        )
        with translation.override(person.language):  # say it in the language just chosen
            messages.success(request, _("Your language and time zone are saved."))
        return redirect("people:email_settings")
    if sent == EMAIL and email.is_valid():
        person_email_preferences_set(
            person=person,
            reminders=email.cleaned_data["reminders"],
            nudges=email.cleaned_data["nudges"],
        )
        messages.success(request, _("Your e-mail settings are saved."))
        return redirect("people:email_settings")
    if request.method == "POST" and sent not in (REGIONAL, EMAIL):
        messages.error(request, _("Nothing was saved: send one of the forms below."))
    return render(
        request,
        "people/email_settings.html",
        {
            "regional": regional,
            "form": email,
            "regional_section": REGIONAL,
            "email_section": EMAIL,
            "mfa_on": request_roles(request).mfa_set_up,
        },
    )


@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    """End the app's session, then the IdP's, when the session came through one."""
    at_idp = idp_sign_out(request)  # read before the session, which holds how it signed in, ends
    get_account_adapter(request).logout(request)
    return redirect(at_idp.url if at_idp else reverse("account_login"))
