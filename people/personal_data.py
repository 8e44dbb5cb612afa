"""People's part of a person's own data: the profile and the e-mail settings.

Found and registered by ``lib/personal_data.py`` (the registry looks for a ``personal_data``
module in every app).
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.utils.translation import gettext_lazy as _

from lib.personal_data import ModelFields, Registration, Section, register, render_section
from people.models import User


def export(person: User) -> Section:
    profile = {
        "full_name": person.full_name,
        "email": person.email,
        "employee_id": person.employee_id or "",
        "department": person.department.name if person.department_id else "",  # type: ignore[union-attr]
        "title": person.title,
        "line_manager": person.manager.full_name if person.manager_id else "",  # type: ignore[union-attr]
        "time_zone": person.time_zone,
        "language": person.language,
        "joined": person.date_joined,
        "last_sign_in": person.last_login,
    }
    settings = {
        "reminders_before_meetings": person.email_reminders,
        "nudges_when_quiet": person.email_nudges,
    }
    addresses = list(
        EmailAddress.objects.filter(user=person).values("email", "verified", "primary")
    )
    return render_section(
        {"profile": [profile], "email_settings": [settings], "sign_in_addresses": addresses}
    )


def erase(*, person: User, replacement: Any) -> dict[str, int]:
    """The account itself is deleted last by ``person_erase``; its addresses go first."""
    deleted, _counts = EmailAddress.objects.filter(user=person).delete()
    return {"sign_in_addresses": deleted}


REGISTRATION = Registration(
    key="people",
    title=_("Your profile and settings"),
    export=export,
    erase=erase,
    fields=(
        ModelFields(
            "people.User",
            (
                "full_name",
                "email",
                "employee_id",
                "department",
                "title",
                "manager",
                "time_zone",
                "language",
                "date_joined",
                "last_login",
                "email_reminders",
                "email_nudges",
            ),
            _("Signing in, the reporting line (from HR's import), language and time zone"),
        ),
        ModelFields("account.EmailAddress", ("email",), _("Signing in")),
        ModelFields(
            "people.DataExport",
            ("person", "requested_at", "status"),
            _("Your own data exports, deleted when the link expires"),
        ),
    ),
)


register(REGISTRATION)
