"""The pair's journal: goals, agreement and shared focus; each meeting's agenda and notes.

Only the two people of the pair reach any of it (a 404 identical to a missing id for
everyone else); a private note only ever shows to its author.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from journal import selectors, services
from journal.access import (
    access_agenda_item_for_member,
    access_goal_for_member,
    access_note_version,
)
from journal.forms import (
    AgendaItemForm,
    AgreementForm,
    GoalForm,
    GoalUpdateForm,
    NotesRestoreForm,
    PrivateNoteForm,
    SharedNotesForm,
    ShareFocusForm,
)
from journal.models import DEFAULT_CONFIDENTIALITY, Goal
from journal.services import NotesOutcome, NotesSave
from lib.page_cache import cached_page
from matching.membership import is_mentee
from matching.models import Pair
from meetings.access import access_meeting_for_member, access_pair_for_member
from meetings.models import Meeting
from people.access import signed_in_person
from people.models import User
from people.roles import request_roles
from programs.models import FocusSuggestion


def _pair_anchor(pair: Pair, anchor: str = "") -> str:
    return reverse("journal:pair", args=[pair.pk]) + (f"#{anchor}" if anchor else "")


# ---------------------------------------------------------------- the pair's page


def _goal_form(goal: Goal, data: QueryDict | None = None) -> GoalUpdateForm:
    # One form per goal: ids must be unique on the page.
    return GoalUpdateForm(data, initial={"status": goal.status}, auto_id=f"goal{goal.pk}_%s")


def _pair_page(
    request: HttpRequest,
    pair: Pair,
    *,
    goal_form: GoalForm | None = None,
    agreement_form: AgreementForm | None = None,
    bound_goal: tuple[int, GoalUpdateForm] | None = None,
) -> HttpResponse:
    journal = selectors.pair_journal(pair=pair, viewer=signed_in_person(request))
    agreement = journal.agreement
    if agreement_form is None:
        agreement_form = AgreementForm(
            initial={
                "expectations": agreement.expectations if agreement else "",
                "cadence": agreement.cadence if agreement else "",
                "confidentiality": (
                    agreement.confidentiality if agreement else str(DEFAULT_CONFIDENTIALITY)
                ),
            }
        )
    goals = [
        (
            item,
            bound_goal[1]
            if bound_goal is not None and bound_goal[0] == item.goal.pk
            else _goal_form(item.goal),
        )
        for item in journal.goals
    ]
    bound = goal_form is not None or bound_goal is not None or agreement_form.is_bound
    return render(
        request,
        "journal/pair.html",
        {
            "journal": journal,
            "pair": pair,
            "goals": goals,
            "goal_form": goal_form or GoalForm(),
            "agreement": agreement,
            "agreement_form": agreement_form,
            "my_ack": _my_ack(journal, signed_in_person(request)),
        },
        status=400 if bound else 200,
    )


def _my_ack(journal: selectors.PairJournal, user: User) -> dt.datetime | None:
    mine = [a for a in journal.acknowledgements if a.person.pk == user.pk]
    return mine[0].acknowledged_at if mine else None


@require_safe
def pair_journal(request: HttpRequest, pair_id: int) -> HttpResponse:
    pair = access_pair_for_member(signed_in_person(request), pair_id)
    return _pair_page(request, pair)


def _pair_for_mentee(request: HttpRequest, pair_id: int) -> Pair:
    person = signed_in_person(request)
    pair = access_pair_for_member(person, pair_id)
    if not is_mentee(pair, person):
        raise Http404  # the same 404 as a missing id: the mentor has no such page
    return pair


@require_POST
def goal_add(request: HttpRequest, pair_id: int) -> HttpResponse:
    pair = _pair_for_mentee(request, pair_id)
    form = GoalForm(request.POST)
    if form.is_valid():
        try:
            services.goal_add(pair=pair, by=signed_in_person(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Goal added."))
            return redirect(_pair_anchor(pair, "goals"))
    return _pair_page(request, pair, goal_form=form)


@require_POST
def goal_update(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = access_goal_for_member(signed_in_person(request), goal_id)
    pair = access_pair_for_member(signed_in_person(request), goal.pair_id)
    form = _goal_form(goal, request.POST)
    if form.is_valid():
        try:
            services.goal_update(goal=goal, by=signed_in_person(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Goal updated."))
            return redirect(_pair_anchor(pair, f"goal-{goal.pk}"))
    return _pair_page(request, pair, bound_goal=(goal.pk, form))


@require_POST
def agreement(request: HttpRequest, pair_id: int) -> HttpResponse:
    pair = access_pair_for_member(signed_in_person(request), pair_id)
    if request.POST.get("action") == "acknowledge":
        services.agreement_acknowledge(pair=pair, by=signed_in_person(request))
        messages.success(request, _("You acknowledged the agreement."))
        return redirect(_pair_anchor(pair, "agreement"))
    form = AgreementForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_save(pair=pair, by=signed_in_person(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Agreement saved. Both of you are asked to acknowledge it again.")
            )
            return redirect(_pair_anchor(pair, "agreement"))
    return _pair_page(request, pair, agreement_form=form)


@require_POST
def share_focus(request: HttpRequest, pair_id: int) -> HttpResponse:
    pair = _pair_for_mentee(request, pair_id)
    form = ShareFocusForm(request.POST)
    suggestion = (
        FocusSuggestion.objects.filter(
            pk=form.cleaned_data["suggestion"], report=signed_in_person(request)
        ).first()
        if form.is_valid()
        else None
    )
    try:
        if suggestion is None:
            raise ValidationError(_("This suggestion can no longer be shared."))
        services.focus_share(pair=pair, by=signed_in_person(request), suggestion=suggestion)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Shared with your mentor."))
    return redirect(_pair_anchor(pair, "focus"))


# ---------------------------------------------------------------- one meeting's page


def _meeting_page(
    request: HttpRequest,
    meeting: Meeting,
    *,
    agenda_form: AgendaItemForm | None = None,
    notes_form: SharedNotesForm | None = None,
    private_form: PrivateNoteForm | None = None,
    conflict: NotesSave | None = None,
    journal: selectors.MeetingJournal | None = None,
    extra: dict[str, object] | None = None,
) -> HttpResponse:
    journal = journal or selectors.meeting_journal(
        meeting=meeting, viewer=signed_in_person(request)
    )
    shared, private = journal.shared_note, journal.private_note
    bound = any(f is not None and f.is_bound for f in (agenda_form, notes_form, private_form))
    return render(
        request,
        "journal/meeting.html",
        {
            "journal": journal,
            "meeting": meeting,
            "agenda_form": agenda_form or AgendaItemForm(auto_id="agenda_%s"),
            "notes_form": notes_form
            or SharedNotesForm(
                initial={
                    "text": shared.text if shared else "",
                    "base_version": shared.version if shared else 0,
                },
                auto_id="notes_%s",
            ),
            "private_form": private_form
            or PrivateNoteForm(
                initial={"text": private.text if private else ""}, auto_id="private_%s"
            ),
            "conflict": conflict,
            **(extra or {}),
        },
        status=409 if conflict else 400 if bound else 200,
    )


def _meeting_anchor(meeting: Meeting, anchor: str) -> str:
    return reverse("journal:meeting", args=[meeting.pk]) + f"#{anchor}"


@require_safe
def meeting_journal(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Kept rendered (lib.page_cache) under every value of every row the page reads,
    read in one statement on each request; the access check, the reads into models and
    drawing the agenda's forms run only when the page is drawn."""
    person = signed_in_person(request)

    def key() -> tuple[object, ...]:
        values = selectors.meeting_journal_key(meeting_id=meeting_id, viewer=person)
        if values is None:  # not one of the pair: the access check's own 404
            access_meeting_for_member(person, meeting_id)
        return ("journal:meeting", values)

    def draw(extra: dict[str, object]) -> HttpResponse:
        meeting = access_meeting_for_member(person, meeting_id)
        return _meeting_page(request, meeting, extra=extra)

    return cached_page(request, draw, key=key(), reread_key=key, roles=request_roles(request))


