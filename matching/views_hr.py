"""HR admins run cohort matching, review and edit the proposals, and publish them as pairs.

The access policy table lets only HR admins reach these routes; ids become objects
through ``programs.access`` and ``matching.access``. HR sees who is paired with whom
and whether a pair ended, never why, and never anyone's goals.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet, Value
from django.db.models.functions import Concat
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST, require_safe

from matching import forms_hr, services
from matching.access import access_proposal_for_hr, access_run_for_hr
from matching.explanations import (
    explanation_sentences,
    explanation_watch,
    match_quality,
    quality_label,
)
from matching.forms_hr import ProposalSetForm, ProposalSwapForm
from matching.models import MatchRun, Pair, Proposal
from matching.selectors import mentees_waiting, publish_figures, start_figures
from people.access import signed_in_person
from programs.access import access_program_for_hr
from programs.models import Enrolment, Program
from programs.selectors import enrolment_figures

# Each order starts with what an index walks (the run's scores, or people's names), so
# a page is read from the top of an index rather than after sorting every proposal.
SORTS: dict[str, tuple[str, ...]] = {
    "-score": ("-score", "mentee__person__full_name", "pk"),
    "score": ("score", "mentee__person__full_name", "pk"),
    "mentee": ("mentee__person__full_name", "pk"),
    "mentor": ("mentor__person__full_name", "mentee__person__full_name", "pk"),
}
# What a proposal's row shows: the two names (``str(person)``), the score, the reasons.
PROPOSAL_ROW_FIELDS = (
    "run_id",
    "score",
    "explanation",
    "origin",
    "mentee__person__full_name",
    "mentee__person__email",
    "mentor__person__full_name",
    "mentor__person__email",
)
DEFAULT_SORT = "-score"
UNMATCHED_REASONS = {
    "no_allowed_mentor": gettext_lazy("No allowed mentor: check the program's rules"),
    "seats_ran_out": gettext_lazy("All suitable mentors' seats were taken"),
}
REMOVED_BY_HAND = gettext_lazy("Removed from the proposals by hand")
# Name searches that fill the hand-editing forms' menus (at most SEARCH_WINDOW people each).
SEARCHES = ("mentee_q", "mentor_q", "first_q", "second_q")


def _refusal(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _back(program_id: int) -> HttpResponse:
    return redirect("matching:runs", program_id=program_id)


@dataclass(frozen=True)
class ProposalRow:
    """What a row of the proposals table shows, worked out once in Python: the template
    draws 100 of them, and each lookup through a chain of objects costs it more."""

    mentee: str
    mentor: str
    quality: int  # 0 to 100 of what the program's weights could give
    quality_label: str
    by_hand: bool
    reasons: list[str]  # what fits
    watch: list[str]  # what to watch
    remove_url: str

    @classmethod
    def of(cls, run: MatchRun, proposal: Proposal, weights: dict[str, int]) -> ProposalRow:
        quality = match_quality(proposal.explanation, weights)
        return cls(
            mentee=str(proposal.mentee.person),
            mentor=str(proposal.mentor.person),
            quality=quality,
            quality_label=quality_label(quality),
            by_hand=proposal.origin == Proposal.Origin.MANUAL,
            reasons=explanation_sentences(proposal.explanation),
            watch=explanation_watch(proposal.explanation),
            remove_url=reverse(
                "matching:proposal_remove", kwargs={"run_id": run.pk, "proposal_id": proposal.pk}
            ),
        )


@dataclass(frozen=True)
class UnmatchedRow:
    enrolment: Enrolment
    reason: str


def _latest_run(program: Program) -> MatchRun | None:
    return program.match_runs.exclude(status=MatchRun.Status.DISCARDED).first()


PROPOSALS_PER_PAGE = 100
PAIRS_PER_PAGE = 100
WAITING_PER_PAGE = 50


@dataclass(frozen=True)
class Window:
    """One page of a long list: its rows, where it stands, and links to its neighbours."""

    rows: list[Any]
    total: int
    number: int
    pages: int
    previous_url: str
    next_url: str


def _page_number(request: HttpRequest, name: str) -> int:
    try:
        return max(int(request.GET.get(name, "1")), 1)
    except ValueError:
        return 1


def _link(request: HttpRequest, **changes: object) -> str:
    query = request.GET.copy()
    for key, value in changes.items():
        query[key] = str(value)
    return "?" + query.urlencode()


def _window(request: HttpRequest, name: str, rows: QuerySet[Any], size: int) -> Window:
    """The page ``?<name>=`` asks for (the last one if it asks beyond): a count and a slice."""
    total = rows.count()
    pages = max((total + size - 1) // size, 1)
    number = min(_page_number(request, name), pages)
    start = (number - 1) * size
    # The page's ids first, sorted over narrow rows; then only those rows, joined wide.
    page = rows.filter(pk__in=rows.values("pk")[start : start + size])
    return Window(
        rows=list(page),
        total=total,
        number=number,
        pages=pages,
        previous_url=_link(request, **{name: number - 1}) if number > 1 else "",
        next_url=_link(request, **{name: number + 1}) if number < pages else "",
    )


def _proposal_window(request: HttpRequest, run: MatchRun, sort: str) -> Window:
    proposals = (
        run.proposals.select_related("mentee__person", "mentor__person")
        .only(*PROPOSAL_ROW_FIELDS)
        .order_by(*SORTS[sort])
    )
    window = _window(request, "page", proposals, PROPOSALS_PER_PAGE)
    weights = run.program.weights()
    rows = [ProposalRow.of(run, proposal, weights) for proposal in window.rows]
    return replace(window, rows=rows)


WAITING_FOR_A_RUN = gettext_lazy("Waiting for a matching run")
JOINED_AFTER_THE_RUN = gettext_lazy("Joined after this run: run matching again")


def _waiting_reason(run: MatchRun | None, enrolment: Enrolment) -> str:
    """Why a mentee without a pair has no proposal either."""
    if run is None or run.status != MatchRun.Status.DONE:
        return str(WAITING_FOR_A_RUN)
    engine_reason = run.statistics.get("unmatched_mentees", {}).get(str(enrolment.pk))
    if engine_reason in UNMATCHED_REASONS:
        return str(UNMATCHED_REASONS[engine_reason])
    if enrolment.created_at > run.created_at:
        return str(JOINED_AFTER_THE_RUN)
    return str(REMOVED_BY_HAND)


def _waiting_window(request: HttpRequest, program: Program, run: MatchRun | None) -> Window:
    """The waiting list: mentees with neither an active pair nor a proposal in the run
    under review, a page at a time, each with the reason."""
    waiting = mentees_waiting(program=program)
    if run is not None and run.status == MatchRun.Status.DONE:
        waiting = waiting.exclude(Exists(Proposal.objects.filter(run=run, mentee=OuterRef("pk"))))
    waiting = (
        waiting.select_related("person")
        .only("created_at", "person__full_name", "person__email")
        # By an expression rather than the name column: the planner cannot tell how few
        # mentees wait (it guesses a quarter), and with the index on names it would walk
        # every person of the program to find them; sorting just those who wait is cheap.
        .order_by(Concat("person__full_name", Value("")), "pk")
    )
    window = _window(request, "waiting_page", waiting, WAITING_PER_PAGE)
    rows = [UnmatchedRow(e, _waiting_reason(run, e)) for e in window.rows]
    return replace(window, rows=rows)


def _pairs(program: Program) -> QuerySet[Pair]:
    return (
        program.pairs.select_related("mentee__person", "mentor__person")
        .only(
            "program_id",
            "status",
            "started_at",
            "ended_at",
            "mentee__person__full_name",
            "mentee__person__email",
            "mentor__person__full_name",
            "mentor__person__email",
        )
        .order_by("status", "mentee__person__full_name", "pk")
    )


def _can_start(program: Program, run: MatchRun | None, waiting: int, pairs: int) -> bool:
    """As ``services.match_run_start`` allows: in matching or in a running program, and
    once pairs exist (always, when running) only while mentees wait."""
    if run and run.in_progress:
        return False
    if program.status not in (Program.Status.MATCHING, Program.Status.ACTIVE):
        return False
    if pairs or program.status == Program.Status.ACTIVE:
        return waiting > 0
    return True


def _searches(request: HttpRequest) -> dict[str, str]:
    return {name: request.GET.get(name, "").strip()[:100] for name in SEARCHES}


def _render_page(
    request: HttpRequest,
    program: Program,
    form: ProposalSetForm | None = None,
    swap_form: ProposalSwapForm | None = None,
) -> HttpResponse:
    """Every list on the page is a window (a page of rows, or the first few), and the
    people to choose from are the matches of a name search: the page stays the same size
    and takes the same queries whatever the size of the program."""
    run = _latest_run(program)
    sort = request.GET.get("sort", DEFAULT_SORT)
    sort = sort if sort in SORTS else DEFAULT_SORT
    searches = _searches(request)
    cohort = program.matching_mode == Program.MatchingMode.COHORT
    waiting = _waiting_window(request, program, run) if cohort else None
    waiting_total = mentees_waiting(program=program).count() if cohort else 0
    pairs = _window(request, "pairs_page", _pairs(program), PAIRS_PER_PAGE)
    active_pairs = program.pairs.filter(status=Pair.Status.ACTIVE).exists() if cohort else False
    context: dict[str, Any] = {
        "program": program,
        "run": run,
        "cohort": cohort,
        "active": program.status == Program.Status.ACTIVE,
        "can_start": _can_start(program, run, waiting_total, int(active_pairs)),
        "status_allows_start": program.status in (Program.Status.MATCHING, Program.Status.ACTIVE),
        "pairs": pairs,
        "waiting": waiting,
        "waiting_total": waiting_total,
        "sort": sort,
        "searches": searches,
        "search_window": forms_hr.SEARCH_WINDOW,
    }
    if run is not None and run.status == MatchRun.Status.DONE:
        context["proposals"] = _proposal_window(request, run, sort)
        form = form or ProposalSetForm(program=program)
        form.narrow(mentee_search=searches["mentee_q"], mentor_search=searches["mentor_q"])
        swap_form = swap_form or ProposalSwapForm(run=run)
        swap_form.narrow(first_search=searches["first_q"], second_search=searches["second_q"])
        context["form"], context["swap_form"] = form, swap_form
    return render(request, "matching/hr/program_matching.html", context)


@require_safe
def program_matching(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program_for_hr(signed_in_person(request), program_id)
    return _render_page(request, program)


@require_POST
def run_start(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program_for_hr(signed_in_person(request), program_id)
    try:
        services.match_run_start(program=program, started_by=signed_in_person(request))
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(
            request, _("Matching has started. This page shows the proposals when it is done.")
        )
    return _back(program.pk)


@require_safe
def run_progress(request: HttpRequest, run_id: int) -> JsonResponse:
    run = access_run_for_hr(signed_in_person(request), run_id)
    label = run.get_status_display() if run.status == MatchRun.Status.QUEUED else None
    return JsonResponse(
        {
            "status": run.status,
            "stage": run.stage,
            "stage_label": str(label or run.get_stage_display()),
            "progress": run.progress,
            "done": not run.in_progress,
        }
    )


@require_POST
def proposal_remove(request: HttpRequest, run_id: int, proposal_id: int) -> HttpResponse:
    run = access_run_for_hr(signed_in_person(request), run_id)
    proposal = access_proposal_for_hr(signed_in_person(request), run, proposal_id)
    try:
        services.proposal_remove(proposal=proposal)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(
            request,
            _("%(mentee)s is no longer proposed for %(mentor)s.")
            % {"mentee": proposal.mentee.person, "mentor": proposal.mentor.person},
        )
    return _back(run.program_id)


@require_POST
def proposal_set(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access_run_for_hr(signed_in_person(request), run_id)
    form = ProposalSetForm(request.POST, program=run.program)
    if form.is_valid():
        mentee, mentor = form.cleaned_data["mentee"], form.cleaned_data["mentor"]
        try:
            services.proposal_set(run=run, mentee=mentee, mentor=mentor)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("%(mentee)s is now proposed for %(mentor)s.")
                % {"mentee": mentee.person, "mentor": mentor.person},
            )
            return _back(run.program_id)
    return _render_page(request, run.program, form)


@require_POST
def proposal_swap(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access_run_for_hr(signed_in_person(request), run_id)
    form = ProposalSwapForm(request.POST, run=run)
    if form.is_valid():
        first, second = form.cleaned_data["first"], form.cleaned_data["second"]
        try:
            services.proposal_swap(first=first, second=second)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("%(first)s and %(second)s have swapped mentors.")
                % {"first": first.mentee.person, "second": second.mentee.person},
            )
            return _back(run.program_id)
    return _render_page(request, run.program, swap_form=form)


@require_POST
def run_publish(request: HttpRequest, run_id: int) -> HttpResponse:
    """Publishing e-mails everyone and cannot be undone: it asks first, with the numbers."""
    run = access_run_for_hr(signed_in_person(request), run_id)
    if request.POST.get("confirm") != "yes":
        if run.status != MatchRun.Status.DONE:
            messages.error(request, _("These proposals can no longer be published."))
            return _back(run.program_id)
        context = {"program": run.program, "run": run, "figures": publish_figures(run=run)}
        return render(request, "matching/hr/publish_confirm.html", context)
    try:
        pairs = services.match_run_publish(run=run, request=request)
    except ValidationError as error:
        _refusal(request, error)
    else:
        count = len(pairs)
        messages.success(
            request,
            ngettext(
                "%(count)d pair published. Both people get an introduction e-mail.",
                "%(count)d pairs published. Each pair gets an introduction e-mail.",
                count,
            )
            % {"count": count},
        )
    return _back(run.program_id)


@require_safe
def program_start(request: HttpRequest, program_id: int) -> HttpResponse:
    """The confirmation step before a program in matching starts: how many pairs start,
    how many mentees still have no mentor, what is not published yet. Confirming posts
    to the program's lifecycle route, which makes the move."""
    program = access_program_for_hr(signed_in_person(request), program_id)
    if program.status != Program.Status.MATCHING:
        messages.error(request, _("Only a program in matching can be started."))
        return redirect("programs:hr_detail", program_id=program.pk)
    context = {
        "program": program,
        "figures": start_figures(program=program),
        "enrolled": enrolment_figures(program=program),
        "cohort": program.matching_mode == Program.MatchingMode.COHORT,
    }
    return render(request, "matching/hr/program_start.html", context)
