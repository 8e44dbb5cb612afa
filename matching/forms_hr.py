"""HR admins' form for editing a run's proposals by hand.

A program may have 10,000 mentees: a form validates a choice against everyone, but its
menus list only a window (at most ``SEARCH_WINDOW``) of the people whose name or e-mail
matches a search, plus the one already chosen (``narrow``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from matching.models import MatchRun, Pair, Proposal
from programs.models import Enrolment, Program


def _name(full_name: str, email: str) -> str:
    return full_name or email  # as ``str(person)``


class WindowChoiceIterator(ModelChoiceIterator):
    """A window's options from one plain query of the values their labels show. Django's
    own iterator makes a model instance of every row (five for a proposal with its two
    people) and streams them through a server-side cursor (three round trips on
    PostgreSQL), which pays off only for menus far longer than a window."""

    field: WindowChoiceField

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, *shown in self.queryset.values_list("pk", *self.field.shown):
            yield (pk, self.field.label_from_values(*shown))


class WindowSelect(forms.Select):
    """A window's menu drawn in Python. Django draws each option through two template
    includes: for the page's four menus of 50, that cost as much as its 100 table rows."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "\n",
            '  <option value="{}"{}>{}</option>',
            (
                (option["value"], flatatt(option["attrs"]), option["label"])
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html(
            '<select name="{}"{}>\n{}\n</select>', widget["name"], flatatt(widget["attrs"]), options
        )


class WindowChoiceField(forms.ModelChoiceField):
    """A choice among many, of which a menu lists a window; ``shown`` are the values that
    an option's label is made of."""

    iterator = WindowChoiceIterator
    widget = WindowSelect
    shown: tuple[str, ...] = ()

    def label_from_values(self, *shown: Any) -> str:
        raise NotImplementedError


class EnrolmentChoiceField(WindowChoiceField):
    shown = ("person__full_name", "person__email")

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.person)

    def label_from_values(self, *shown: Any) -> str:
        full_name, email = shown
        return _name(full_name, email)


class ProposalChoiceField(WindowChoiceField):
    shown = (
        "mentee__person__full_name",
        "mentee__person__email",
        "mentor__person__full_name",
        "mentor__person__email",
    )

    def label_from_instance(self, obj: Any) -> str:
        return _proposal_label(str(obj.mentee.person), str(obj.mentor.person))

    def label_from_values(self, *shown: Any) -> str:
        mentee_name, mentee_email, mentor_name, mentor_email = shown
        return _proposal_label(_name(mentee_name, mentee_email), _name(mentor_name, mentor_email))


def _proposal_label(mentee: str, mentor: str) -> str:
    return _("%(mentee)s (now with %(mentor)s)") % {"mentee": mentee, "mentor": mentor}


def _enrolled(program: Program, role: str) -> Any:
    return (
        Enrolment.objects.filter(program=program, role=role, status=Enrolment.Status.ACCEPTED)
        .select_related("person")
        .order_by("person__full_name", "pk")
    )


SEARCH_WINDOW = 50


def _matching(rows: QuerySet[Any], path: str, search: str) -> QuerySet[Any]:
    """``rows`` whose person (at ``path``) has every word of ``search`` in their name or
    e-mail."""
    for word in search.split():
        rows = rows.filter(
            Q(**{f"{path}__full_name__icontains": word}) | Q(**{f"{path}__email__icontains": word})
        )
    return rows


def _narrow(field: forms.Field, bound: Any, path: str, search: str) -> None:
    """Only the first matches of the search (and the value chosen already) as options."""
    rows: QuerySet[Any] = field.queryset  # type: ignore[attr-defined]
    window = _matching(rows, path, search).values("pk")[:SEARCH_WINDOW]
    chosen = Q(pk=bound) if str(bound or "").isdigit() else Q(pk__in=[])
    field.queryset = rows.filter(Q(pk__in=window) | chosen)  # type: ignore[attr-defined]


class ProposalSwapForm(forms.Form):
    """Exchange the mentors of two proposed pairs."""

    first = ProposalChoiceField(
        label=_("First mentee"), queryset=Proposal.objects.none(), empty_label=_("Choose")
    )
    second = ProposalChoiceField(
        label=_("Second mentee"), queryset=Proposal.objects.none(), empty_label=_("Choose")
    )

    def __init__(self, *args: Any, run: MatchRun, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        proposals = (
            Proposal.objects.filter(run=run)
            .select_related("mentee__person", "mentor__person")
            .order_by("mentee__person__full_name", "pk")
        )
        for name in ("first", "second"):
            self.fields[name].queryset = proposals  # type: ignore[attr-defined]

    def narrow(self, *, first_search: str, second_search: str) -> None:
        for name, search in (("first", first_search), ("second", second_search)):
            _narrow(self.fields[name], self[name].value(), "mentee__person", search)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("first") and data.get("first") == data.get("second"):
            raise forms.ValidationError(_("Choose two different mentees."))
        return data


class ProposalSetForm(forms.Form):
    """Give a mentee a mentor: a new pair by hand, or another mentor than proposed."""

    mentee = EnrolmentChoiceField(
        label=_("Mentee"), queryset=Enrolment.objects.none(), empty_label=_("Choose a mentee")
    )
    mentor = EnrolmentChoiceField(
        label=_("Mentor"), queryset=Enrolment.objects.none(), empty_label=_("Choose a mentor")
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only mentees without an active pair: a run (and a pair by hand) is for them.
        paired = Pair.objects.filter(mentee=OuterRef("pk"), status=Pair.Status.ACTIVE)
        mentees = _enrolled(program, Enrolment.Role.MENTEE).exclude(Exists(paired))
        self.fields["mentee"].queryset = mentees  # type: ignore[attr-defined]
        self.fields["mentor"].queryset = _enrolled(program, Enrolment.Role.MENTOR)  # type: ignore[attr-defined]

    def narrow(self, *, mentee_search: str, mentor_search: str) -> None:
        for name, search in (("mentee", mentee_search), ("mentor", mentor_search)):
            _narrow(self.fields[name], self[name].value(), "person", search)
