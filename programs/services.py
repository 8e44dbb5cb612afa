"""Every write about programs, enrolments, nominations and focus suggestions.

Refusals raise ``ValidationError`` with a message for the person; nothing is
changed when one is raised (each service is one transaction).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import audit_record
from notifications.services import notify
from people.events import PersonDeactivated
from people.models import Department, User
from programs import events, notices, tasks
from programs.models import (
    Enrolment,
    FocusSuggestion,
    Invitation,
    Nomination,
    Program,
    Skill,
)
from programs.selectors import live_enrolment, program_is_open_to

Status = Program.Status

# The lifecycle: from each status, where a program may go next.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.OPEN, Status.CLOSED),
    Status.OPEN: (Status.MATCHING, Status.CLOSED),
    Status.MATCHING: (Status.OPEN, Status.ACTIVE, Status.CLOSED),
    Status.ACTIVE: (Status.CLOSED,),
    Status.CLOSED: (),
}

# ---------------------------------------------------------------- programs

PROGRAM_COPY_FIELDS = [
    f.name
    for f in Program._meta.concrete_fields
    if f.name not in {"id", "name", "status", "created_by", "created_at", "updated_at"}
]


def program_create(
    *, created_by: User, values: Mapping[str, Any], departments: Iterable[Department] = ()
) -> Program:
    with transaction.atomic():
        program = Program(created_by=created_by, **values)
        program.full_clean()
        program.save()
        program.departments.set(departments)
    return program


def program_update(
    *, program: Program, values: Mapping[str, Any], departments: Iterable[Department] = ()
) -> Program:
    with transaction.atomic():
        for name, value in values.items():
            setattr(program, name, value)
        program.full_clean()
        program.save()
        program.departments.set(departments)
    return program


def program_duplicate(*, program: Program, created_by: User) -> Program:
    """A draft copy with the same settings, for next year's cohort."""
    with transaction.atomic():
        copy = Program(
            name=_("Copy of %(name)s") % {"name": program.name},
            created_by=created_by,
            **{name: getattr(program, name) for name in PROGRAM_COPY_FIELDS},
        )
        copy.status = Status.DRAFT
        copy.save()
        copy.departments.set(program.departments.all())
    return copy


def program_transition_refusal(*, program: Program, to: str) -> str | None:
    """Why the program cannot move to ``to`` now, or None: the confirmation step asks
    the same question before it shows the consequences."""
    if to not in TRANSITIONS[program.status]:
        return _("A program that is “%(current)s” cannot become “%(target)s”.") % {
            "current": program.get_status_display(),
            "target": Status(to).label,
        }
    if to == Status.OPEN and program.enrolment_closes < timezone.localdate():
        return _("The enrolment window ended on %(date)s. Move it before opening enrolment.") % {
            "date": program.enrolment_closes.isoformat()
        }
    return None


def program_transition(*, program_id: int, to: str, request: HttpRequest | None = None) -> Program:
    """Move the program to ``to``, recorded in the audit log (who, from ``request``)."""
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program_id)
        refusal = program_transition_refusal(program=program, to=to)
        if refusal is not None:
            raise ValidationError(refusal)
        was = program.status
        program.status = to
        program.save(update_fields=["status", "updated_at"])
        audit_record(
            action=Action.PROGRAM_LIFECYCLE,
            target=program,
            details={"from": was, "to": to},
            request=request,
        )
    return program


def participants_export_record(
    *, program: Program, rows: int, filters: Sequence[str], request: HttpRequest
) -> None:
    """HR downloaded the participant list: the audit log keeps who, when, how many rows
    and which filters were set (their names, not what was typed)."""
    with transaction.atomic():
        audit_record(
            action=Action.HR_EXPORT,
            target=program,
            details={"export": "participants", "rows": rows, "filters": sorted(filters)},
            request=request,
        )


# ---------------------------------------------------------------- skills


def _skill_name_free(name: str, *, except_pk: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("A skill needs a name."))
    clashes = Skill.objects.filter(name__iexact=name)
    if except_pk is not None:
        clashes = clashes.exclude(pk=except_pk)
    clash = clashes.first()
    if clash is not None:
        raise ValidationError(
            _("“%(name)s” is already in the list. Merge into it instead.") % {"name": clash.name}
        )
    return name


def skill_create(*, name: str) -> Skill:
    return Skill.objects.create(name=_skill_name_free(name))


def skill_rename(*, skill: Skill, name: str) -> Skill:
    skill.name = _skill_name_free(name, except_pk=skill.pk)
    skill.save(update_fields=["name"])
    return skill


