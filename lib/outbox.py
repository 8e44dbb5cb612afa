"""The *when due* delivery: an outbox row per e-mail and recipient, claimed by a conditional
update, with its attempts and backoff in the row. Celery only carries ids.

The other delivery is *now, after commit* (``lib.mail.email_task``, sent once by
``lib.mail.send_once``). An e-mail that waits for a moment (a reminder before a meeting, a
nudge after a quiet month, the weekly digest, a reminder of an unanswered request) is a row:

1. **Plan** (the app): write the row, ``pending`` with its ``due_at``, in the transaction that
   makes it needed; a unique key per e-mail and recipient keeps a second plan from writing
   a second row.
2. **Claim** (``outbox_claim_due``): due rows become ``claimed`` by a conditional update, so
   two dispatchers never claim one row twice.
3. **Send** (``outbox_send``): take the next attempt (compare-and-set), re-check that the
   e-mail is still wanted (else ``skipped``), send, mark ``sent``. An SMTP error puts the row
   back to ``pending`` with a later ``due_at``; a permanent one, or the last attempt, marks
   it ``failed``.
4. **Sweep** (``outbox_sweep``): claims nobody finished (a killed worker) go back to pending.

"Sent" is written after the server accepted the e-mail: a worker killed between the two
leaves the row claimed, and the sweeper sends it once more with the next attempt number (a
copy, tied to that death by the log line and the ``X-Mentoring-Attempt`` header), never a
lost e-mail. Meeting reminders (``meetings.reminders``) follow these rules with a sender of
their own, tuned for thousands of rows a minute.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import smtplib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 60  # then doubled per attempt, up to an hour
MAX_BACKOFF_SECONDS = 3600


class OutboxRow(models.Model):
    """The columns every outbox row has, its recipient among them; an app's concrete row
    adds what the e-mail is about and, in its ``Meta``, ``once_per_recipient`` (the unique
    key per e-mail and recipient) and ``pending_index``. Nothing reads the recipient's
    reverse relation (``related_name="+"``)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        CLAIMED = "claimed", _("Being sent")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not needed")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    due_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


def pending_index(name: str) -> models.Index:
    """Dispatch asks only for pending rows by due time: a partial index stays small however
    many e-mails were sent before."""
    return models.Index(fields=["due_at"], condition=Q(status="pending"), name=name)


def once_per_recipient(*subject: str, name: str) -> models.UniqueConstraint:
    """The unique key that keeps a second plan from writing a second row: what the e-mail
    is about (one or more fields) and its recipient."""
    return models.UniqueConstraint(fields=[*subject, "recipient"], name=name)


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"
    NOT_CLAIMED = "not-claimed"  # already sent, returned, or another worker has it
    RETRY = "retry"
    FAILED = "failed"
    ERROR = "error"  # an unexpected error: the claim stays for the sweeper


Row = TypeVar("Row", bound=OutboxRow)


@dataclass(frozen=True)
class Outbox(Generic[Row]):
    """One kind of e-mail sent when due. ``load`` reads rows by id with what the check and
    the e-mail need; ``skip_reason`` says why a row is no longer wanted (or None);
    ``message`` composes its e-mail; ``label`` names it in logs and headers."""

    model: type[Row]
    label: str
    load: Callable[[Sequence[int]], list[Row]]
    skip_reason: Callable[[Row, dt.datetime], str | None]
    message: Callable[[Row], EmailMessage]


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(
        seconds=min(BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS)
    )


def permanent(exc: Exception) -> bool:
    """A 5xx answer for this message will not change by trying again."""
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [answer[0] for answer in exc.recipients.values()]
        return bool(codes) and all(500 <= c < 600 for c in codes)
    return isinstance(code, int) and 500 <= code < 600


def stale_after() -> dt.timedelta:
    """How long a claim may stay unfinished before the sweeper returns it."""
    return dt.timedelta(seconds=settings.MENTORING_REMINDER_STALE_SECONDS)


class MailSession:
    """One SMTP connection for a batch, opened on the first e-mail; after a failure it is
    dropped and the next e-mail opens a new one. Closing is quiet: an error while saying
    goodbye comes after the server accepted the last message (see ``lib.mail``)."""

    def __init__(self) -> None:
        self._connection: Any = None

    def send(self, message: EmailMessage) -> None:
        if self._connection is None:
            self._connection = get_connection()
            self._connection.open()
        try:
            self._connection.send_messages([message])
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.close()
        except (smtplib.SMTPException, OSError):
            logger.warning("Closing the SMTP connection failed after the send", exc_info=True)


def outbox_claim_due(model: type[OutboxRow], *, now: dt.datetime, batch: int) -> list[int]:
    """Claim up to ``batch`` due rows, oldest first, and return their ids.

    PostgreSQL skips rows another dispatcher holds; the claim itself is a conditional
    update (pending → claimed), so it is safe on SQLite too, whose writers are serialised.
    """
    status = OutboxRow.Status
    with transaction.atomic():
        due = model._default_manager.filter(status=status.PENDING, due_at__lte=now).order_by(
            "due_at"
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:batch])
        if not ids:
            return []
        claimed = list(
            model._default_manager.filter(pk__in=ids, status=status.PENDING).values_list(
                "pk", flat=True
            )
        )
        model._default_manager.filter(pk__in=claimed, status=status.PENDING).update(
            status=status.CLAIMED, claimed_at=now
        )
    return claimed


