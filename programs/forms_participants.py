"""Forms for HR's participant list: the filter, a decision on an application, invitations."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from people.models import Department
from programs.models import Enrolment

FILTER_FIELDS = ("name", "role", "status", "department")
NAME_SEARCH_MAX = 100
MAX_INVITES = 500
EMAIL_SEPARATORS = re.compile(r"[\s,;]+")


class ParticipantFilterForm(forms.Form):
    """GET filter; a value that is not on offer is reported and left out of the filter."""

    name = forms.CharField(
        label=_("Name or e-mail"),
        required=False,
        max_length=NAME_SEARCH_MAX,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Enrolment.Role.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Enrolment.Status.choices],
    )
    department = forms.ChoiceField(label=_("Department"), required=False)

    def __init__(self, *args: Any, departments: Iterable[Department] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department = cast(forms.ChoiceField, self.fields["department"])
        department.choices = [
            ("", _("All departments")),
            *((str(d.pk), d.name) for d in departments),
        ]

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for ``participants_for_hr``, from the valid fields only."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        department = data.get("department")
        return {
            "name": data.get("name", ""),
            "role": data.get("role", ""),
            "status": data.get("status", ""),
            "department_id": int(department) if department else None,
        }

    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in FILTER_FIELDS)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    next = forms.CharField(required=False, max_length=2000)


def split_addresses(text: str) -> list[str]:
    """Addresses one per line, or separated by commas, semicolons or spaces; each once."""
    seen: dict[str, None] = {}
    for part in EMAIL_SEPARATORS.split(text):
        if part:
            seen.setdefault(part.lower(), None)
    return list(seen)


class InviteForm(forms.Form):
    """Addresses, a whole department, or both: each person is invited once."""

    emails = forms.CharField(
        label=_("E-mail addresses"),
        help_text=_("One per line, or separated by commas, semicolons or spaces."),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
        max_length=MAX_INVITES * 100,
        required=False,
    )
    department = forms.ChoiceField(
        label=_("Everyone in a department"),
        help_text=_("Each active person of the department gets an invitation."),
        required=False,
        error_messages={"invalid_choice": _("Choose a department from the list.")},
    )

    def __init__(self, *args: Any, departments: Iterable[Department] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["department"])
        field.choices = [("", _("No department"))] + [
            (str(d.pk), _department_label(d)) for d in departments
        ]

    def clean_emails(self) -> list[str]:
        text = self.cleaned_data["emails"]
        addresses = split_addresses(text)
        if text.strip() and not addresses:
            raise ValidationError(_("Enter at least one e-mail address."))
        if len(addresses) > MAX_INVITES:
            raise ValidationError(
                _("Invite at most %(max)d people at a time.") % {"max": MAX_INVITES}
            )
        malformed = [a for a in addresses if not _is_email(a)]
        if malformed:
            raise ValidationError(
                ngettext(
                    "This is not an e-mail address: %(list)s.",
                    "These are not e-mail addresses: %(list)s.",
                    len(malformed),
                )
                % {"list": ", ".join(malformed)}
            )
        return addresses

    def clean_department(self) -> int | None:
        value = self.cleaned_data["department"]
        return int(value) if value else None

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or {}
        if not self.errors and not cleaned.get("emails") and not cleaned.get("department"):
            raise ValidationError(_("Enter e-mail addresses or choose a department, or both."))
        return cleaned


def _department_label(department: Department) -> str:
    count: int = getattr(department, "headcount", 0)
    people = ngettext("%(count)d person", "%(count)d people", count) % {"count": count}
    return f"{department.name} ({people})"


def _is_email(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True