def skill_merge(*, source: Skill, target: Skill) -> Skill:
    """Fold one skill into another: enrolments that had the source now have the target."""
    if source.pk == target.pk:
        raise ValidationError(_("Choose a different skill to merge into."))
    through = Enrolment.skills.through
    with transaction.atomic():
        having_target = through.objects.filter(skill_id=target.pk).values("enrolment_id")
        through.objects.filter(skill_id=source.pk, enrolment_id__in=having_target).delete()
        through.objects.filter(skill_id=source.pk).update(skill_id=target.pk)
        source.delete()
    return target


# ---------------------------------------------------------------- enrolment

ENROLMENT_FIELDS = (
    "goals",
    "languages",
    "meeting_format",
    "availability",
    "years_experience",
    "capacity",
)


def enrolment_create(
    *,
    program: Program,
    person: User,
    role: str,
    values: Mapping[str, Any],
    skills: Iterable[Skill] = (),
) -> Enrolment:
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program.pk)
        if not program_is_open_to(program=program, person=person):
            raise ValidationError(
                _("“%(program)s” is not open for you to join right now.")
                % {"program": program.name}
            )
        if live_enrolment(program=program, person=person, role=role) is not None:
            raise ValidationError(
                _("You are already enrolled in this program as %(role)s.")
                % {"role": Enrolment.Role(role).label.lower()}
            )
        enrolment = Enrolment(
            program=program,
            person=person,
            role=role,
            time_zone=person.time_zone,
            status=(
                Enrolment.Status.PENDING if program.requires_approval else Enrolment.Status.ACCEPTED
            ),
        )
        _enrolment_apply(enrolment, values, program)
        try:
            with transaction.atomic():
                enrolment.save()
        except IntegrityError:  # a double submit raced us to the unique constraint
            raise ValidationError(_("You are already enrolled in this program.")) from None
        enrolment.skills.set(skills)
        Nomination.objects.filter(
            program=program, report=person, status=Nomination.Status.SENT
        ).update(status=Nomination.Status.ENROLLED, responded_at=timezone.now())
    return enrolment


def _enrolment_apply(enrolment: Enrolment, values: Mapping[str, Any], program: Program) -> None:
    for name in ENROLMENT_FIELDS:
        if name in values:
            setattr(enrolment, name, values[name])
    if enrolment.role == Enrolment.Role.MENTEE:
        enrolment.capacity = None
    elif not enrolment.capacity:
        enrolment.capacity = program.default_capacity
    enrolment.full_clean(exclude=["program", "person"], validate_constraints=False)


def enrolment_update(
    *, enrolment: Enrolment, values: Mapping[str, Any], skills: Iterable[Skill] = ()
) -> Enrolment:
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=enrolment.program_id)
        if program.status != Status.OPEN:
            raise ValidationError(_("Matching has started, so your answers can no longer change."))
        if not enrolment.is_live:
            raise ValidationError(_("This enrolment was withdrawn or declined."))
        _enrolment_apply(enrolment, values, program)
        enrolment.time_zone = enrolment.person.time_zone
        enrolment.save()
        enrolment.skills.set(skills)
    return enrolment


def enrolment_withdraw(*, enrolment: Enrolment) -> Enrolment:
    """A no-fault exit, allowed at any time; matching leaves the person out from now on.

    The apps above react to ``enrolment_withdrawn`` in this transaction (their receivers
    are listed in ``mentoring/wiring.py``): the person's pairs end, and so on."""
    with transaction.atomic():
        updated = Enrolment.objects.filter(
            pk=enrolment.pk,
            status__in=[Enrolment.Status.PENDING, Enrolment.Status.ACCEPTED],
        ).update(status=Enrolment.Status.WITHDRAWN, withdrawn_at=timezone.now())
        if not updated:
            raise ValidationError(_("This enrolment is not active."))
        enrolment.refresh_from_db()
        events.enrolment_withdrawn.send(events.EnrolmentWithdrawn(enrolment=enrolment))
    return enrolment


def enrolments_withdraw_for_deactivation(event: PersonDeactivated) -> None:
    """Someone left (a receiver of ``person_deactivated``): each of their live enrolments
    is withdrawn as if they had withdrawn themselves, so the usual cascade follows."""
    live = Enrolment.objects.filter(
        person=event.person, status__in=[Enrolment.Status.PENDING, Enrolment.Status.ACCEPTED]
    ).order_by("pk")
    for enrolment in live.select_for_update():
        enrolment_withdraw(enrolment=enrolment)


def _enrolment_decide(*, enrolment: Enrolment, status: str) -> Enrolment:
    """Decide once (a conditional update), and tell the person once it is committed."""
    with transaction.atomic():
        updated = Enrolment.objects.filter(pk=enrolment.pk, status=Enrolment.Status.PENDING).update(
            status=status
        )
        if not updated:
            raise ValidationError(_("Only applications waiting for approval can be decided."))
        tasks.send_enrolment_decision.delay_on_commit(enrolment.pk)
        notify(
            kind=(
                notices.ENROLMENT_ACCEPTED
                if status == Enrolment.Status.ACCEPTED
                else notices.ENROLMENT_DECLINED
            ),
            recipient_ids=[enrolment.person_id],
            params={"program": enrolment.program_id},
        )
    enrolment.refresh_from_db()
    return enrolment


