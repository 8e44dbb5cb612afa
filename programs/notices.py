"""The in-app notifications about programs (``notifications.kinds``): invitations,
nominations and HR's decisions. Parameters are ids only; never a nomination's note."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.kinds import Kind, Names, Params
from people.models import User
from programs.selectors import programs_visible_to


def _program_page(params: Params, person: User) -> str:
    """The program's page while the person may see it, else the list of their programs."""
    program_id = params.get("program")
    if isinstance(program_id, int) and programs_visible_to(person=person).filter(pk=program_id):
        return reverse("programs:detail", args=[program_id])
    return reverse("programs:list")


def _programs(params: Params, person: User) -> str:
    return reverse("programs:list")


def _invited(params: Params, names: Names) -> str:
    return _("You are invited to join “%(program)s”.") % {"program": names.program(params)}


def _nominated(params: Params, names: Names) -> str:
    return _("%(person)s nominated you for “%(program)s”.") % {
        "person": names.person(params),
        "program": names.program(params),
    }


def _accepted(params: Params, names: Names) -> str:
    return _("Your application to “%(program)s” was accepted.") % {"program": names.program(params)}


def _declined(params: Params, names: Names) -> str:
    return _("Your application to “%(program)s” was not accepted this time.") % {
        "program": names.program(params)
    }


PROGRAM_INVITED = Kind("program_invited", text=_invited, target=_program_page)
NOMINATED = Kind("nominated", text=_nominated, target=_program_page)
ENROLMENT_ACCEPTED = Kind("enrolment_accepted", text=_accepted, target=_program_page)
ENROLMENT_DECLINED = Kind("enrolment_declined", text=_declined, target=_programs)

KINDS = (PROGRAM_INVITED, NOMINATED, ENROLMENT_ACCEPTED, ENROLMENT_DECLINED)
