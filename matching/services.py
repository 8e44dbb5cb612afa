"""Every write about matching: runs and proposals, publishing, requests, pairs.

Capacity holds under concurrency because every write that fills a seat locks
the mentor's enrolment row first, and the database allows one active pair per
mentee per program.
"""

from __future__ import annotations

import datetime as dt
import json
import smtplib
import time
from collections.abc import Iterable
from typing import cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from matching import engine, events, notifications, tasks
from matching.explanations import explanation_facts_bulk
from matching.features import Cohort, explanation_facts, goal_weights, load_cohort
from matching.models import MatchRun, MentorshipRequest, Pair, Proposal
from matching.selectors import CHOOSING_STATUSES
from people.models import User
from programs.events import EnrolmentWithdrawn
from programs.models import Enrolment, Program

# ---------------------------------------------------------------- runs


def match_run_start(*, program: Program, started_by: User) -> MatchRun:
    if program.matching_mode != Program.MatchingMode.COHORT:
        raise ValidationError(_("In this program mentees choose their mentors themselves."))
    if program.status not in (Program.Status.MATCHING, Program.Status.ACTIVE):
        raise ValidationError(_("Start matching on the program page first."))
    try:
        with transaction.atomic():
            MatchRun.objects.filter(program=program, status=MatchRun.Status.DONE).update(
                status=MatchRun.Status.DISCARDED
            )
            run = MatchRun.objects.create(program=program, started_by=started_by)
            tasks.execute_match_run.delay_on_commit(run.pk)
    except IntegrityError:
        raise ValidationError(
            _("A matching run for this program is already in progress.")
        ) from None
    return run


def _progress(run: MatchRun, stage: str, percent: int) -> None:
    # Saved outside any transaction, so the progress page sees each stage as it happens.
    MatchRun.objects.filter(pk=run.pk).update(
        stage=stage, progress=percent, status=MatchRun.Status.RUNNING
    )


def match_run_execute(*, run_id: int) -> MatchRun:
    """Load, score, solve, save: the work behind a run, reporting progress as it goes."""
    claimed = MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.QUEUED).update(
        status=MatchRun.Status.RUNNING
    )
    run = MatchRun.objects.select_related("program").get(pk=run_id)
    if not claimed:
        return run  # a duplicate delivery: another worker has it
    try:
        _execute(run)
    except Exception as exc:
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.FAILED, error=str(exc)[:300], finished_at=timezone.now()
        )
        raise
    run.refresh_from_db()
    return run


def _execute(run: MatchRun) -> None:
    started = time.perf_counter()
    _progress(run, MatchRun.Stage.LOADING, 5)
    cohort = load_cohort(run.program)
    _progress(run, MatchRun.Stage.SCORING, 25)
    timings: dict[str, float] = {}
    result = engine.match(cohort.problem, timings=timings)
    _progress(run, MatchRun.Stage.SAVING, 80)
    # All explanations at once, vectorised over the chosen pairs (one mentee row against
    # every mentor per proposal took most of a large run).
    facts = explanation_facts_bulk(
        cohort, [mentee for mentee, _ in result.pairs], [mentor for _, mentor in result.pairs]
    )
    with transaction.atomic():
        _proposals_insert(
            (
                run.pk,
                cohort.mentees[mentee].pk,
                cohort.mentors[mentor].pk,
                round(score, 2),
                explanation,
                Proposal.Origin.ENGINE,
            )
            for (mentee, mentor), score, explanation in zip(
                result.pairs, result.scores, facts, strict=True
            )
        )
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.DONE,
            stage=MatchRun.Stage.FINISHED,
            progress=100,
            finished_at=timezone.now(),
            statistics=_statistics(cohort, result, timings, time.perf_counter() - started),
        )


PROPOSAL_COLUMNS = ("run_id", "mentee_id", "mentor_id", "score", "explanation", "origin")


