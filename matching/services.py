"""Every write about matching: runs and proposals, publishing, requests, pairs.

Capacity holds under concurrency because every write that fills a seat locks
the mentor's enrolment row first, and the database allows one active pair per
mentee per program.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import audit_record
from matching import engine, events, notices, tasks
from matching.features import Cohort, explanation_facts, load_cohort
from matching.models import MatchRun, MentorshipRequest, Pair, Proposal
from matching.selectors import CHOOSING_STATUSES, mentees_waiting
from notifications.kinds import Kind, iso
from notifications.services import notify, notify_each
from people.models import User
from programs.events import EnrolmentWithdrawn
from programs.models import Enrolment, Program

# ---------------------------------------------------------------- runs


def match_run_start(*, program: Program, started_by: User) -> MatchRun:
    if program.matching_mode != Program.MatchingMode.COHORT:
        raise ValidationError(_("In this program mentees choose their mentors themselves."))
    if program.status not in (Program.Status.MATCHING, Program.Status.ACTIVE):
        raise ValidationError(_("Start matching on the program page first."))
    # Once pairs exist (always, in a running program) a run is for the mentees without a
    # pair only: with none of them, there is nothing to run.
    paired = Pair.objects.filter(program=program, status=Pair.Status.ACTIVE).exists()
    if (paired or program.status == Program.Status.ACTIVE) and not mentees_waiting(
        program=program
    ).exists():
        raise ValidationError(_("Every mentee has a mentor: there is nobody to match."))
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


def match_run_publish(*, run: MatchRun, request: HttpRequest | None = None) -> list[int]:
    """Turn every proposal into a pair, all or none; publishing twice creates nothing.
    Returns the new pairs' ids. The audit log records it (who, from ``request``)."""
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
        audit_record(
            action=Action.MATCHING_PUBLISHED,
            target_type="program",
            target_id=run.program_id,
            details={"run": run.pk, "pairs": len(pair_ids)},
            request=request,
        )
        # Introductions go out in the background, a batch of pairs per message: one
        # message per pair kept a large publish waiting on the broker.
        for start in range(0, len(pair_ids), INTRODUCTION_BATCH):
            tasks.send_pair_introductions.delay_on_commit(
                pair_ids[start : start + INTRODUCTION_BATCH]
            )
            _notify_pairs(pair_ids[start : start + INTRODUCTION_BATCH], notices.PAIR_INTRODUCED)
    return pair_ids


def _notify_pairs(pair_ids: list[int], kind: Kind) -> None:
    """Tell both people of each pair, each about the other (in-app, beside the e-mail)."""
    rows = Pair.objects.filter(pk__in=pair_ids).values_list(
        "pk", "program_id", "mentee__person_id", "mentor__person_id"
    )
    notify_each(
        kind=kind,
        rows=[
            (person, {"pair": pk, "program": program, "person": other, "mentee": is_mentee})
            for pk, program, mentee, mentor in rows
            for person, other, is_mentee in ((mentee, mentor, True), (mentor, mentee, False))
        ],
    )


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
    _notify_pairs([pair.pk for pair in pairs], notices.PAIR_ENDED)
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
            request = MentorshipRequest.objects.create(
                program=program,
                mentee=mentee,
                mentor=mentor,
                message=message.strip(),
                expires_at=timezone.now() + dt.timedelta(days=program.request_expiry_days),
            )
            notify(  # the mentee's message stays on the requests page
                kind=notices.REQUEST_RECEIVED,
                recipient_ids=[mentor.person_id],
                params={
                    "program": program.pk,
                    "person": mentee.person_id,
                    "deadline": iso(request.expires_at),
                },
            )
            return request
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
        _notify_pairs([pair.pk], notices.PAIR_INTRODUCED)
    return pair


def request_decline(*, request: MentorshipRequest, reason: str) -> MentorshipRequest:
    """The mentor says no; the mentee is told in-app, without the reason (it stays on the
    requests page, where the mentee reads it)."""
    with transaction.atomic():
        request = _answer(request, MentorshipRequest.Status.DECLINED, reason)
        notify(
            kind=notices.REQUEST_DECLINED,
            recipient_ids=[request.mentee.person_id],
            params={"program": request.program_id, "person": request.mentor.person_id},
        )
    return request


def request_withdraw(*, request: MentorshipRequest) -> MentorshipRequest:
    return _answer(request, MentorshipRequest.Status.WITHDRAWN)
