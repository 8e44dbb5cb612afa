"""Reads about requests, pairs and shortlists, scoped to the person who asks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from matching import membership, tasks
from matching.explanations import explanation_sentences
from matching.features import load_cohort
from matching.models import MatchRun, MentorshipRequest, Pair, Proposal
from matching.shortlists import (
    RANKING_SECONDS,
    SHORTLIST_DEPTH,
    Ranked,
    explained,
    ranked_pairs,
    ranking_key,
)
from people.models import User
from programs.models import Enrolment, Program

# Mentees may ask for a mentor while the program is open, matching or running.
CHOOSING_STATUSES = (Program.Status.OPEN, Program.Status.MATCHING, Program.Status.ACTIVE)


@dataclass(frozen=True)
class MentorOption:
    """One mentor on a mentee's shortlist: their matching profile and why they fit."""

    mentor: Enrolment  # with person, department and skills loaded
    reasons: list[str]


def choosing_is_open(program: Program) -> bool:
    return (
        program.matching_mode == Program.MatchingMode.CHOICE and program.status in CHOOSING_STATUSES
    )


def active_pair_of(*, mentee: Enrolment) -> Pair | None:
    return (
        Pair.objects.filter(mentee=mentee, status=Pair.Status.ACTIVE)
        .select_related("mentor__person")
        .first()
    )


def open_requests_of(*, mentee: Enrolment) -> QuerySet[MentorshipRequest]:
    return MentorshipRequest.objects.filter(
        mentee=mentee, status=MentorshipRequest.Status.OPEN
    ).select_related("mentor__person")


# ---------------------------------------------------------------- shortlists
#
# Ranking a mentee's candidates scores them against every mentor of the program (2.5 s
# for one mentee at 10,000 x 4,000 when it loaded the whole cohort each time). So every
# mentee's best SHORTLIST_DEPTH candidates are ranked once, for the whole cohort at once,
# and kept in the cache with their explanations. What changes all the time (free seats,
# requests waiting, whom the mentee asked, who declined, pairs that ended) is read fresh
# at each view, for those few candidates only. What the ranking depends on (the program's
# rules and weights, who is enrolled and their answers) is in the cache key, so a change
# there ranks again. The ranking itself is in matching/shortlists.py (the worker runs it).


def _ranking_of(mentee: Enrolment, depth: int = SHORTLIST_DEPTH) -> Ranked:
    """The mentee's kept ranking. If nobody has been ranked yet, the first view asks the
    worker to rank everyone (a minute's work at 10,000 x 4,000: too long for a request)
    and, like every view until then, ranks just its own mentee."""
    key = ranking_key(mentee.program)
    if depth == SHORTLIST_DEPTH:
        kept: Ranked | None = cache.get(f"{key}:{mentee.pk}")
        if kept is not None:
            return kept
    idf = cache.get(f"{key}:ranked")
    if idf is None and cache.add(f"{key}:ranking", 1, 600):
        tasks.rank_shortlists.delay_on_commit(mentee.program_id)
    # Someone new, or a mentee who asked most of their best mentors: just this mentee.
    cohort = load_cohort(mentee.program, mentee_ids={mentee.pk}, goal_idf=idf)
    if not cohort.mentees:
        return []
    mine = explained(cohort, *ranked_pairs(cohort, depth)).get(mentee.pk, [])
    if depth == SHORTLIST_DEPTH:
        cache.set(f"{key}:{mentee.pk}", mine, RANKING_SECONDS)
    return mine


def _seats_and_waiting(
    mentor_ids: list[int], mentee: Enrolment
) -> tuple[dict[int, int], Counter[int]]:
    """Free seats of each enrolled mentor, and requests from other mentees waiting for them."""
    free = {
        e.pk: max((e.capacity or 0) - e.taken, 0)
        for e in Enrolment.objects.filter(pk__in=mentor_ids, status=Enrolment.Status.ACCEPTED)
        .annotate(taken=Count("mentor_pairs", filter=Q(mentor_pairs__status=Pair.Status.ACTIVE)))
        .only("pk", "capacity")
    }
    waiting = Counter(
        MentorshipRequest.objects.filter(
            mentor_id__in=mentor_ids, status=MentorshipRequest.Status.OPEN
        )
        .exclude(mentee=mentee)
        .values_list("mentor_id", flat=True)
    )
    return free, waiting


def _left_out(mentee: Enrolment) -> set[int]:
    """Mentors the mentee asked (still waiting), who declined, or who were their mentor."""
    asked = MentorshipRequest.objects.filter(
        mentee=mentee,
        status__in=[MentorshipRequest.Status.OPEN, MentorshipRequest.Status.DECLINED],
    )
    before = Pair.objects.filter(mentee=mentee)
    return set(
        asked.order_by()
        .values_list("mentor_id", flat=True)
        .union(before.order_by().values_list("mentor_id", flat=True))
    )


