"""The check-in e-mails: one pulse after each held meeting, one invitation per survey.

Each is an outbox row (``lib.outbox``), unique per meeting (or survey) and person, so
nobody is asked twice. They follow the person's "friendly nudges" setting and its
one-click unsubscribe; they carry links and a date, never content, and go only to the
person who answers (never a manager, never the counterpart's answers).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from checkins.bank import PULSE_PROGRESS, PULSE_USEFUL
from checkins.links import PulseChoice, pulse_url
from checkins.models import PulseAnswer, PulseMail, Survey, SurveyMail, SurveyResponse
from lib.links import absolute_url
from lib.mail import compose
from lib.outbox import Outbox
from matching.membership import MEMBER_ROLES, counterpart, is_member, load_members
from matching.models import Pair
from meetings.models import Meeting
from people.unsubscribe import Kind, unsubscribe_headers, unsubscribe_url
from programs.models import Program

PULSE_WINDOW = dt.timedelta(days=2)  # meetings that ended this recently get a pulse e-mail


def pulses_plan(*, now: dt.datetime) -> list[int]:
    """One pulse e-mail row per member of each meeting held in the last two days; a row
    that exists already is never written again. Returns the new rows' ids."""
    meetings = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED, end__lte=now, end__gt=now - PULSE_WINDOW
    ).exclude(pair__program__status=Program.Status.CLOSED)
    rows = [
        PulseMail(meeting_id=meeting_id, recipient_id=person_id, due_at=now)
        for meeting_id, *people in meetings.values_list(
            "pk", *(f"pair__{role}__person_id" for role in MEMBER_ROLES)
        )
        for person_id in people
    ]
    return _insert_new(PulseMail, rows, key="meeting_id")


def surveys_plan(*, now: dt.datetime) -> list[int]:
    """Invite every member of the program once a survey opens (once per survey)."""
    created: list[int] = []
    for survey in Survey.objects.filter(
        invited_at__isnull=True, opens_at__lte=now, closes_at__gt=now
    ):
        with transaction.atomic():
            if not Survey.objects.filter(pk=survey.pk, invited_at__isnull=True).update(
                invited_at=now
            ):
                continue  # another planner took it
            pairs = Pair.objects.filter(program_id=survey.program_id)
            people = {
                person_id
                for role in MEMBER_ROLES
                for person_id in pairs.values_list(f"{role}__person_id", flat=True)
            }
            rows = [
                SurveyMail(survey=survey, recipient_id=pid, due_at=now) for pid in sorted(people)
            ]
            created += _insert_new(SurveyMail, rows, key="survey_id")
    return created


def _insert_new(model: type[PulseMail] | type[SurveyMail], rows: list, *, key: str) -> list[int]:
    if not rows:
        return []
    wanted = Q()
    for row in rows:
        wanted |= Q(**{key: getattr(row, key), "recipient_id": row.recipient_id})
    before = set(model.objects.filter(wanted).values_list("pk", flat=True))
    model.objects.bulk_create(rows, ignore_conflicts=True)
    return sorted(set(model.objects.filter(wanted).values_list("pk", flat=True)) - before)


# ---------------------------------------------------------------- the pulse e-mail


def _load_pulses(ids: Sequence[int]) -> list[PulseMail]:
    rows = list(
        PulseMail.objects.select_related("meeting__pair__program", "recipient")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    load_members(row.meeting.pair for row in rows)
    return rows


def _pulse_skip_reason(row: PulseMail, now: dt.datetime) -> str | None:
    person, meeting = row.recipient, row.meeting
    if not is_member(meeting.pair, person):
        return "not in pair"
    if not person.is_active or not person.email:
        return "inactive person"
    if not person.email_nudges:
        return "turned off"
    if meeting.status != Meeting.Status.SCHEDULED:
        return "meeting cancelled"
    if PulseAnswer.objects.filter(meeting=meeting, person=person).exists():
        return "answered in the app"
    return None


def _choices(row: PulseMail, question: str, values: list[int], labels: list[str]) -> list[dict]:
    return [
        {
            "label": label,
            "url": pulse_url(PulseChoice(row.recipient_id, row.meeting_id, question, value)),
        }
        for value, label in zip(values, labels, strict=True)
    ]


def _pulse_message(row: PulseMail) -> EmailMessage:
    person, meeting = row.recipient, row.meeting

    def context() -> dict:
        return {
            "person": person,
            "other": counterpart(meeting.pair, person),
            "meeting": meeting,
            "useful_text": str(PULSE_USEFUL.text),
            "progress_text": str(PULSE_PROGRESS.text),
            "useful": _choices(
                row, "useful", PULSE_USEFUL.values(), [str(v) for v in PULSE_USEFUL.values()]
            ),
            "progress": _choices(
                row, "progress", PULSE_PROGRESS.values(), [str(o) for o in PULSE_PROGRESS.options]
            ),
            "url": absolute_url("checkins:pulse", meeting_id=meeting.pk),
            "settings_url": absolute_url("people:email_settings"),
            "unsubscribe_url": unsubscribe_url(person_id=person.pk, kind=Kind.NUDGES),
        }

    message = compose("checkins/email/pulse", to=person, context=context)
    message.extra_headers.update(unsubscribe_headers(person_id=person.pk, kind=Kind.NUDGES))
    return message


PULSES = Outbox(
    model=PulseMail,
    label="Pulse e-mail",
    load=_load_pulses,
    skip_reason=_pulse_skip_reason,
    message=_pulse_message,
)


# ---------------------------------------------------------------- the survey invitation


def _load_surveys(ids: Sequence[int]) -> list[SurveyMail]:
    return list(
        SurveyMail.objects.select_related("survey__program", "recipient")
        .filter(pk__in=ids)
        .order_by("pk")
    )


def _survey_skip_reason(row: SurveyMail, now: dt.datetime) -> str | None:
    person, survey = row.recipient, row.survey
    if not person.is_active or not person.email:
        return "inactive person"
    if not person.email_nudges:
        return "turned off"
    if not survey.is_open(now):
        return "survey not open"
    if SurveyResponse.objects.filter(survey=survey, person=person).exists():
        return "answered in the app"
    return None


def _survey_message(row: SurveyMail) -> EmailMessage:
    person, survey = row.recipient, row.survey
    context = {
        "person": person,
        "survey": survey,
        "program": survey.program,
        "url": absolute_url("checkins:survey", survey_id=survey.pk),
        "settings_url": absolute_url("people:email_settings"),
        "unsubscribe_url": unsubscribe_url(person_id=person.pk, kind=Kind.NUDGES),
    }
    message = compose("checkins/email/survey", to=person, context=context)
    message.extra_headers.update(unsubscribe_headers(person_id=person.pk, kind=Kind.NUDGES))
    return message


SURVEYS = Outbox(
    model=SurveyMail,
    label="Survey e-mail",
    load=_load_surveys,
    skip_reason=_survey_skip_reason,
    message=_survey_message,
)


def checkin_mail_plan(*, now: dt.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return pulses_plan(now=now) + surveys_plan(now=now)
