"""Thin forms for the journal: they parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from journal.models import Goal
from journal.services import AGENDA_ITEM_MAX


class AgendaItemForm(forms.Form):
    text = forms.CharField(
        label=_("Add an agenda item"),
        max_length=AGENDA_ITEM_MAX,
        help_text=_("Something either of you wants to talk about."),
    )


class SharedNotesForm(forms.Form):
    text = forms.CharField(
        label=_("Notes you both see"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Both of you can read and edit these notes."),
    )
    # The version the text was edited from: a save based on an older one is merged
    # with the newer text or shown side by side, never written over it.
    base_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class NotesRestoreForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    base_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class PrivateNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Your private note (only you can see this)"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Your own thoughts about this meeting. Your counterpart never sees them."),
    )


class GoalForm(forms.Form):
    title = forms.CharField(label=_("Goal"), max_length=200)
    description = forms.CharField(
        label=_("What it means to you"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class GoalUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Goal.Status.choices)
    note = forms.CharField(
        label=_("Progress note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AgreementForm(forms.Form):
    expectations = forms.CharField(
        label=_("What we expect from each other"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    cadence = forms.CharField(
        label=_("How often we meet"),
        required=False,
        max_length=300,
        help_text=_("For example: every two weeks, for an hour."),
    )
    confidentiality = forms.CharField(
        label=_("Confidentiality"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ShareFocusForm(forms.Form):
    suggestion = forms.IntegerField(widget=forms.HiddenInput)
