"""HR admins configure programs, move them through their lifecycle, and keep the skills list.

The access policy table lets only HR admins reach these routes; ids become objects
through ``programs.access``. HR sees settings, counts and dates, never nomination notes.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lib.page_cache import cached_page
from people.access import signed_in_person
from people.roles import request_roles
from programs import services
from programs.access import access_program_for_hr, access_skill_for_hr
from programs.forms_hr import ProgramForm, SkillForm, SkillMergeForm, program_settings
from programs.models import Program, Skill
from programs.selectors import (
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


@require_POST
def program_transition(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program_for_hr(signed_in_person(request), program_id)
    to = request.POST.get("to", "")
    if to not in Status.values:
        messages.error(request, _("Choose what should happen to the program."))
        return redirect("programs:hr_detail", program_id=program.pk)
    if to == Status.CLOSED and request.POST.get("confirm") != "yes":
        return render(request, "programs/hr/program_close_confirm.html", {"program": program})
    try:
        program = services.program_transition(program_id=program.pk, to=to)
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
