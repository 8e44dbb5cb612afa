"""Background work for matching: thin tasks that call a module by id. None of those
modules enqueues these tasks (services and selectors do), so there is no circle."""

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from lib.mail import email_task
from lib.outbox import outbox_deliver_due
from matching import notifications, runs, shortlists, upkeep
from programs.models import Program


@shared_task(name="matching.execute_match_run", base=DjangoTask, ignore_result=True)
def execute_match_run(run_id: int) -> None:
    runs.match_run_execute(run_id=run_id)


@shared_task(name="matching.send_pair_introduction", base=DjangoTask, ignore_result=True)
def send_pair_introduction(pair_id: int) -> None:
    """One ``send_pair_introduction_to`` per person of the pair. It sends nothing itself and
    is not retried: a retry after the first person's task was enqueued would introduce that
    person twice (Celery retries the publishing itself)."""
    for person_id in notifications.pair_introduction_recipients(pair_id=pair_id):
        send_pair_introduction_to.delay(pair_id, person_id)


@shared_task(name="matching.send_pair_introductions", base=DjangoTask, ignore_result=True)
def send_pair_introductions(pair_ids: list[int]) -> None:
    """``send_pair_introduction`` for a batch of pairs (publishing a run sends a few of
    these instead of one message per pair). Not retried, for the same reason: each e-mail
    is a ``send_pair_introduction_to`` of its own, sent once."""
    for pair_id in pair_ids:
        for person_id in notifications.pair_introduction_recipients(pair_id=pair_id):
            send_pair_introduction_to.delay(pair_id, person_id)


@email_task("matching.send_pair_introduction_to")
def send_pair_introduction_to(pair_id: int, person_id: int) -> None:
    notifications.pair_introduction_send_to(pair_id=pair_id, person_id=person_id)


@shared_task(name="matching.rank_shortlists", base=DjangoTask, ignore_result=True)
def rank_shortlists(program_id: int) -> None:
    """Rank every mentee's candidates of a mentee-choice program once (see
    ``selectors.shortlist_for``, ``matching.shortlists``)."""
    program = Program.objects.filter(pk=program_id).first()
    if program is not None:
        shortlists.shortlists_rank(program=program)


@shared_task(name="matching.expire_requests", base=DjangoTask, ignore_result=True)
def expire_requests() -> None:
    upkeep.requests_expire()


@shared_task(name="matching.remind_mentors", base=DjangoTask, ignore_result=True)
def remind_mentors() -> int:
    """Hourly: a reminder row for each request now half-way to expiry, sent at once."""
    return upkeep.requests_remind_mentors()


@shared_task(name="matching.deliver_mail", base=DjangoTask, ignore_result=True)
def deliver_mail() -> dict[str, int]:
    """Every dispatch tick: request reminders due again after a failure, and claims a
    killed worker left (``lib.outbox``)."""
    return {str(k): v for k, v in outbox_deliver_due(upkeep.REQUEST_REMINDERS).items()}
