"""Who is in a pair: said once, here.

A pair is a mentee and a mentor today. Every access check and every loop over a pair's
people goes through these functions, so a pair of more people (group mentoring) is a
change behind this module, not an edit in every app. Pass ``prefix`` to ``member_q``
for a query on a model that points at pairs (``"pair__"``, ``"meeting__pair__"``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from matching.models import Pair
from people.models import User
from programs.models import Enrolment

MEMBER_ROLES = ("mentee", "mentor")  # the enrolments of a pair that hold its people
MEMBER_COLUMNS = tuple(f"{role}_id" for role in MEMBER_ROLES)  # a pair's enrolment columns


def member_columns(alias: str) -> str:
    """The pair's enrolment columns for raw SQL (``p.mentee_id, p.mentor_id``): reads that
    are kept as plain SQL for speed find a pair's people through these."""
    return ", ".join(f"{alias}.{column}" for column in MEMBER_COLUMNS)


def member_q(person: User | int, prefix: str = "") -> Q:
    """A filter for rows whose pair has this person as a member."""
    person_id = person if isinstance(person, int) else person.pk
    q = Q()
    for role in MEMBER_ROLES:
        q |= Q(**{f"{prefix}{role}__person_id": person_id})
    return q


def member_related(prefix: str = "") -> list[str]:
    """``select_related`` paths that load every member of the pair with the rows."""
    return [f"{prefix}{role}__person" for role in MEMBER_ROLES]


def members(pair: Pair) -> list[User]:
    """The people of the pair, mentee first."""
    return [getattr(pair, role).person for role in MEMBER_ROLES]


def member_ids(pair: Pair) -> list[int]:
    return [getattr(pair, role).person_id for role in MEMBER_ROLES]


def is_member(pair: Pair, person: User | int) -> bool:
    person_id = person if isinstance(person, int) else person.pk
    return person_id in member_ids(pair)


def is_mentee(pair: Pair, person: User | int) -> bool:
    person_id = person if isinstance(person, int) else person.pk
    return pair.mentee.person_id == person_id


def enrolment_of(pair: Pair, person: User | int) -> Enrolment:
    """The person's own enrolment in the pair (their stated availability, its zone);
    callers have checked membership."""
    person_id = person if isinstance(person, int) else person.pk
    return next(
        getattr(pair, role) for role in MEMBER_ROLES if getattr(pair, role).person_id == person_id
    )


def counterparts(pair: Pair, person: User | int) -> list[User]:
    """Everybody else in the pair, in the order of ``members``."""
    person_id = person if isinstance(person, int) else person.pk
    return [member for member in members(pair) if member.pk != person_id]


def counterpart(pair: Pair, person: User | int) -> User:
    """The other person of a two-person pair (the pages and e-mails that name one person);
    callers have checked membership. With more people in a pair, they move to
    ``counterparts``."""
    return counterparts(pair, person)[0]


def load_members(pairs: Iterable[Pair]) -> list[User]:
    """Every member of these pairs, loaded in one query (enrolments with their people) and
    attached to the pairs, as ``select_related`` would; returns the people."""
    pairs = list(pairs)
    ids = {getattr(pair, column) for pair in pairs for column in MEMBER_COLUMNS}
    enrolments = Enrolment.objects.select_related("person").in_bulk(ids)
    for pair in pairs:
        for role, column in zip(MEMBER_ROLES, MEMBER_COLUMNS, strict=True):
            setattr(pair, role, enrolments[getattr(pair, column)])
    return [enrolment.person for enrolment in enrolments.values()]


def pairs_of(person: User | int) -> QuerySet[Pair]:
    """Every pair the person is a member of, whatever its status."""
    return Pair.objects.filter(member_q(person))


def paired_enrolment_ids(enrolment_ids: Iterable[int]) -> frozenset[int]:
    """Which of these enrolments are in an active pair. The programs app asks this for
    its pages (``MENTORING_PAIRED_ENROLMENTS``): it lies below matching and may not
    import it."""
    ids = list(enrolment_ids)
    if not ids:
        return frozenset()
    either = Q()
    for column in MEMBER_COLUMNS:
        either |= Q(**{f"{column}__in": ids})
    rows = Pair.objects.filter(either, status=Pair.Status.ACTIVE).values_list(*MEMBER_COLUMNS)
    return frozenset(ids).intersection(enrolment for row in rows for enrolment in row)


# Values for HR's read side (hr_view), which may not import matching.models: who is
# paired with whom, by name, in a fixed number of queries.


@dataclass(frozen=True)
class PairedWith:
    """Someone else in one of a person's pairs, by name, and whether that pair is active."""

    name: str
    active: bool


def paired_with_by_enrolment(person: User) -> dict[int, tuple[PairedWith, ...]]:
    """For each of the person's enrolments that was ever in a pair, the others in its
    pairs, active pairs first, then the newest; in two queries whatever their number."""
    pairs = list(pairs_of(person).order_by("status", "-started_at", "-pk"))  # active first
    load_members(pairs)
    found: dict[int, list[PairedWith]] = {}
    for pair in pairs:
        mine = [
            getattr(pair, column)
            for role, column in zip(MEMBER_ROLES, MEMBER_COLUMNS, strict=True)
            if getattr(pair, role).person_id == person.pk
        ]
        for enrolment_id in mine:
            found.setdefault(enrolment_id, []).extend(
                PairedWith(other.full_name or other.email, pair.status == Pair.Status.ACTIVE)
                for other in counterparts(pair, person)
            )
    return {pk: tuple(others) for pk, others in found.items()}


def active_partners_by_enrolment(enrolment_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """For each of these enrolments in an active pair, the names of the others in it; in
    two queries whatever the enrolments."""
    ids = sorted(set(enrolment_ids))
    if not ids:
        return {}
    on_page = Q()
    for column in MEMBER_COLUMNS:
        on_page |= Q(**{f"{column}__in": ids})
    wanted = set(ids)
    pairs = list(Pair.objects.filter(on_page, status=Pair.Status.ACTIVE).order_by("started_at"))
    load_members(pairs)
    partners: dict[int, list[str]] = {}
    for pair in pairs:
        for role in MEMBER_ROLES:
            enrolment = getattr(pair, role)
            if enrolment.pk in wanted:
                partners.setdefault(enrolment.pk, []).extend(
                    other.full_name or other.email
                    for other in counterparts(pair, enrolment.person_id)
                )
    return {pk: tuple(names) for pk, names in partners.items()}


def active_pair_count(person: User) -> int:
    """How many active pairs the person is a member of."""
    return pairs_of(person).filter(status=Pair.Status.ACTIVE).count()
