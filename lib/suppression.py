"""Small-cell suppression for breakdowns of people (by department, for example).

A breakdown shows a count per group and the total. A group with fewer than the threshold
``k`` of people is never shown on its own: it goes into one "other" cell. Knowing the total,
the shown groups and the rule must not tell anyone how many people a hidden group has, so:

- the other cell also takes one group that could have been shown (otherwise its groups would
  all be known to be small, and an "8" made of two groups under 5 is two fours);
- that complementary group is chosen by name, never by size (taking the smallest would bound
  it by the smallest shown group, and ties would give it away);
- further groups join, in name order, until the other cell holds at least ``2 k`` people in at
  least two groups (with fewer, "other minus k" bounds a small group too tightly).

If that is impossible, only the total is shown; if the total is below ``k``, not even that.
``tests/lib/test_suppression.py`` checks every breakdown of up to four groups: for each hidden
group another breakdown gives the same output with a different count for it.

The threshold is never below ``MIN_THRESHOLD``, whatever a caller asks for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MIN_THRESHOLD = 5


@dataclass(frozen=True)
class Breakdown:
    """What may be shown: groups with their counts (largest first), the merged rest (0 when
    nothing is merged) and the total. ``total`` is None (and nothing else shown) when the
    total itself is below the threshold."""

    shown: tuple[tuple[str, int], ...]
    other: int
    total: int | None
    threshold: int

    @property
    def suppressed(self) -> bool:
        return self.total is None


def suppress_small_cells(counts: Mapping[str, int], *, threshold: int) -> Breakdown:
    """The shown part of ``counts`` (group -> people; groups of 0 are left out)."""
    k = max(threshold, MIN_THRESHOLD)
    groups = sorted((name, n) for name, n in counts.items() if n > 0)  # name order, not size
    total = sum(n for _, n in groups)
    if total < k:
        return Breakdown(shown=(), other=0, total=None, threshold=k)
    hidden = [group for group in groups if group[1] < k]
    shown = [group for group in groups if group[1] >= k]
    if hidden and shown:
        hidden.append(shown.pop(0))
    while hidden and shown and (sum(n for _, n in hidden) < 2 * k or len(hidden) < 2):
        hidden.append(shown.pop(0))
    other = sum(n for _, n in hidden)
    if hidden and not shown:  # everything merged: the total is all there is to show
        return Breakdown(shown=(), other=total, total=total, threshold=k)
    ordered = sorted(shown, key=lambda group: (-group[1], group[0]))
    return Breakdown(shown=tuple(ordered), other=other, total=total, threshold=k)