def _proposals_insert(rows: Iterable[tuple[int, int, int, float, object, str]]) -> None:
    """Save a run's proposals in one statement: PostgreSQL's COPY (about 7 times faster
    than a 10,000-row INSERT with its explanations), a bulk INSERT elsewhere."""
    if connection.vendor != "postgresql":
        Proposal.objects.bulk_create(
            Proposal(**dict(zip(PROPOSAL_COLUMNS, row, strict=True))) for row in rows
        )
        return
    table = Proposal._meta.db_table
    with connection.cursor() as cursor:
        copy = cursor.cursor.copy(f"COPY {table} ({', '.join(PROPOSAL_COLUMNS)}) FROM STDIN")
        with copy as stream:
            for *values, explanation, origin in rows:
                stream.write_row((*values, json.dumps(explanation), origin))


def _statistics(
    cohort: Cohort, result: engine.Result, timings: dict[str, float], seconds: float
) -> dict[str, object]:
    reasons = [reason.value for reason in result.unmatched.values()]
    return {
        "mentees": len(cohort.mentees),
        "mentors": len(cohort.mentors),
        "seats": int(cohort.problem.capacity.sum()),
        "matched": len(result.pairs),
        "unmatched_no_allowed_mentor": reasons.count(engine.Unmatched.NO_ALLOWED_MENTOR),
        "unmatched_seats_ran_out": reasons.count(engine.Unmatched.SEATS_RAN_OUT),
        "unmatched_mentees": {
            str(cohort.mentees[row].pk): reason.value for row, reason in result.unmatched.items()
        },
        "total_score": round(result.total_score, 2),
        "seconds": round(seconds, 3),
        "seconds_scoring": round(timings.get("scoring", 0), 3),
        "seconds_solving": round(timings.get("solving", 0), 3),
        # So that a pair set by hand scores its goals as in the whole cohort, without it.
        "goal_idf": [round(weight, 6) for weight in goal_weights(cohort.problem)],
    }


# ---------------------------------------------------------------- editing proposals


def _editable(run: MatchRun) -> None:
    if run.status != MatchRun.Status.DONE:
        raise ValidationError(_("This run can no longer be changed."))


def _not_allowed(mentee: Enrolment, mentor: Enrolment) -> ValidationError:
    return ValidationError(
        _(
            "%(mentee)s and %(mentor)s cannot be paired: the program's rules or their "
            "reporting line do not allow it."
        )
        % {"mentee": mentee.person.full_name, "mentor": mentor.person.full_name}
    )


def _cohort_of(run: MatchRun, mentee_ids: set[int], mentor_ids: set[int]) -> Cohort:
    """Just the people of an edit, their goals weighted as in the run's whole cohort: an
    edit then takes milliseconds whatever the size of the program. (A run saved before
    the weights were kept loads the whole cohort.)"""
    idf = run.statistics.get("goal_idf")
    if not idf:
        return load_cohort(run.program)
    return load_cohort(run.program, mentee_ids=mentee_ids, mentor_ids=mentor_ids, goal_idf=idf)


def _check_pair(cohort: Cohort, mentee: Enrolment, mentor: Enrolment, run: MatchRun) -> None:
    """Hard constraints and seats, as the proposals stand (excluding the mentee's own)."""
    try:
        mentee_row, mentor_row = cohort.mentee_row(mentee.pk), cohort.mentor_row(mentor.pk)
    except StopIteration:
        raise ValidationError(_("Both people must still be enrolled and unpaired.")) from None
    if not engine.pair_allowed(cohort.problem, mentee_row, mentor_row):
        raise _not_allowed(mentee, mentor)
    proposed = Proposal.objects.filter(run=run, mentor=mentor).exclude(mentee=mentee).count()
    if proposed >= cohort.problem.capacity[mentor_row]:
        raise ValidationError(
            _("%(mentor)s has no free seat left in these proposals.")
            % {"mentor": mentor.person.full_name}
        )


def proposal_remove(*, proposal: Proposal) -> None:
    _editable(proposal.run)
    proposal.delete()