def _save(
    request: HttpRequest,
    meeting: Meeting,
    form: forms.Form,
    save: Callable[..., None],
    done: str,
    anchor: str,
    slot: str,
) -> HttpResponse:
    if form.is_valid():
        try:
            save(**form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect(_meeting_anchor(meeting, anchor))
    return _meeting_page(request, meeting, **{slot: form})  # type: ignore[arg-type]


@require_POST
def agenda_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting_for_member(signed_in_person(request), meeting_id)
    form = AgendaItemForm(request.POST, auto_id="agenda_%s")

    def save(text: str) -> None:
        services.agenda_item_add(meeting=meeting, author=signed_in_person(request), text=text)

    return _save(request, meeting, form, save, _("Agenda item added."), "agenda", "agenda_form")


@require_POST
def agenda_toggle(request: HttpRequest, item_id: int) -> HttpResponse:
    item = access_agenda_item_for_member(signed_in_person(request), item_id)
    item = services.agenda_item_toggle(item=item, by=signed_in_person(request))
    messages.success(request, _("Ticked off.") if item.done else _("Marked as not done yet."))
    return redirect(_meeting_anchor(item.meeting, f"item-{item.pk}"))


def _notes_done(outcome: NotesOutcome) -> str:
    if outcome is NotesOutcome.MERGED:
        return _("Shared notes saved. They had been changed meanwhile: both changes are in.")
    if outcome is NotesOutcome.UNCHANGED:
        return _("The shared notes already say exactly this.")
    return _("Shared notes saved.")


@require_POST
def shared_notes_save(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting_for_member(signed_in_person(request), meeting_id)
    form = SharedNotesForm(request.POST, auto_id="notes_%s")
    if not form.is_valid():
        return _meeting_page(request, meeting, notes_form=form)
    try:
        result = services.shared_notes_save(
            meeting=meeting, by=signed_in_person(request), **form.cleaned_data
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _meeting_page(request, meeting, notes_form=form)
    if result.outcome is NotesOutcome.CONFLICT:
        # Both texts on one page: theirs as saved, the person's own in the editor,
        # now based on the newest version so that saving it is a deliberate choice.
        resolve = SharedNotesForm(
            initial={"text": result.sent, "base_version": result.note.version},
            auto_id="notes_%s",
        )
        return _meeting_page(request, meeting, notes_form=resolve, conflict=result)
    messages.success(request, _notes_done(result.outcome))
    return redirect(_meeting_anchor(meeting, "notes"))


@require_safe
def shared_notes_history(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting_for_member(signed_in_person(request), meeting_id)
    history = selectors.shared_notes_history(meeting=meeting, viewer=signed_in_person(request))
    return render(request, "journal/notes_history.html", {"history": history, "meeting": meeting})


@require_POST
def shared_notes_restore(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting_for_member(signed_in_person(request), meeting_id)
    back = reverse("journal:notes_history", args=[meeting.pk])
    form = NotesRestoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a version from the list to restore."))
        return redirect(back)
    version = access_note_version(meeting, form.cleaned_data["version"])
    try:
        result = services.shared_notes_restore(
            meeting=meeting,
            by=signed_in_person(request),
            version=version,
            base_version=form.cleaned_data["base_version"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    if result.outcome is NotesOutcome.UNCHANGED:
        messages.info(request, _("The shared notes already say exactly this."))
    else:
        messages.success(request, _("Version restored. The text it replaced stays in the history."))
    return redirect(_meeting_anchor(meeting, "notes"))


@require_POST
def private_note_save(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting_for_member(signed_in_person(request), meeting_id)
    form = PrivateNoteForm(request.POST, auto_id="private_%s")

    def save(text: str) -> None:
        services.private_note_save(meeting=meeting, author=signed_in_person(request), text=text)

    return _save(
        request, meeting, form, save, _("Your private note is saved."), "private", "private_form"
    )
