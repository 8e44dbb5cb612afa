"""HR's view of one program's participants: list, decide, export, invite.

HR sees enrolment answers (matching data), never nomination notes or focus
suggestions: those live in other models and nothing here reads them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from people.access import signed_in_person
from people.paging import window
from people.selectors import departments_with_headcount
from programs.access import access_enrolment_for_hr, access_program_for_hr
from programs.exports import participants_csv
from programs.forms_participants import (
    FILTER_FIELDS,
    DecisionForm,
    InviteForm,
    ParticipantFilterForm,
)
from programs.models import MENTORING_LANGUAGES, Enrolment, Program
from programs.selectors import (
    invitations_for_hr,
    participant_departments,
    participant_status_counts,
    participants_for_hr,
)
from programs.services import (
    enrolment_approve,
    enrolment_decline,
    participants_export_record,
    program_invite,
)

LANGUAGE_NAMES = dict(MENTORING_LANGUAGES)
PER_PAGE = 50  # participants on one page of the list
LIST_KEYS = (*FILTER_FIELDS, "page")  # what the list's address may carry
STATUS_BADGES: dict[str, str] = {
    Enrolment.Status.PENDING: "badge-warning",
    Enrolment.Status.ACCEPTED: "badge-success",
    Enrolment.Status.DECLINED: "badge-danger",
    Enrolment.Status.WITHDRAWN: "badge-neutral",
}


def _filter_form(request: HttpRequest, program: Program) -> ParticipantFilterForm:
    departments = list(participant_departments(program=program))
    return ParticipantFilterForm(request.GET, departments=departments)


def participant_list_context(request: HttpRequest, program: Program) -> dict[str, Any]:
    """What HR's participant list shows of the program's enrolments, one page of them.

    Who is paired with whom is matching's to know, above this app: the page's view is the
    roof's (``mentoring/views_participants.py``), which adds each row's pair to this."""
    form = _filter_form(request, program)
    enrolments = participants_for_hr(program=program, **form.filters())
    counts = participant_status_counts(program=program)
    page = window(request, enrolments, per_page=PER_PAGE, keep=FILTER_FIELDS)
    rows = [
        {
            "enrolment": e,
            "languages": [str(LANGUAGE_NAMES.get(code, code)) for code in e.languages],
            "status_badge": STATUS_BADGES.get(e.status, "badge-neutral"),
        }
        for e in page.rows
    ]
    statuses = [
        {"value": value, "label": label, "count": counts[value], "badge": STATUS_BADGES[value]}
        for value, label in Enrolment.Status.choices
    ]
    return {
        "program": program,
        "form": form,
        "rows": rows,
        "page": page,
        "statuses": statuses,
        "total": sum(counts.values()),
        "filtered": form.is_filtered(),
        "query": _filter_query(request.GET),
        "here": request.get_full_path(),
    }


def _filter_query(params: QueryDict, keys: tuple[str, ...] = FILTER_FIELDS) -> str:
    """The filter part of a query string, rebuilt from known keys only."""
    return urlencode([(k, params[k]) for k in keys if params.get(k)])


def _back_to_list(program: Program, next_url: str) -> str:
    """The list, with the filters and page of ``next_url`` if it points at this very list."""
    list_url = reverse("hr_view:participants", kwargs={"program_id": program.pk})
    parts = urlsplit(next_url)
    if parts.scheme or parts.netloc or parts.path != list_url:
        return list_url
    query = _filter_query(QueryDict(parts.query), LIST_KEYS)
    return f"{list_url}?{query}" if query else list_url


@require_POST
def participant_decide(request: HttpRequest, program_id: int, enrolment_id: int) -> HttpResponse:
    program = access_program_for_hr(signed_in_person(request), program_id)
    enrolment = access_enrolment_for_hr(signed_in_person(request), program, enrolment_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to approve or decline the application."))
        return redirect(_back_to_list(program, request.POST.get("next", "")))
    decide = enrolment_approve if form.cleaned_data["decision"] == "approve" else enrolment_decline
    name = enrolment.person.full_name or enrolment.person.email
    try:
        decide(enrolment=enrolment)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        if enrolment.status == Enrolment.Status.ACCEPTED:
            text = _("Approved %(name)s as %(role)s.")
        else:
            text = _("Declined the application of %(name)s as %(role)s.")
        told = _("They get an e-mail about it.")
        messages.success(
            request, f"{text % {'name': name, 'role': enrolment.get_role_display()}} {told}"
        )
    return redirect(_back_to_list(program, form.cleaned_data["next"]))


@require_safe
def participants_export(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program_for_hr(signed_in_person(request), program_id)
    form = _filter_form(request, program)
    enrolments = list(participants_for_hr(program=program, **form.filters()))
    filters = [name for name, value in form.filters().items() if value]
    participants_export_record(
        program=program, rows=len(enrolments), filters=filters, request=request
    )
    response = HttpResponse(participants_csv(enrolments), content_type="text/csv; charset=utf-8")
    filename = f"{_slug(program)}-participants.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _slug(program: Program) -> str:
    return slugify(program.name) or f"program-{program.pk}"


INVITED_PER_PAGE = 50  # invitations on one page of the list below the form


@require_http_methods(["GET", "HEAD", "POST"])
def invite(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program_for_hr(signed_in_person(request), program_id)
    departments = list(departments_with_headcount())
    form = InviteForm(request.POST if request.method == "POST" else None, departments=departments)
    if form.is_valid():
        emails = form.cleaned_data["emails"]
        department = next((d for d in departments if d.pk == form.cleaned_data["department"]), None)
        try:
            invited = program_invite(
                program=program,
                emails=emails,
                department=department,
                invited_by=signed_in_person(request),
            )
        except ValidationError as refusal:
            form.add_error("emails" if emails else "department", refusal)
        else:
            messages.success(request, _invited_message(len(invited.fresh), invited.already))
            return redirect("programs:invite", program_id=program.pk)
    page = window(request, invitations_for_hr(program=program), per_page=INVITED_PER_PAGE)
    return render(
        request,
        "programs/participants/invite.html",
        {
            "program": program,
            "form": form,
            "invitations": page.rows,
            "page": page,
            "invited_only": program.audience == Program.Audience.INVITED,
        },
    )


def _invited_message(new: int, already: int) -> str:
    invited = ngettext("Invited %(count)d person", "Invited %(count)d people", new) % {"count": new}
    if not already:
        return f"{invited}."
    before = ngettext(
        "%(count)d was already invited", "%(count)d were already invited", already
    ) % {"count": already}
    return f"{invited} ({before})."