def proposal_set(*, run: MatchRun, mentee: Enrolment, mentor: Enrolment) -> Proposal:
    """Add a pair by hand, or give a proposed mentee another mentor (a swap)."""
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().select_related("program").get(pk=run.pk)
        _editable(run)
        cohort = _cohort_of(run, {mentee.pk}, {mentor.pk})
        _check_pair(cohort, mentee, mentor, run)
        facts = explanation_facts(
            cohort, cohort.mentee_row(mentee.pk), cohort.mentor_row(mentor.pk)
        )
        proposal, _created = Proposal.objects.update_or_create(
            run=run,
            mentee=mentee,
            defaults={
                "mentor": mentor,
                "score": facts["score"],
                "explanation": facts,
                "origin": Proposal.Origin.MANUAL,
            },
        )
    return proposal


def proposal_swap(*, first: Proposal, second: Proposal) -> tuple[Proposal, Proposal]:
    """Exchange the mentors of two proposals, if both new pairs meet the rules."""
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().select_related("program").get(pk=first.run_id)
        _editable(run)
        if second.run_id != run.pk or first.pk == second.pk:
            raise ValidationError(_("Choose two different proposals of this run."))
        cohort = _cohort_of(
            run, {first.mentee_id, second.mentee_id}, {first.mentor_id, second.mentor_id}
        )
        swapped = ((first, second.mentor), (second, first.mentor))
        for proposal, mentor in swapped:
            try:
                mentee_row = cohort.mentee_row(proposal.mentee_id)
                mentor_row = cohort.mentor_row(mentor.pk)
            except StopIteration:
                raise ValidationError(
                    _("Both people must still be enrolled and unpaired.")
                ) from None
            if not engine.pair_allowed(cohort.problem, mentee_row, mentor_row):
                raise _not_allowed(proposal.mentee, mentor)
        for proposal, mentor in swapped:
            facts = explanation_facts(
                cohort, cohort.mentee_row(proposal.mentee_id), cohort.mentor_row(mentor.pk)
            )
            proposal.mentor, proposal.explanation = mentor, facts
            proposal.score = cast(float, facts["score"])
            proposal.origin = Proposal.Origin.MANUAL
            proposal.save(update_fields=["mentor", "score", "explanation", "origin"])
    return first, second


# ---------------------------------------------------------------- publishing and pairs


def _lock_mentors(mentor_ids: set[int]) -> dict[int, Enrolment]:
    # Always lock in id order, so two publishers cannot deadlock each other.
    return {
        e.pk: e
        for e in Enrolment.objects.select_for_update()
        .filter(pk__in=mentor_ids)
        .only("pk", "capacity", "person_id")
        .order_by("pk")
    }


def _seats_taken(mentor_ids: set[int]) -> dict[int, int]:
    taken: dict[int, int] = dict.fromkeys(mentor_ids, 0)
    for mentor_id in Pair.objects.filter(
        mentor_id__in=mentor_ids, status=Pair.Status.ACTIVE
    ).values_list("mentor_id", flat=True):
        taken[mentor_id] += 1
    return taken


INTRODUCTION_BATCH = 500  # pairs per introduction task


def pair_create(*, mentee: Enrolment, mentor: Enrolment, origin: str) -> Pair:
    """One pair, with the mentor's seat checked under a lock (call inside a transaction)."""
    locked = _lock_mentors({mentor.pk})[mentor.pk]
    if _seats_taken({mentor.pk})[mentor.pk] >= (locked.capacity or 0):
        raise ValidationError(
            _("%(mentor)s has no free seat left.") % {"mentor": mentor.person.full_name}
        )
    try:
        with transaction.atomic():
            return Pair.objects.create(
                program_id=mentee.program_id, mentee=mentee, mentor=mentor, origin=origin
            )
    except IntegrityError:
        raise ValidationError(
            _("%(mentee)s already has a mentor in this program.")
            % {"mentee": mentee.person.full_name}
        ) from None