def _choose(ranking: Ranked, mentee: Enrolment, size: int) -> tuple[Ranked, bool]:
    """The shortlist from a ranking, and whether the ranking ran out before it was full."""
    skip = _left_out(mentee)
    open_ranking = [(mentor, facts) for mentor, facts in ranking if mentor not in skip]
    free, waiting = _seats_and_waiting([mentor for mentor, _ in open_ranking], mentee)
    with_room = [(m, f) for m, f in open_ranking if free.get(m, 0) > 0]
    # Mentors whose free seats are all requested rotate behind those with room (stable).
    with_room.sort(key=lambda option: waiting[option[0]] >= free[option[0]])
    return with_room[:size], len(with_room) < size and len(ranking) >= SHORTLIST_DEPTH


def shortlist_for(*, mentee: Enrolment, size: int = 5) -> list[MentorOption]:
    """The best mentors this mentee may still ask, best first, with the reasons.

    Mentors the mentee has asked already, or who declined them, are left out;
    mentors whose free seats are all requested rotate behind those with room.
    Takes the same queries whatever the size of the program.
    """
    if Pair.objects.filter(mentee=mentee, status=Pair.Status.ACTIVE).exists():
        return []
    chosen, ran_out = _choose(_ranking_of(mentee), mentee, size)
    if ran_out:  # the mentee passed over most of their best mentors: rank them all
        chosen, _ran_out = _choose(_ranking_of(mentee, depth=10_000), mentee, size)
    profiles = Enrolment.objects.select_related("person__department").prefetch_related("skills")
    by_id = {e.pk: e for e in profiles.filter(pk__in=[mentor for mentor, _ in chosen])}
    return [
        MentorOption(mentor=by_id[mentor], reasons=explanation_sentences(facts))
        for mentor, facts in chosen
    ]


def _open_first() -> Case:
    return Case(
        When(status=MentorshipRequest.Status.OPEN, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


def requests_received(*, person: User) -> QuerySet[MentorshipRequest]:
    """Requests to the person as a mentor, open ones first, with the mentee's matching answers."""
    return (
        MentorshipRequest.objects.filter(mentor__person=person)
        .select_related("mentee__person", "program")
        .prefetch_related("mentee__skills")
        .order_by(_open_first(), "-created_at")
    )


def requests_sent(*, person: User) -> QuerySet[MentorshipRequest]:
    return (
        MentorshipRequest.objects.filter(mentee__person=person)
        .select_related("mentor__person", "program")
        .order_by(_open_first(), "-created_at")
    )


def pairs_of(*, person: User) -> QuerySet[Pair]:
    """The person's pairs, active ones first."""
    return (
        membership.pairs_of(person)
        .select_related("program", *membership.member_related())
        .order_by("status", "-started_at")
    )


def choosing_enrolments(*, person: User) -> QuerySet[Enrolment]:
    """The person's mentee enrolments where they may still choose a mentor."""
    return (
        Enrolment.objects.filter(
            person=person,
            role=Enrolment.Role.MENTEE,
            status=Enrolment.Status.ACCEPTED,
            program__matching_mode=Program.MatchingMode.CHOICE,
            program__status__in=CHOOSING_STATUSES,
        )
        .exclude(mentee_pairs__status=Pair.Status.ACTIVE)
        .select_related("program")
    )


# ---------------------------------------------------------------- HR: who waits, what a step does


def mentees_waiting(*, program: Program) -> QuerySet[Enrolment]:
    """Accepted mentees of the program without an active pair: those a matching run is
    for (everyone before the program starts; later, who joined late or whose pair ended)."""
    paired = Pair.objects.filter(mentee=OuterRef("pk"), status=Pair.Status.ACTIVE)
    return Enrolment.objects.filter(
        program=program, role=Enrolment.Role.MENTEE, status=Enrolment.Status.ACCEPTED
    ).exclude(Exists(paired))


@dataclass(frozen=True)
class PublishFigures:
    """What publishing a run's proposals does, in numbers."""

    pairs: int
    people: int  # different people who get at least one introduction
    emails: int  # one introduction per active person per pair
    mentees_left: int  # mentees still waiting after publishing


def publish_figures(*, run: MatchRun) -> PublishFigures:
    proposals = Proposal.objects.filter(run=run).order_by()
    pairs = proposals.count()
    # Each active person of a pair gets its introduction: one e-mail per pair and person.
    to_mentees = list(
        proposals.filter(mentee__person__is_active=True).values_list("mentee__person_id", flat=True)
    )
    to_mentors = list(
        proposals.filter(mentor__person__is_active=True).values_list("mentor__person_id", flat=True)
    )
    waiting = mentees_waiting(program=run.program).count()
    return PublishFigures(
        pairs=pairs,
        people=len(set(to_mentees) | set(to_mentors)),
        emails=len(to_mentees) + len(to_mentors),
        mentees_left=max(waiting - pairs, 0),
    )


@dataclass(frozen=True)
class StartFigures:
    """What starting a program in matching means, in numbers."""

    active_pairs: int
    mentees_waiting: int
    proposals_unpublished: int  # in the latest finished, unpublished run


def start_figures(*, program: Program) -> StartFigures:
    unpublished = Proposal.objects.filter(
        run__program=program, run__status=MatchRun.Status.DONE
    ).count()
    return StartFigures(
        active_pairs=Pair.objects.filter(program=program, status=Pair.Status.ACTIVE).count(),
        mentees_waiting=mentees_waiting(program=program).count(),
        proposals_unpublished=unpublished,
    )