def enrolment_approve(*, enrolment: Enrolment) -> Enrolment:
    return _enrolment_decide(enrolment=enrolment, status=Enrolment.Status.ACCEPTED)


def enrolment_decline(*, enrolment: Enrolment) -> Enrolment:
    return _enrolment_decide(enrolment=enrolment, status=Enrolment.Status.DECLINED)


# ---------------------------------------------------------------- invitations


@dataclass(frozen=True)
class Invited:
    fresh: tuple[User, ...]  # invited now: each gets an e-mail
    already: int  # asked for, but invited before


def program_invite(
    *,
    program: Program,
    emails: Iterable[str] = (),
    department: Department | None = None,
    invited_by: User,
) -> Invited:
    """Invite people by e-mail, everyone active in a department, or both: all of them, or,
    if any address is unknown, none. Each person is invited once."""
    wanted = sorted({e.strip().lower() for e in emails if e.strip()})
    if not wanted and department is None:
        raise ValidationError(_("Enter at least one e-mail address."))
    people = {p.pk: p for p in User.objects.filter(email__in=wanted, is_active=True)}
    unknown = sorted(set(wanted) - {p.email for p in people.values()})
    if unknown:
        raise ValidationError(
            _("No active person has these addresses: %(emails)s. Import them first.")
            % {"emails": ", ".join(unknown)}
        )
    if department is not None:
        people |= {p.pk: p for p in User.objects.filter(department=department, is_active=True)}
    if not people:
        raise ValidationError(_("Nobody active works in this department."))
    with transaction.atomic():
        already = set(
            Invitation.objects.filter(program=program).values_list("person_id", flat=True)
        )
        fresh = [p for pk, p in sorted(people.items()) if pk not in already]
        Invitation.objects.bulk_create(
            [Invitation(program=program, person=p, invited_by=invited_by) for p in fresh]
        )
        for person in fresh:
            tasks.send_program_invitation.delay_on_commit(program.pk, person.pk)
        notify(
            kind=notices.PROGRAM_INVITED,
            recipient_ids=[p.pk for p in fresh],
            params={"program": program.pk},
        )
    return Invited(fresh=tuple(fresh), already=len(people) - len(fresh))


# ---------------------------------------------------------------- managers suggest


def _require_direct_report(manager: User, report: User) -> None:
    if report.manager_id != manager.pk or not report.is_active:
        raise ValidationError(
            _("%(name)s is not one of your direct reports.") % {"name": report.full_name}
        )


def nomination_create(*, manager: User, report: User, program: Program, note: str) -> Nomination:
    _require_direct_report(manager, report)
    if not program_is_open_to(program=program, person=report):
        raise ValidationError(
            _("“%(program)s” is not open to %(name)s right now.")
            % {"program": program.name, "name": report.full_name}
        )
    if Nomination.objects.filter(program=program, report=report).exists():
        raise ValidationError(
            _("%(name)s has already been nominated for this program.") % {"name": report.full_name}
        )
    # The manager's page cannot leave out programs the report is already in (that
    # would tell the manager); such a nomination is recorded as answered instead.
    already_in = (
        Enrolment.objects.filter(program=program, person=report)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .exists()
    )
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                program=program,
                manager=manager,
                report=report,
                note=note.strip(),
                status=Nomination.Status.ENROLLED if already_in else Nomination.Status.SENT,
                responded_at=timezone.now() if already_in else None,
            )
            if not already_in:  # the note stays on the report's program page, never here
                notify(
                    kind=notices.NOMINATED,
                    recipient_ids=[report.pk],
                    params={"program": program.pk, "person": manager.pk},
                )
            return nomination
    except IntegrityError:
        raise ValidationError(_("This nomination was already sent.")) from None


def nomination_dismiss(*, nomination: Nomination) -> Nomination:
    Nomination.objects.filter(pk=nomination.pk, status=Nomination.Status.SENT).update(
        status=Nomination.Status.DISMISSED, responded_at=timezone.now()
    )
    nomination.refresh_from_db()
    return nomination


def focus_suggestion_create(*, manager: User, report: User, text: str) -> FocusSuggestion:
    _require_direct_report(manager, report)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write a suggestion first."))
    return FocusSuggestion.objects.create(manager=manager, report=report, text=text)


def focus_suggestion_dismiss(*, suggestion: FocusSuggestion) -> FocusSuggestion:
    if suggestion.dismissed_at is None:
        suggestion.dismissed_at = timezone.now()
        suggestion.save(update_fields=["dismissed_at"])
    return suggestion