def match_run_publish(*, run: MatchRun) -> list[int]:
    """Turn every proposal into a pair, all or none; publishing twice creates nothing.
    Returns the new pairs' ids."""
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run.pk)
        if run.status == MatchRun.Status.PUBLISHED:
            raise ValidationError(_("These proposals were already published."))
        _editable(run)
        proposals = list(run.proposals.values_list("mentee_id", "mentor_id"))
        mentors = _lock_mentors({mentor_id for _mentee_id, mentor_id in proposals})
        taken = _seats_taken(set(mentors))
        for _mentee_id, mentor_id in proposals:
            taken[mentor_id] += 1
            if taken[mentor_id] > (mentors[mentor_id].capacity or 0):
                name = User.objects.get(enrolments__pk=mentor_id).full_name
                raise ValidationError(
                    _("%(mentor)s would have more mentees than seats. Edit the proposals.")
                    % {"mentor": name}
                )
        try:
            with transaction.atomic():
                pair_ids = _pairs_from_proposals(run)
        except IntegrityError:
            raise ValidationError(
                _("Someone in these proposals was paired meanwhile. Run matching again.")
            ) from None
        run.status, run.published_at = MatchRun.Status.PUBLISHED, timezone.now()
        run.save(update_fields=["status", "published_at"])
        # Introductions go out in the background, a batch of pairs per message: one
        # message per pair kept a large publish waiting on the broker.
        for start in range(0, len(pair_ids), INTRODUCTION_BATCH):
            tasks.send_pair_introductions.delay_on_commit(
                pair_ids[start : start + INTRODUCTION_BATCH]
            )
    return pair_ids


