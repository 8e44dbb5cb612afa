"""The differencing adversary of ``test_differencing.py``: what it reads and how it attacks.

Two attacks on the snapshots an HR admin takes after every event:

- **Answers.** The adversary knows who answered when (the worst case). (1) It lists the
  moments at which anything in any view read differently (any figures of any views may
  be combined, so the answers between two such moments are one group to it), and for
  every single figure the answers between two of its changes: fewer than the threshold
  isolates a small group (a single person when it is one answer). (2) On the results
  page's parsed tables it subtracts every pair of readings, question by question (counts
  per answer, and the answer count times the average): where the released answer count
  grew by one, the difference is that person's answer; where it grew by fewer than the
  threshold and all of the growth is one answer, it is every one of those people's.
- **Departments.** The adversary knows every department's name, the suppression rule, and
  that exactly one person enrolled or left between two readings (not which department).
  For each reading it lists every department count that gives exactly what the views show
  (the shown cells, the merged rest, the total), intersects the views read at the same
  time, and links readings over time (one person more or fewer each step). A hidden
  department whose count is the same in every remaining possibility is learnt.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.test import Client
from django.urls import reverse
from lxml import html as lxml_html

from lib.suppression import Breakdown
from tests.privacy.readers import HR_ROUTES, Figures, Ids, fetch

# ---------------------------------------------------------------- answers: every view


def change_groups(snapshots: Sequence[Figures]) -> dict[str, list[int]]:
    """For each figure that changed: the number of answers that arrived since its previous
    change (or since the first reading), at each change. ``snapshots[0]`` is read before
    the first answer, ``snapshots[i]`` after the i-th."""
    groups: dict[str, list[int]] = {}
    keys = set().union(*snapshots)
    for key in keys:
        since = 0
        for before, after in itertools.pairwise(snapshots):
            since += 1
            if before.get(key) != after.get(key):
                groups.setdefault(key, []).append(since)
                since = 0
    return groups


def change_points(snapshots: Sequence[Figures]) -> list[int]:
    """After which answers (1-based) anything at all, in any view, read differently: the
    adversary may combine any figures of any views, so what it can tell apart are these
    moments, and the answers between two of them are one group to it."""
    return [i for i in range(1, len(snapshots)) if snapshots[i] != snapshots[i - 1]]


def isolating_changes(snapshots: Sequence[Figures], threshold: int) -> dict[str, list[int]]:
    """Figures that changed after fewer than ``threshold`` new answers."""
    return {
        key: sizes
        for key, sizes in change_groups(snapshots).items()
        if any(size < threshold for size in sizes)
    }


# ---------------------------------------------------------------- answers: the results page


@dataclass(frozen=True)
class Question:
    n: int
    mean: float | None
    counts: Mapping[str, int]


Results = dict[tuple[str, int], Question]  # (survey kind or "pulse", question index) → numbers


def read_results(client: Client, ids: Ids) -> Results:
    """The results page's released tables, parsed: per section and question, the answer
    count, the average and the people per answer."""
    url = reverse("hr_view:survey_results", kwargs={"program_id": ids.program})
    tree = lxml_html.fromstring(fetch(client, url))
    results: Results = {}
    for section in tree.xpath("//section[@aria-labelledby]"):
        where = section.get("aria-labelledby").removeprefix("survey-").removesuffix("-title")
        for i, block in enumerate(section.xpath(".//div[@class='results-question']")):
            rows = block.xpath(".//table[contains(@class,'results-table')]/tbody/tr")
            if not rows:
                continue
            summary = " ".join(block.xpath("./p[1]")[0].itertext())
            n = int(re.search(r"(\d+) answers?", summary).group(1))  # type: ignore[union-attr]
            mean = re.search(r"average (\d+(?:\.\d+)?)", summary)
            counts = {
                " ".join(row.xpath("./th")[0].itertext()).strip(): int(
                    row.xpath("./td[@class='cell-value']")[0].text_content()
                )
                for row in rows
            }
            results[(where, i)] = Question(n, float(mean.group(1)) if mean else None, counts)
    return results


def difference_answers(
    readings: Sequence[Results], arrivals: Mapping[str, Sequence[int]], threshold: int
) -> dict[int, dict[tuple[str, int], str]]:
    """Every pair of readings, every question: what the difference tells about whom.
    ``arrivals[where]`` lists the people of that survey (or the pulse) in answer order;
    a released count of n covers the first n of them (no answer is edited here)."""
    learnt: dict[int, dict[tuple[str, int], str]] = {}
    for before, after in itertools.combinations(readings, 2):
        for key, new in after.items():
            old = before.get(key, Question(0, None, {}))
            grown = new.n - old.n
            if not 0 < grown < threshold:
                continue
            group = arrivals[key[0]][old.n : new.n]
            diff = {label: c - old.counts.get(label, 0) for label, c in new.counts.items()}
            labels = [label for label, d in diff.items() if d]
            if len(labels) == 1 and diff[labels[0]] == grown:
                for person in group:
                    learnt.setdefault(person, {})[key] = labels[0]
            elif grown == 1 and new.mean is not None and old.mean is not None:
                value = round(new.mean * new.n - old.mean * old.n)  # averages are rounded
                learnt.setdefault(group[0], {})[key] = f"≈{value}"
    return learnt


# ---------------------------------------------------------------- departments


Observed = tuple[tuple[tuple[str, int], ...], int, int | None]  # shown, other, total
Rule = Callable[..., Breakdown]


def _observed(rows: Sequence[tuple[str, int]]) -> Observed:
    """A breakdown table's rows (label, people) as shown cells, the merged rest, the total."""
    shown, other, total = [], 0, None
    for name, n in rows:
        if name == "In all":
            total = n
        elif name in ("Other departments", "All departments"):
            other = n
        else:
            shown.append((name, n))
    return tuple(shown), other, total


