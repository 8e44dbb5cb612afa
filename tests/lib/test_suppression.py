"""Small-cell suppression, exhaustively: every breakdown of up to four groups. Nothing small
is shown, and no hidden group's count can be worked out from what is shown, not even as the
total minus the others: for every hidden group another breakdown
gives exactly the same output with a different count for it."""

from __future__ import annotations

import itertools
from collections import defaultdict

import pytest

from lib.suppression import MIN_THRESHOLD, Breakdown, suppress_small_cells

NAMES = ("Finance", "Legal", "Sales", "Support")
# Groups of 0 to TOP - 1 people. The check looks at breakdowns whose groups are at most
# CHECKED, so an alternative may move a few people beyond them without leaving the space.
TOP = {1: 19, 2: 19, 3: 19, 4: 15}
CHECKED = {1: 13, 2: 13, 3: 13, 4: 9}


def _all_outputs(groups: int, k: int) -> dict[tuple[int, ...], Breakdown]:
    return {
        counts: suppress_small_cells(dict(zip(NAMES[:groups], counts, strict=True)), threshold=k)
        for counts in itertools.product(range(TOP[groups]), repeat=groups)
    }


@pytest.mark.parametrize("groups", [1, 2, 3, 4])
def test_every_shown_cell_holds_at_least_the_threshold_and_adds_up(groups: int) -> None:
    for counts, out in _all_outputs(groups, 5).items():
        if out.suppressed:
            assert sum(counts) < 5
            assert out.shown == ()
            assert out.other == 0
            continue
        assert out.total == sum(counts)
        assert all(n >= 5 for _, n in out.shown), counts
        assert out.other == 0 or out.other >= 5, counts
        assert sum(n for _, n in out.shown) + out.other == out.total
        for name, n in out.shown:
            assert counts[NAMES.index(name)] == n


@pytest.mark.parametrize("groups", [1, 2, 3, 4])
def test_no_hidden_group_can_be_recovered_from_the_output(groups: int) -> None:
    """The subtraction attack, and any other: an attacker who knows the rule and sees the
    output considers every breakdown that gives the same output. A hidden group with people
    in it must have more than one possible count."""
    outputs = _all_outputs(groups, 5)
    same_output: dict[Breakdown, list[tuple[int, ...]]] = defaultdict(list)
    for counts, out in outputs.items():
        same_output[out].append(counts)
    checked = 0
    for counts, out in outputs.items():
        if max(counts) > CHECKED[groups]:
            continue
        shown = {name for name, _ in out.shown}
        for i, name in enumerate(NAMES[:groups]):
            if name in shown or counts[i] == 0:
                continue
            possible = {other[i] for other in same_output[out]}
            assert len(possible) > 1, (counts, out, name)
            checked += 1
    assert checked > (0 if groups == 1 else 100)


def test_the_attack_works_on_naive_suppression() -> None:
    """The teeth: hiding only the small group leaves it as the total minus the others."""
    counts = {"Finance": 2, "Legal": 9, "Sales": 30}
    naive_shown = {name: n for name, n in counts.items() if n >= 5}
    total = sum(counts.values())
    assert total - sum(naive_shown.values()) == 2  # recovered
    out = suppress_small_cells(counts, threshold=5)
    assert dict(out.shown) == {"Sales": 30}  # Legal is merged with Finance
    assert out.other == 11


def test_a_complement_chosen_by_size_would_give_a_hidden_group_away() -> None:
    """Why the complementary group is chosen by name: taking the smallest shown group, an
    "other" of 6 beside a shown 5 can only be that 5 and a single person."""
    counts = {"Finance": 1, "Legal": 5, "Sales": 5}
    out = suppress_small_cells(counts, threshold=5)
    assert out.shown == ()
    assert out.other == 11


def test_large_departments_stay_visible_beside_a_small_one() -> None:
    counts = {"Finance": 3, "Legal": 40, "Sales": 60, "Support": 25}
    out = suppress_small_cells(counts, threshold=5)
    assert out.shown == (("Sales", 60), ("Support", 25))
    assert out.other == 43


def test_the_threshold_is_never_below_five() -> None:
    out = suppress_small_cells({"Finance": 3, "Legal": 4, "Sales": 30, "Tax": 9}, threshold=1)
    assert out.threshold == MIN_THRESHOLD
    assert out.shown == (("Tax", 9),)
    assert out.other == 37
    assert suppress_small_cells({"Finance": 6, "Legal": 7}, threshold=6).shown == (
        ("Legal", 7),
        ("Finance", 6),
    )
    assert suppress_small_cells({"Finance": 5, "Legal": 7}, threshold=6).other == 12


def test_a_small_program_shows_nothing_but_that() -> None:
    out = suppress_small_cells({"Finance": 2, "Legal": 2}, threshold=5)
    assert out.suppressed
    assert out.total is None