def _pairs_from_proposals(run: MatchRun) -> list[int]:
    """One INSERT ... SELECT from the run's proposals: building 10,000 Pair objects in
    Python took most of a large publish. The database still enforces one active pair per
    mentee (an IntegrityError)."""
    pair, proposal = Pair._meta, Proposal._meta
    started = pair.get_field("started_at").get_db_prep_value(timezone.now(), connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {pair.db_table} "  # noqa: S608 - table names from the models
            "(program_id, mentee_id, mentor_id, status, origin, started_at) "
            f"SELECT %s, mentee_id, mentor_id, %s, %s, %s FROM {proposal.db_table} "
            "WHERE run_id = %s ORDER BY mentee_id RETURNING id",
            [run.program_id, Pair.Status.ACTIVE, Pair.Origin.COHORT, started, run.pk],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _pairs_ended(pairs: list[Pair]) -> None:
    """The apps above react to each pair's end in this transaction (their receivers are
    listed in ``mentoring/wiring.py``): its future meetings are cancelled, and so on."""
    for pair in pairs:
        events.pair_ended.send(events.PairEnded(pair=pair))


def pairs_end_for_withdrawal(event: EnrolmentWithdrawn) -> None:
    """Someone withdrew (a receiver of ``enrolment_withdrawn``): their pairs end and their
    open requests are withdrawn."""
    enrolment = event.enrolment
    now = timezone.now()
    active = Pair.objects.filter(
        Q(mentee=enrolment) | Q(mentor=enrolment), status=Pair.Status.ACTIVE
    )
    ending = list(active.select_for_update())
    active.update(status=Pair.Status.ENDED, ended_at=now)
    _pairs_ended(ending)
    MentorshipRequest.objects.filter(
        Q(mentee=enrolment) | Q(mentor=enrolment), status=MentorshipRequest.Status.OPEN
    ).update(status=MentorshipRequest.Status.WITHDRAWN, responded_at=now)


def pair_end(*, pair: Pair) -> Pair:
    """Either person may end a pair at any time, without a reason to anyone."""
    with transaction.atomic():
        ended = Pair.objects.filter(pk=pair.pk, status=Pair.Status.ACTIVE).update(
            status=Pair.Status.ENDED, ended_at=timezone.now()
        )
        pair.refresh_from_db()
        if ended:
            _pairs_ended([pair])
    return pair


# ---------------------------------------------------------------- mentee choice


def request_create(*, mentee: Enrolment, mentor: Enrolment, message: str) -> MentorshipRequest:
    program = mentee.program
    if program.matching_mode != Program.MatchingMode.CHOICE or mentor.program_id != program.pk:
        raise ValidationError(_("You cannot ask this mentor in this program."))
    if program.status not in CHOOSING_STATUSES:
        raise ValidationError(_("Choosing a mentor is not open in this program right now."))
    if Pair.objects.filter(mentee=mentee, status=Pair.Status.ACTIVE).exists():
        raise ValidationError(_("You already have a mentor in this program."))
    cohort = load_cohort(program, mentee_ids={mentee.pk}, mentor_ids={mentor.pk})
    try:
        allowed = engine.pair_allowed(
            cohort.problem, cohort.mentee_row(mentee.pk), cohort.mentor_row(mentor.pk)
        )
    except StopIteration:
        allowed = False
    if not allowed:
        raise ValidationError(_("This mentor is not available to you."))
    try:
        with transaction.atomic():
            return MentorshipRequest.objects.create(
                program=program,
                mentee=mentee,
                mentor=mentor,
                message=message.strip(),
                expires_at=timezone.now() + dt.timedelta(days=program.request_expiry_days),
            )
    except IntegrityError:
        raise ValidationError(_("You have already asked this mentor.")) from None


def _answer(request: MentorshipRequest, status: str, reason: str = "") -> MentorshipRequest:
    updated = MentorshipRequest.objects.filter(
        pk=request.pk, status=MentorshipRequest.Status.OPEN
    ).update(status=status, reason=reason.strip(), responded_at=timezone.now())
    if not updated:
        raise ValidationError(_("This request has already been answered or has expired."))
    request.refresh_from_db()
    return request


def request_accept(*, request: MentorshipRequest) -> Pair:
    """The mentor says yes: a pair, and the mentee's other open requests are withdrawn."""
    with transaction.atomic():
        request = _answer(request, MentorshipRequest.Status.ACCEPTED)
        pair = pair_create(mentee=request.mentee, mentor=request.mentor, origin=Pair.Origin.CHOICE)
        MentorshipRequest.objects.filter(
            mentee=request.mentee, status=MentorshipRequest.Status.OPEN
        ).update(status=MentorshipRequest.Status.WITHDRAWN, responded_at=timezone.now())
        tasks.send_pair_introduction.delay_on_commit(pair.pk)
    return pair


def request_decline(*, request: MentorshipRequest, reason: str) -> MentorshipRequest:
    return _answer(request, MentorshipRequest.Status.DECLINED, reason)


def request_withdraw(*, request: MentorshipRequest) -> MentorshipRequest:
    return _answer(request, MentorshipRequest.Status.WITHDRAWN)


def requests_expire(*, now: dt.datetime | None = None) -> int:
    """Unanswered requests past their program's limit expire (run by beat)."""
    now = now or timezone.now()
    return MentorshipRequest.objects.filter(
        Q(expires_at__lte=now), status=MentorshipRequest.Status.OPEN
    ).update(status=MentorshipRequest.Status.EXPIRED, responded_at=now)


def request_reminder_after(program: Program) -> dt.timedelta:
    """An open request reminds its mentor once, half-way to its expiry (at least a day)."""
    return max(dt.timedelta(days=1), dt.timedelta(days=program.request_expiry_days) / 2)


def requests_remind_mentors(*, now: dt.datetime | None = None) -> int:
    """E-mail each mentor once about a request left unanswered (run by beat); returns how many.

    Each request is claimed by a conditional update before its e-mail goes, so two runs at
    once never both send; a failed e-mail gives its claim back for the next run.
    """
    now = now or timezone.now()
    candidates = (
        MentorshipRequest.objects.filter(
            status=MentorshipRequest.Status.OPEN,
            reminded_at__isnull=True,
            expires_at__gt=now,
            created_at__lte=now - dt.timedelta(days=1),
        )
        .exclude(program__status=Program.Status.CLOSED)
        .select_related("program", "mentee__person", "mentor__person")
        .order_by("created_at")
    )
    sent = 0
    for request in candidates:
        if request.created_at + request_reminder_after(request.program) > now:
            continue
        claimed = MentorshipRequest.objects.filter(
            pk=request.pk, status=MentorshipRequest.Status.OPEN, reminded_at__isnull=True
        ).update(reminded_at=now)
        if not claimed:
            continue  # answered meanwhile, or another run has it
        try:
            sent += notifications.request_reminder_send(request=request)
        except (smtplib.SMTPException, OSError):
            MentorshipRequest.objects.filter(pk=request.pk, reminded_at=now).update(
                reminded_at=None
            )
    return sent
