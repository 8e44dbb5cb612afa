"""The weekly HR digest: counts per program, no names and no content, each program linked to
its health page. One e-mail row per HR admin and week, sent when due (``lib.outbox``); the
rows are ``meetings.digest_rows``', the counts ``meetings.health``'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.utils import timezone

from lib.links import absolute_url
from lib.mail import compose
from lib.outbox import Outbox, outbox_deliver
from meetings.digest_rows import DigestMail, digest_rows_load, digest_week_plan
from meetings.health import programs_week_counts
from people.models import HR_ADMIN_PERMISSION, User
from people.selectors import hr_admins


def _monday(now: dt.datetime) -> dt.date:
    today = timezone.localdate(now)
    return today - dt.timedelta(days=today.weekday())


def digest_plan(*, now: dt.datetime | None = None) -> list[int]:
    """Plan this week's digest: one e-mail row per HR admin, due now, once per week;
    returns the ids of the rows new this time (a second run in the same week writes none)."""
    now = now or timezone.now()
    return digest_week_plan(monday=_monday(now), recipients=hr_admins(), due_at=now)


def _skip_reason(row: DigestMail, now: dt.datetime) -> str | None:
    person: User = row.recipient
    if not person.is_active or not person.email:
        return "inactive person"
    if not person.has_perm(HR_ADMIN_PERMISSION):
        return "no longer an HR admin"
    if timezone.localdate(now) - row.week.week > dt.timedelta(days=7):
        return "a later week's digest is due"
    return None


def _message(row: DigestMail) -> EmailMessage:
    person = row.recipient
    programs = [
        {
            "counts": counts,
            "url": absolute_url("hr_view:health", program_id=counts.program_id),
        }
        for counts in programs_week_counts(now=timezone.now())
    ]
    context = {
        "person": person,
        "programs": programs,
        "week": row.week.week,
        "url": absolute_url("hr_view:health_compare"),  # the programs side by side
    }
    return compose("hr_view/email/digest", to=person, context=context)


def _load(ids: Sequence[int]) -> list[DigestMail]:
    return digest_rows_load(ids)


DIGESTS = Outbox(
    model=DigestMail, label="Digest e-mail", load=_load, skip_reason=_skip_reason, message=_message
)


def digest_send(*, now: dt.datetime | None = None) -> int:
    """Plan this week's digest and send it at once (a shell, a test; beat plans it on Monday
    mornings and delivers the rows when due); returns how many e-mails went out."""
    now = now or timezone.now()
    return outbox_deliver(DIGESTS, digest_plan(now=now), now=now)