def departments_in_html(text: str, section_id: str) -> Observed:
    """The department table of the page section whose heading has the id ``section_id``."""
    tree = lxml_html.fromstring(text)
    [section] = tree.xpath(f"//*[@id='{section_id}']/ancestor::section[1]")
    rows = section.xpath(".//tbody/tr")
    return _observed(
        [
            (
                " ".join(row.xpath("./th")[0].itertext()).strip(),
                int(row.xpath("./td")[0].text_content()),
            )
            for row in rows
        ]
    )


def departments_in_csv(text: str, title: str) -> Observed:
    """The department rows of a long-format CSV report (section, row, column, value)."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1:]
    return _observed([(row[1], int(row[3])) for row in rows if row[0] == title and row[3]])


def read_departments(client: Client, ids: Ids) -> Observed:
    """The health page's department table."""
    url = reverse("hr_view:health", kwargs={"program_id": ids.program})
    return departments_in_html(fetch(client, url), "departments-title")


def read_report_departments(client: Client, ids: Ids) -> Observed:
    """The printable program report's department table (branch ``export``)."""
    url = reverse("hr_view:report", kwargs={"program_id": ids.program})
    return departments_in_html(fetch(client, url), "report-departments")


def read_report_csv_departments(client: Client, ids: Ids) -> Observed:
    """The program report CSV's department rows (branch ``export``)."""
    url = reverse("hr_view:report_csv", kwargs={"program_id": ids.program})
    return departments_in_csv(fetch(client, url), "People taking part, by department")


# The views that show a department breakdown: all of them are read at each time and must
# agree; any one of them adding a cell would let the adversary subtract.
DEPARTMENT_READERS: dict[str, Callable[[Client, Ids], Observed]] = {
    "hr_view:health": read_departments,
}
# >>> The program report (branch ``export``): registered once its routes are in the access
# policy, so the merge wires it; the parsers are checked on its markup in test_differencing.
if "hr_view:report" in HR_ROUTES:
    DEPARTMENT_READERS["hr_view:report"] = read_report_departments
if "hr_view:report_csv" in HR_ROUTES:
    DEPARTMENT_READERS["hr_view:report_csv"] = read_report_csv_departments
# <<<


def _observe(rule: Rule, names: Sequence[str], vector: Sequence[int], threshold: int) -> Observed:
    b = rule(dict(zip(names, vector, strict=True)), threshold=threshold)
    return b.shown, b.other, b.total


def _possible(
    rule: Rule, names: Sequence[str], observed: Observed, threshold: int, most: int
) -> set[tuple[int, ...]]:
    """Every count per department that the rule turns into exactly ``observed``."""
    shown = dict(observed[0])
    hidden = [n for n in names if n not in shown]
    total = observed[2]
    sums = range(threshold) if total is None else [total - sum(shown.values())]
    found = set()
    for combo in (c for s in sums for c in _compositions(s, len(hidden), most)):
        counts = {**shown, **dict(zip(hidden, combo, strict=True))}
        vector = tuple(counts[n] for n in names)
        if _observe(rule, names, vector, threshold) == observed:
            found.add(vector)
    return found


def _compositions(total: int, parts: int, most: int) -> list[tuple[int, ...]]:
    """Every way to share ``total`` people among ``parts`` groups of at most ``most``."""
    if parts == 0:
        return [()] if total == 0 else []
    return [
        (first, *rest)
        for first in range(min(total, most) + 1)
        for rest in _compositions(total - first, parts - 1, most)
    ]


def _one_step(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return sum(abs(x - y) for x, y in zip(a, b, strict=True)) == 1


def attack_departments(
    readings: Sequence[Sequence[Observed]],
    *,
    names: Sequence[str],
    rule: Rule,
    threshold: int,
    over_time: bool,
    most: int = 16,
) -> list[tuple[int, str, int]]:
    """(reading, department, count) for every hidden, non-empty department pinned down.
    ``readings[t]`` holds what every breakdown view showed at time t."""
    possible = []
    for views in readings:
        sets = [_possible(rule, names, seen, threshold, most) for seen in views]
        possible.append(set.intersection(*sets))
    if over_time:
        for t in range(1, len(possible)):
            possible[t] = {v for v in possible[t] if any(_one_step(u, v) for u in possible[t - 1])}
        for t in range(len(possible) - 2, -1, -1):
            possible[t] = {v for v in possible[t] if any(_one_step(u, v) for u in possible[t + 1])}
    learnt = []
    for t, (views, vectors) in enumerate(zip(readings, possible, strict=True)):
        shown = {name for view in views for name, _n in view[0]}
        for i, name in enumerate(names):
            values = {v[i] for v in vectors}
            if name not in shown and len(values) == 1 and values != {0}:
                learnt.append((t, name, values.pop()))
    return learnt


def naive_suppression(counts: Mapping[str, int], *, threshold: int) -> Breakdown:
    """The weakened rule for the teeth: hide the small cells, nothing more."""
    groups = sorted((name, n) for name, n in counts.items() if n > 0)
    total = sum(n for _, n in groups)
    if total < threshold:
        return Breakdown(shown=(), other=0, total=None, threshold=threshold)
    shown = [g for g in groups if g[1] >= threshold]
    ordered = tuple(sorted(shown, key=lambda g: (-g[1], g[0])))
    return Breakdown(
        shown=ordered, other=total - sum(n for _, n in shown), total=total, threshold=threshold
    )
