"""HR admins configure programs, move them through their lifecycle, and keep the skills list.

The access policy table lets only HR admins reach these routes; ids become objects
through ``programs.access``. HR sees settings, counts and dates, never nomination notes.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lib.page_cache import cached_page
from people.access import signed_in_person
from people.roles import request_roles
from programs import services
from programs.access import access_program_for_hr, access_skill_for_hr
from programs.forms_hr import ProgramForm, SkillForm, SkillMergeForm, program_settings
from programs.models import Program, Skill
from programs.selectors import (
    enrolment_figures,
    nomination_count,
    program_counts_for_hr,
    program_list_for_hr,
    skills_with_usage,
)
from programs.services import TRANSITIONS

Status = Program.Status

# What the button for each move says, and what it means for people.
TRANSITION_ACTIONS: dict[tuple[str, str], tuple[Promise, Promise]] = {
    (Status.DRAFT, Status.OPEN): (
        gettext_lazy("Open enrolment"),
        gettext_lazy("People in the audience can sign up as mentors and mentees."),
    ),
    (Status.OPEN, Status.MATCHING): (
        gettext_lazy("Start matching"),
        gettext_lazy("Sign-ups stop and answers are frozen, so pairs can be made."),
    ),
    (Status.MATCHING, Status.OPEN): (
        gettext_lazy("Reopen enrolment"),
        gettext_lazy("Let more people sign up before you make pairs."),
    ),
    (Status.MATCHING, Status.ACTIVE): (
        gettext_lazy("Start the program"),
        gettext_lazy("Pairs start meeting and reminders are sent."),
    ),
}
CLOSE_ACTION = (
    gettext_lazy("Close the program"),
    gettext_lazy("Ends the program for everyone. It cannot be reopened."),
)
LIFECYCLE = (Status.DRAFT, Status.OPEN, Status.MATCHING, Status.ACTIVE, Status.CLOSED)


# ---------------------------------------------------------------- programs


@require_safe
def program_list(request: HttpRequest) -> HttpResponse:
    """Kept rendered (lib.page_cache) under the very values it shows."""
    programs = program_counts_for_hr()
    return cached_page(
        request,
        lambda extra: render(
            request, "programs/hr/program_list.html", {"programs": programs, **extra}
        ),
        key=programs,
        roles=request_roles(request),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def program_create(request: HttpRequest) -> HttpResponse:
    form = ProgramForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_create(
                created_by=signed_in_person(request),
                values=form.service_values(),
                departments=form.chosen_departments(),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request, _("“%(name)s” was created as a draft.") % {"name": program.name}
            )
            return redirect("programs:hr_detail", program_id=program.pk)
    return render(request, "programs/hr/program_form.html", {"form": form, "program": None})


@require_http_methods(["GET", "HEAD", "POST"])
def program_edit(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program_for_hr(signed_in_person(request), program_id)
    if program.status == Status.CLOSED:
        return _closed_settings(request, program)
    form = ProgramForm(request.POST if request.method == "POST" else None, instance=program)
    if request.method == "POST" and form.is_valid():
        try:
            services.program_update(
                program=program,
                values=form.service_values(),
                departments=form.chosen_departments(),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect("programs:hr_detail", program_id=program.pk)
    # The form wrote the input onto the instance while checking it; show the saved name.
    program.refresh_from_db(fields=["name"])
    return render(request, "programs/hr/program_form.html", {"form": form, "program": program})


def _closed_settings(request: HttpRequest, program: Program) -> HttpResponse:
    if request.method == "POST":
        messages.error(request, _("This program is closed, so its settings can no longer change."))
    return render(
        request,
        "programs/hr/program_closed_settings.html",
        {
            "program": program,
            "settings": program_settings(program),
        },
    )


@require_safe
def program_detail(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program_for_hr(signed_in_person(request), program_id)
    counted = program_list_for_hr().get(pk=program.pk)
    context = {
        "program": program,
        "counts": counted,
        "nominations": nomination_count(program=program),
        "settings": program_settings(program),
        "steps": _lifecycle_steps(program),
        "actions": _next_actions(program),
        "can_close": Status.CLOSED in TRANSITIONS[program.status],
        "close_action": CLOSE_ACTION,
    }
    return render(request, "programs/hr/program_detail.html", context)


def _lifecycle_steps(program: Program) -> list[dict[str, object]]:
    current = LIFECYCLE.index(Status(program.status))
    return [
        {
            "label": status.label,
            "state": "done" if i < current else "current" if i == current else "upcoming",
            "number": i + 1,
        }
        for i, status in enumerate(LIFECYCLE)
    ]


def _next_actions(program: Program) -> list[dict[str, object]]:
    """The moves allowed from here, except closing, which has its own confirmed button."""
    here = LIFECYCLE.index(Status(program.status))
    actions: list[dict[str, object]] = []
    for to in TRANSITIONS[program.status]:
        if (program.status, to) in TRANSITION_ACTIONS:
            label, help_text = TRANSITION_ACTIONS[(program.status, to)]
            forward = LIFECYCLE.index(Status(to)) > here
            actions.append({"to": to, "label": label, "help": help_text, "forward": forward})
    return actions


def _day(value: dt.date) -> str:
    return str(date_format(value, "DATE_FORMAT"))


def _transition_notes(program: Program, to: str) -> tuple[list[str], list[str]]:
    """What a move does (consequences) and what HR should know first (warnings, with the
    numbers), for the confirmation step of every move but starting and closing (those
    have pages of their own: starting needs the pairs, which matching knows)."""
    figures = enrolment_figures(program=program)
    today = timezone.localdate()
    consequences: list[str] = []
    warnings: list[str] = []
    enrolled = _("Enrolled so far: %(mentees)s and %(mentors)s.") % {
        "mentees": ngettext("%(count)d mentee", "%(count)d mentees", figures.mentees)
        % {"count": figures.mentees},
        "mentors": ngettext("%(count)d mentor", "%(count)d mentors", figures.mentors)
        % {"count": figures.mentors},
    }
    window = {"opens": _day(program.enrolment_opens), "closes": _day(program.enrolment_closes)}
    if to == Status.OPEN:
        consequences.append(
            _("People in the audience can sign up from %(opens)s until %(closes)s.") % window
        )
        if program.status == Status.DRAFT:
            consequences.append(
                _("Who may join: %(audience)s.") % {"audience": program.get_audience_display()}
            )
        if program.status == Status.MATCHING:
            consequences.append(str(TRANSITION_ACTIONS[(program.status, Status.OPEN)][1]))
            consequences.append(
                _("Proposals that are not published yet are kept; run matching again later.")
            )
        if program.enrolment_opens > today:
            warnings.append(_("Sign-ups start on %(opens)s: until then nobody can enrol.") % window)
        if program.audience == Program.Audience.INVITED and not figures.invited:
            warnings.append(
                _("Only invited people may join, and nobody is invited yet. Invite people next.")
            )
    elif to == Status.MATCHING:
        consequences.append(_("Sign-ups stop: nobody else can enrol."))
        consequences.append(_("Enrolled people can no longer change their answers."))
        consequences.append(enrolled)
        if program.enrolment_closes >= today:
            days = (program.enrolment_closes - today).days + 1
            warnings.append(
                ngettext(
                    "Enrolment was planned to stay open until %(closes)s (%(days)d more day). "
                    "Closing it now stops sign-ups early.",
                    "Enrolment was planned to stay open until %(closes)s (%(days)d more days). "
                    "Closing it now stops sign-ups early.",
                    days,
                )
                % {**window, "days": days}
            )
        if not figures.mentees or not figures.mentors:
            warnings.append(_("There is nobody to match yet: a program needs mentees and mentors."))
        if figures.pending:
            warnings.append(
                ngettext(
                    "%(count)d application is still waiting for your decision.",
                    "%(count)d applications are still waiting for your decision.",
                    figures.pending,
                )
                % {"count": figures.pending}
            )
    return consequences, warnings


def _confirm_transition(request: HttpRequest, program: Program, to: str) -> HttpResponse:
    refusal = services.program_transition_refusal(program=program, to=to)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect("programs:hr_detail", program_id=program.pk)
    if to == Status.ACTIVE:  # the pairs decide what starting means: matching shows them
        return redirect("matching:program_start", program_id=program.pk)
    if to == Status.CLOSED:
        return render(request, "programs/hr/program_close_confirm.html", {"program": program})
    consequences, warnings = _transition_notes(program, to)
    label, _help = TRANSITION_ACTIONS[(program.status, to)]
    context = {
        "program": program,
        "to": to,
        "label": label,
        "consequences": consequences,
        "warnings": warnings,
    }
    return render(request, "programs/hr/program_transition_confirm.html", context)


@require_POST
def program_transition(request: HttpRequest, program_id: int) -> HttpResponse:
    """Every move asks first, with what it does and the numbers; then it happens."""
    program = access_program_for_hr(signed_in_person(request), program_id)
    to = request.POST.get("to", "")
    if to not in Status.values:
        messages.error(request, _("Choose what should happen to the program."))
        return redirect("programs:hr_detail", program_id=program.pk)
    if request.POST.get("confirm") != "yes":
        return _confirm_transition(request, program, to)
    try:
        program = services.program_transition(program_id=program.pk, to=to, request=request)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("“%(name)s” is now: %(status)s.")
            % {"name": program.name, "status": program.get_status_display()},
        )
    return redirect("programs:hr_detail", program_id=program.pk)


@require_POST
def program_duplicate(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program_for_hr(signed_in_person(request), program_id)
    copy = services.program_duplicate(program=program, created_by=signed_in_person(request))
    messages.success(
        request,
        _(
            "A draft copy of “%(name)s” was made with the same settings. "
            "Give it a name and new dates, then save."
        )
        % {"name": program.name},
    )
    return redirect("programs:hr_edit", program_id=copy.pk)


# ---------------------------------------------------------------- skills


@require_http_methods(["GET", "HEAD", "POST"])
def skill_list(request: HttpRequest) -> HttpResponse:
    form = SkillForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            skill = services.skill_create(name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(request, _("“%(name)s” was added.") % {"name": skill.name})
            return redirect("programs:skills")
    skills = list(skills_with_usage())
    return render(request, "programs/hr/skill_list.html", {"skills": skills, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def skill_edit(request: HttpRequest, skill_id: int) -> HttpResponse:
    skill = access_skill_for_hr(signed_in_person(request), skill_id)
    action = request.POST.get("action") if request.method == "POST" else None
    rename_form = SkillForm(
        request.POST if action == "rename" else None, initial={"name": skill.name}
    )
    merge_form = SkillMergeForm(request.POST if action == "merge" else None, skill=skill)
    if action == "rename" and rename_form.is_valid() and _renamed(request, skill, rename_form):
        return redirect("programs:skills")
    if action == "merge" and merge_form.is_valid() and _merged(request, skill, merge_form):
        return redirect("programs:skills")
    context = {
        "skill": skills_with_usage().get(pk=skill.pk),  # fresh, with its usage count
        "rename_form": rename_form,
        "merge_form": merge_form,
    }
    return render(request, "programs/hr/skill_edit.html", context)


def _renamed(request: HttpRequest, skill: Skill, form: SkillForm) -> bool:
    old_name = skill.name
    try:
        services.skill_rename(skill=skill, name=form.cleaned_data["name"])
    except ValidationError as error:
        form.add_error("name", error)
        return False
    messages.success(
        request, _("“%(old)s” is now called “%(new)s”.") % {"old": old_name, "new": skill.name}
    )
    return True


def _merged(request: HttpRequest, skill: Skill, form: SkillMergeForm) -> bool:
    target = form.cleaned_data["target"]
    try:
        services.skill_merge(source=skill, target=target)
    except ValidationError as error:
        form.add_error("target", error)
        return False
    messages.success(
        request,
        _(
            "“%(source)s” was merged into “%(target)s”. "
            "Enrolments that had it now have “%(target)s”."
        )
        % {"source": skill.name, "target": target.name},
    )
    return True
