"""Mentees choose a mentor from a shortlist; mentors answer requests; either ends a pair."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lib.formats import moment_text
from matching import membership, selectors, services
from matching.access import (
    access_choice_mentee_enrolment,
    access_choice_mentor,
    access_own_pair,
    access_request_for_mentee,
    access_request_for_mentor,
)
from matching.forms_choice import AnswerForm, AskForm
from matching.models import Pair
from people.access import signed_in_person
from people.paging import window
from programs.models import MENTORING_LANGUAGES, Enrolment

LANGUAGE_NAMES = dict(MENTORING_LANGUAGES)
REQUESTS_PER_PAGE = 20  # requests in each list of the requests page, open ones first


def _ask_form(mentor: Enrolment, data: object = None) -> AskForm:
    # One form per mentor card: ids must be unique on the page.
    return AskForm(data, mentor_name=mentor.person.full_name, auto_id=f"ask{mentor.pk}_%s")


def _refusal(error: ValidationError) -> str:
    return " ".join(error.messages)


def _shortlist_page(
    request: HttpRequest, mentee: Enrolment, bound: AskForm | None = None, mentor_id: int = 0
) -> HttpResponse:
    program = mentee.program
    pair = selectors.active_pair_of(mentee=mentee)
    is_open = selectors.choosing_is_open(program)
    options = selectors.shortlist_for(mentee=mentee) if is_open and pair is None else []
    cards = [
        (
            option,
            bound
            if bound is not None and option.mentor.pk == mentor_id
            else _ask_form(option.mentor),
            [LANGUAGE_NAMES.get(code, code) for code in option.mentor.languages],
        )
        for option in options
    ]
    return render(
        request,
        "matching/choice/shortlist.html",
        {
            "program": program,
            "mentee": mentee,
            "pair": pair,
            "is_open": is_open,
            "cards": cards,
            "waiting": list(selectors.open_requests_of(mentee=mentee)),
        },
        status=400 if bound is not None else 200,
    )


@require_safe
def shortlist(request: HttpRequest, program_id: int) -> HttpResponse:
    mentee = access_choice_mentee_enrolment(signed_in_person(request), program_id)
    return _shortlist_page(request, mentee)


@require_POST
def request_create(request: HttpRequest, program_id: int, enrolment_id: int) -> HttpResponse:
    mentee = access_choice_mentee_enrolment(signed_in_person(request), program_id)
    mentor = access_choice_mentor(mentee, enrolment_id)
    form = _ask_form(mentor, request.POST)
    if not form.is_valid():
        return _shortlist_page(request, mentee, bound=form, mentor_id=mentor.pk)
    if not selectors.choosing_is_open(mentee.program):
        messages.error(request, _("Mentors cannot be asked in this program right now."))
        return redirect("matching:shortlist", program_id=mentee.program_id)
    try:
        asked = services.request_create(
            mentee=mentee, mentor=mentor, message=form.cleaned_data["message"]
        )
    except ValidationError as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(
            request,
            _("You asked %(name)s. They have until %(date)s to answer.")
            % {"name": mentor.person.full_name, "date": moment_text(asked.expires_at)},
        )
    return redirect("matching:shortlist", program_id=mentee.program_id)


@require_safe
def request_list(request: HttpRequest) -> HttpResponse:
    person = signed_in_person(request)
    keep = ("received", "sent")
    received = window(
        request, selectors.requests_received(person=person),
        per_page=REQUESTS_PER_PAGE, param="received", keep=keep,
    )  # fmt: skip
    sent = window(
        request, selectors.requests_sent(person=person),
        per_page=REQUESTS_PER_PAGE, param="sent", keep=keep,
    )  # fmt: skip
    answer_forms = {
        r.pk: AnswerForm(mentee_name=r.mentee.person.full_name, auto_id=f"answer{r.pk}_%s")
        for r in received.rows
        if r.status == r.Status.OPEN
    }
    return render(
        request,
        "matching/choice/requests.html",
        {
            "received": [(r, answer_forms.get(r.pk)) for r in received.rows],
            "received_window": received,
            "sent": sent.rows,
            "sent_window": sent,
            "choosing": list(selectors.choosing_enrolments(person=person)),
        },
    )


@require_POST
def request_answer(request: HttpRequest, request_id: int) -> HttpResponse:
    asked = access_request_for_mentor(signed_in_person(request), request_id)
    form = AnswerForm(request.POST)
    mentee_name = asked.mentee.person.full_name
    if not form.is_valid():
        messages.error(
            request, _("Choose to accept or decline, with a reason of at most 1000 characters.")
        )
        return redirect("matching:requests")
    try:
        if form.cleaned_data["decision"] == AnswerForm.ACCEPT:
            services.request_accept(request=asked)
            done = _("You are now %(name)s's mentor. We have let them know.")
        else:
            services.request_decline(request=asked, reason=form.cleaned_data["reason"])
            done = _("You declined %(name)s's request. We have let them know.")
    except ValidationError as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(request, done % {"name": mentee_name})
    return redirect("matching:requests")


@require_POST
def request_withdraw(request: HttpRequest, request_id: int) -> HttpResponse:
    asked = access_request_for_mentee(signed_in_person(request), request_id)
    try:
        services.request_withdraw(request=asked)
    except ValidationError as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(
            request,
            _("You withdrew your request to %(name)s.") % {"name": asked.mentor.person.full_name},
        )
    return redirect("matching:shortlist", program_id=asked.program_id)


@require_safe
def pair_list(request: HttpRequest) -> HttpResponse:
    person = signed_in_person(request)
    return render(
        request,
        "matching/choice/pairs.html",
        {"pairs": list(selectors.pairs_of(person=person)), "me": person},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def pair_end(request: HttpRequest, pair_id: int) -> HttpResponse:
    person = signed_in_person(request)
    pair = access_own_pair(person, pair_id)
    counterpart = membership.counterpart(pair, person)
    if request.method == "POST":
        if pair.status == Pair.Status.ACTIVE:
            services.pair_end(pair=pair)
            messages.success(
                request,
                _("Your pair with %(name)s has ended.") % {"name": counterpart.full_name},
            )
        else:
            messages.info(request, _("This pair had already ended."))
        return redirect("matching:pairs")
    return render(
        request, "matching/choice/pair_end.html", {"pair": pair, "counterpart": counterpart}
    )
