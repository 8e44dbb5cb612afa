"""A three-way merge of plain text, line by line (difflib), for the shared notes.

Pure: no Django. Two people edited the same base text; if their changes touch
different lines, both are kept. If they touch the same or neighbouring lines (and
differ), there is no safe answer: ``merge_texts`` returns ``None`` and the person
chooses.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher


@dataclass(frozen=True)
class _Change:
    start: int  # first base line replaced
    end: int  # one past the last base line replaced (== start for an insertion)
    lines: tuple[str, ...]


def lines_of(text: str) -> list[str]:
    """Split on newlines; a browser sends CRLF, the database keeps LF."""
    return normalised(text).split("\n")


def normalised(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _changes(base: list[str], other: list[str]) -> list[_Change]:
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    return [
        _Change(i1, i2, tuple(other[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _touch(a: _Change, b: _Change) -> bool:
    # Touching counts: an edit next to another edit has no order we could trust.
    return a.start <= b.end and b.start <= a.end


def merge_texts(base: str, mine: str, theirs: str) -> str | None:
    """The text with both sides' changes, or None when they touch the same lines."""
    base_lines = lines_of(base)
    ours, others = _changes(base_lines, lines_of(mine)), _changes(base_lines, lines_of(theirs))
    kept: list[_Change] = list(ours)
    for change in others:
        clashes = [c for c in ours if _touch(c, change)]
        if not clashes:
            kept.append(change)
        elif clashes != [change]:  # the same edit made twice is no conflict
            return None
    merged: list[str] = []
    position = 0
    for change in sorted(kept, key=lambda c: (c.start, c.end)):
        merged.extend(base_lines[position : change.start])
        merged.extend(change.lines)
        position = change.end
    merged.extend(base_lines[position:])
    return "\n".join(merged)
