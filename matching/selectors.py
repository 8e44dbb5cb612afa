"""Reads about requests, pairs and shortlists, scoped to the person who asks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

import numpy as np
from django.core.cache import cache
from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Value, When

from matching import engine, tasks
from matching.explanations import explanation_facts_bulk, explanation_sentences
from matching.features import Cohort, goal_weights, load_cohort
from matching.models import MentorshipRequest, Pair
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
# there ranks again.

SHORTLIST_DEPTH = 20
RANKING_SECONDS = 6 * 3600
Ranked = list[tuple[int, dict[str, object]]]  # (mentor enrolment id, explanation facts)


def _ranking_key(program: Program) -> str:
    enrolled = Enrolment.objects.filter(program=program).aggregate(
        count=Count("pk"), changed=Max("updated_at")
    )
    changed = enrolled["changed"].timestamp() if enrolled["changed"] else 0
    return (
        f"matching:shortlist:{program.pk}:{program.updated_at.timestamp()}:"
        f"{enrolled['count']}:{changed}"
    )


def _ranked_pairs(cohort: Cohort, depth: int) -> tuple[np.ndarray, np.ndarray]:
    """(mentee row, mentor row) of every mentee's best ``depth`` mentors by score alone,
    by mentee and best first: seats are checked when a shortlist is shown, so a mentor
    full today is ranked all the same."""
    problem = replace(cohort.problem, capacity=np.ones(len(cohort.mentors), dtype=np.int64))
    candidates, _allowed = engine.candidate_pairs(problem, per_mentee=depth)
    mentee, mentor, score = candidates.arrays(len(cohort.mentors))
    order = np.lexsort((mentor, -score, mentee))  # per mentee: best first, ties by row
    return mentee[order], mentor[order]


def _explained(cohort: Cohort, mentee: np.ndarray, mentor: np.ndarray) -> dict[int, Ranked]:
    """Those pairs as each mentee's ranking, with the explanation of every pair."""
    facts = explanation_facts_bulk(cohort, mentee.tolist(), mentor.tolist())
    ranked: dict[int, Ranked] = {}
    for row, column, explanation in zip(mentee.tolist(), mentor.tolist(), facts, strict=True):
        ranked.setdefault(cohort.mentees[row].pk, []).append(
            (cohort.mentors[column].pk, explanation)
        )
    return ranked


RANKING_CHUNK = 1_000  # mentees explained and stored at a time, so memory stays bounded


def shortlists_rank(*, program: Program) -> int:
    """Rank every mentee's candidates once and keep them; returns how many mentees."""
    key = _ranking_key(program)
    cohort = load_cohort(program)
    mentee, mentor = _ranked_pairs(cohort, SHORTLIST_DEPTH)
    for start in range(0, len(cohort.mentees), RANKING_CHUNK):
        rows = np.arange(start, min(start + RANKING_CHUNK, len(cohort.mentees)))
        chunk = np.isin(mentee, rows)
        ranked = _explained(cohort, mentee[chunk], mentor[chunk])
        kept = {
            f"{key}:{cohort.mentees[row].pk}": ranked.get(cohort.mentees[row].pk, [])
            for row in rows.tolist()
        }
        cache.set_many(kept, RANKING_SECONDS)
    cache.set(f"{key}:ranked", goal_weights(cohort.problem), RANKING_SECONDS)
    return len(cohort.mentees)


def _ranking_of(mentee: Enrolment, depth: int = SHORTLIST_DEPTH) -> Ranked:
    """The mentee's kept ranking. If nobody has been ranked yet, the first view asks the
    worker to rank everyone (a minute's work at 10,000 x 4,000: too long for a request)
    and, like every view until then, ranks just its own mentee."""
    key = _ranking_key(mentee.program)
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
    mine = _explained(cohort, *_ranked_pairs(cohort, depth)).get(mentee.pk, [])
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
    """The person's pairs as mentee or mentor, active ones first."""
    return (
        Pair.objects.filter(Q(mentee__person=person) | Q(mentor__person=person))
        .select_related("program", "mentee__person", "mentor__person")
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