def outbox_sweep(
    model: type[OutboxRow], *, now: dt.datetime, stale: dt.timedelta | None = None
) -> int:
    """Return claims nobody completed in time to pending; returns how many."""
    status = OutboxRow.Status
    return model._default_manager.filter(
        status=status.CLAIMED, claimed_at__lt=now - (stale_after() if stale is None else stale)
    ).update(status=status.PENDING, claimed_at=None)


def _take_attempt(model: type[OutboxRow], pk: int, now: dt.datetime) -> int | Outcome:
    """Take the next attempt of a claimed row (compare-and-set on its attempts); returns
    the attempt taken, or why not: the row is not claimed (or another process took it),
    or its attempts are used up (it fails here)."""
    status = OutboxRow.Status
    row = (
        model._default_manager.filter(pk=pk, status=status.CLAIMED).values_list("attempts").first()
    )
    if row is None:
        return Outcome.NOT_CLAIMED
    (attempts,) = row
    if attempts >= MAX_ATTEMPTS:
        failed = model._default_manager.filter(
            pk=pk, status=status.CLAIMED, attempts=attempts
        ).update(status=status.FAILED)
        return Outcome.FAILED if failed else Outcome.NOT_CLAIMED
    taken = model._default_manager.filter(pk=pk, status=status.CLAIMED, attempts=attempts).update(
        attempts=attempts + 1, claimed_at=now
    )
    return attempts + 1 if taken else Outcome.NOT_CLAIMED


def _send_row(
    box: Outbox[Row], row: Row, attempt: int, now: dt.datetime, mail: MailSession
) -> Outcome:
    status = OutboxRow.Status
    ours = box.model._default_manager.filter(pk=row.pk, status=status.CLAIMED, attempts=attempt)
    reason = box.skip_reason(row, now)
    if reason is not None:
        return Outcome.SKIPPED if ours.update(status=status.SKIPPED) else Outcome.NOT_CLAIMED
    message = box.message(row)
    message.extra_headers.update(
        {"X-Mentoring-Outbox": f"{box.label}:{row.pk}", "X-Mentoring-Attempt": f"{attempt}"}
    )
    # Which process has this attempt on the wire: if it dies before "sent" commits, the
    # next attempt repeats the e-mail, and this line is what ties the copies to that death.
    logger.info(
        "%s %s: attempt %s handed to the mail server by process %s",
        box.label, row.pk, attempt, os.getpid(),
    )  # fmt: skip
    try:
        mail.send(message)
    except (smtplib.SMTPException, OSError) as exc:
        if permanent(exc) or attempt >= MAX_ATTEMPTS:
            ours.update(status=status.FAILED)
            return Outcome.FAILED
        ours.update(status=status.PENDING, claimed_at=None, due_at=now + backoff(attempt))
        logger.warning(
            "%s %s: attempt %s not confirmed by the mail server (%r); trying again",
            box.label, row.pk, attempt, exc,
        )  # fmt: skip
        return Outcome.RETRY
    ours.update(status=status.SENT, sent_at=timezone.now())
    return Outcome.SENT


def outbox_send(
    box: Outbox[Row], row_ids: Sequence[int], *, now: dt.datetime | None = None
) -> dict[int, Outcome]:
    """Send claimed rows, each once; every outcome is written to its row."""
    now = now or timezone.now()
    outcomes: dict[int, Outcome] = {}
    taken: dict[int, int] = {}
    for pk in sorted({int(pk) for pk in row_ids}):
        attempt = _take_attempt(box.model, pk, now)
        if isinstance(attempt, Outcome):
            outcomes[pk] = attempt
        else:
            outcomes[pk], taken[pk] = Outcome.NOT_CLAIMED, attempt
    mail = MailSession()
    try:
        for row in box.load(list(taken)):
            try:
                outcomes[row.pk] = _send_row(box, row, taken[row.pk], now, mail)
            except Exception:
                # One row's surprise must not hold back the others: it keeps its claim,
                # the sweeper returns it, and its attempts stay bounded.
                logger.exception("%s %s: sending failed unexpectedly", box.label, row.pk)
                outcomes[row.pk] = Outcome.ERROR
    finally:
        mail.close()
    return outcomes


def outbox_deliver_due(
    box: Outbox[Row], *, now: dt.datetime | None = None, batch: int = 200
) -> dict[Outcome, int]:
    """What a beat task runs: return stale claims, then claim and send what is due, batch
    after batch, until nothing is due. Returns how many rows ended in each outcome."""
    now = now or timezone.now()
    outbox_sweep(box.model, now=now)
    counts: dict[Outcome, int] = {}
    while ids := outbox_claim_due(box.model, now=now, batch=batch):
        for outcome in outbox_send(box, ids, now=now).values():
            counts[outcome] = counts.get(outcome, 0) + 1
        if len(ids) < batch:
            break
    return counts


def outbox_deliver(
    box: Outbox[Row], row_ids: Sequence[int], *, now: dt.datetime | None = None
) -> int:
    """Claim these rows if they are pending and due, and send them now (right after they
    were planned, or from a test or a shell); returns how many e-mails went out. Rows it
    cannot claim are left to whoever has them."""
    now = now or timezone.now()
    status = OutboxRow.Status
    ids = list(
        box.model._default_manager.filter(
            pk__in=list(row_ids), status=status.PENDING, due_at__lte=now
        ).values_list("pk", flat=True)
    )
    box.model._default_manager.filter(pk__in=ids, status=status.PENDING).update(
        status=status.CLAIMED, claimed_at=now
    )
    outcomes = outbox_send(box, ids, now=now)
    return sum(1 for outcome in outcomes.values() if outcome == Outcome.SENT)
