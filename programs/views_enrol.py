"""Employees: browse programs, enrol as mentee or mentor, edit, withdraw, decide on suggestions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from people.access import signed_in_person
from people.models import User
from programs import services
from programs.access import (
    access_focus_suggestion_for_report,
    access_nomination_for_report,
    access_own_enrolment,
    access_program,
)
from programs.forms_enrol import LANGUAGE_CODES, EnrolmentForm
from programs.models import (
    AVAILABILITY_SLOTS,
    MENTORING_LANGUAGES,
    Enrolment,
    Program,
    role_in_a_sentence,
)
from programs.selectors import (
    enrolments_of,
    live_enrolment,
    mark_paired,
    program_is_open_to,
    programs_open_to,
)

Role = Enrolment.Role
LANGUAGE_LABELS = dict(MENTORING_LANGUAGES)
SLOT_LABELS = dict(AVAILABILITY_SLOTS)


@dataclass(frozen=True)
class ProgramCard:
    program: Program
    my_roles: list[str] = field(default_factory=list)  # my live enrolments' roles, in words


def _live_roles_by_program(enrolments: list[Enrolment]) -> dict[int, list[str]]:
    roles: dict[int, list[str]] = defaultdict(list)
    for enrolment in enrolments:
        if enrolment.is_live:
            roles[enrolment.program_id].append(enrolment.role_in_a_sentence)
    return roles


@require_safe
def program_list(request: HttpRequest) -> HttpResponse:
    person = signed_in_person(request)
    mine = mark_paired(list(enrolments_of(person=person)))
    roles = _live_roles_by_program(mine)
    open_programs = programs_open_to(person=person).prefetch_related("departments")
    cards = [ProgramCard(program, roles.get(program.pk, [])) for program in open_programs]
    return render(
        request, "programs/enrol/program_list.html", {"cards": cards, "my_enrolments": mine}
    )


@require_safe
def program_detail(request: HttpRequest, program_id: int) -> HttpResponse:
    person = signed_in_person(request)
    program = access_program(person, program_id)
    enrolments = Enrolment.objects.filter(program=program, person=person)
    mine = mark_paired(list(enrolments.order_by("role", "-created_at")))
    for enrolment in mine:
        enrolment.program = program  # the next step reads the program's status
    live_roles = {e.role for e in mine if e.is_live}
    is_open = program_is_open_to(program=program, person=person)
    return render(
        request,
        "programs/enrol/program_detail.html",
        {
            "program": program,
            "departments": list(program.departments.all())
            if program.audience == Program.Audience.DEPARTMENTS
            else [],
            "my_enrolments": mine,
            "is_open_to_me": is_open,
            "can_enrol_as_mentee": is_open and Role.MENTEE not in live_roles,
            "can_enrol_as_mentor": is_open and Role.MENTOR not in live_roles,
        },
    )


def _enrolled_message(enrolment: Enrolment) -> str:
    program = enrolment.program
    names = {"program": program.name, "role": enrolment.role_in_a_sentence}
    choice = program.matching_mode == Program.MatchingMode.CHOICE
    if enrolment.status == Enrolment.Status.PENDING:
        then = (
            _("Once HR accepts it, you choose your mentor from a shortlist of good matches.")
            if choice and enrolment.role == Role.MENTEE
            else _("Your home page shows when they have decided.")
        )
        return _("Your application to “%(program)s” as a %(role)s is with HR.") % names + f" {then}"
    first = _("You are enrolled in “%(program)s” as a %(role)s.") % names
    if choice and enrolment.role == Role.MENTEE:
        # Mentees may choose from the moment they are accepted (matching.selectors).
        then = _("You can choose your mentor now: see the mentors who fit you, below.")
    elif choice:
        then = _(
            "Mentees can ask you from now on; their requests come by e-mail and under Requests."
        )
    else:
        then = _(
            "After enrolment closes on %(date)s, HR matches everyone at once; "
            "your pairing will appear on your home page."
        ) % {"date": date_format(program.enrolment_closes)}
    edit = _("You can change your answers until matching starts.")
    return f"{first} {then} {edit}"


def _refusal_before_form(program: Program, person: User, role: str) -> str:
    """Why the form would be refused anyway; the service says the same on a stale POST."""
    if live_enrolment(program=program, person=person, role=role) is not None:
        return _("You are already enrolled in this program as %(role)s.") % {
            "role": role_in_a_sentence(role)
        }
    if not program_is_open_to(program=program, person=person):
        return _("“%(program)s” is not open for you to join right now.") % {"program": program.name}
    return ""


def _enrol(request: HttpRequest, program_id: int, role: str) -> HttpResponse:
    person = signed_in_person(request)
    program = access_program(person, program_id)
    if request.method == "POST":
        form = EnrolmentForm(request.POST, role=role, program=program, time_zone=person.time_zone)
        if form.is_valid():
            try:
                enrolment = services.enrolment_create(
                    program=program,
                    person=person,
                    role=role,
                    values=form.values(),
                    skills=form.chosen_skills(),
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _enrolled_message(enrolment))
                return redirect(program)
    else:
        refusal = _refusal_before_form(program, person, role)
        if refusal:
            messages.info(request, refusal)
            return redirect(program)
        languages = [person.language] if person.language in LANGUAGE_CODES else []
        form = EnrolmentForm(
            initial={"languages": languages},
            role=role,
            program=program,
            time_zone=person.time_zone,
        )
    return render(
        request,
        "programs/enrol/enrol_form.html",
        {"program": program, "form": form, "role": role, "editing": None},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def enrol_mentee(request: HttpRequest, program_id: int) -> HttpResponse:
    return _enrol(request, program_id, Role.MENTEE)


@require_http_methods(["GET", "HEAD", "POST"])
def enrol_mentor(request: HttpRequest, program_id: int) -> HttpResponse:
    return _enrol(request, program_id, Role.MENTOR)


@require_http_methods(["GET", "HEAD", "POST"])
def enrolment_edit(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    person = signed_in_person(request)
    enrolment = access_own_enrolment(person, enrolment_id)
    program = enrolment.program
    refusal = ""
    if request.method == "POST":
        form = EnrolmentForm(
            request.POST, role=enrolment.role, program=program, time_zone=person.time_zone
        )
        if form.is_valid():
            try:
                services.enrolment_update(
                    enrolment=enrolment, values=form.values(), skills=form.chosen_skills()
                )
            except ValidationError as error:
                refusal = " ".join(error.messages)
                form.add_service_error(error)
            else:
                messages.success(
                    request,
                    _("Your answers for “%(program)s” are saved.") % {"program": program.name},
                )
                return redirect(program)
    else:
        form = EnrolmentForm(
            initial=EnrolmentForm.initial_from(enrolment),
            role=enrolment.role,
            program=program,
            time_zone=person.time_zone,
        )
    if program.status != Program.Status.OPEN or not enrolment.is_live:
        return render(
            request,
            "programs/enrol/enrolment_answers.html",
            {
                "program": program,
                "enrolment": enrolment,
                "skills": list(enrolment.skills.all()),
                "languages": [LANGUAGE_LABELS.get(c, c) for c in enrolment.languages],
                "availability": [SLOT_LABELS.get(s, s) for s in enrolment.availability],
                "refusal": refusal,
            },
        )
    return render(
        request,
        "programs/enrol/enrol_form.html",
        {"program": program, "form": form, "role": enrolment.role, "editing": enrolment},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def enrolment_withdraw(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = access_own_enrolment(signed_in_person(request), enrolment_id)
    if request.method == "POST":
        names = {
            "program": enrolment.program.name,
            "role": enrolment.role_in_a_sentence,
        }
        try:
            services.enrolment_withdraw(enrolment=enrolment)
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "You have withdrawn from “%(program)s” as a %(role)s. "
                    "You can enrol again while enrolment is open."
                )
                % names,
            )
        return redirect("home")
    return render(
        request,
        "programs/enrol/withdraw_confirm.html",
        {"enrolment": enrolment, "program": enrolment.program},
    )


@require_POST
def nomination_dismiss(request: HttpRequest, nomination_id: int) -> HttpResponse:
    nomination = access_nomination_for_report(signed_in_person(request), nomination_id)
    services.nomination_dismiss(nomination=nomination)
    messages.success(
        request,
        _("You dismissed the suggestion to join “%(program)s”.")
        % {"program": nomination.program.name},
    )
    return redirect("home")


@require_POST
def suggestion_dismiss(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    suggestion = access_focus_suggestion_for_report(signed_in_person(request), suggestion_id)
    services.focus_suggestion_dismiss(suggestion=suggestion)
    messages.success(request, _("You dismissed the focus suggestion."))
    return redirect("home")
