"""The question bank: the only questions a survey can ask, and what a pulse asks.

Every answer is a number from a fixed scale, so no free text exists to reach HR: what
someone wants to say in words belongs in the pair's journal.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Scale(StrEnum):
    RATING = "rating"  # 1-5
    CHOICE = "choice"  # one of a few labelled options, stored as their index
    RECOMMEND = "recommend"  # 0-10


@dataclass(frozen=True)
class BankQuestion:
    key: str
    scale: Scale
    text: StrOrPromise
    options: tuple[StrOrPromise, ...] = ()  # for CHOICE: the labels, in order
    per_skill: bool = False  # asked once per chosen skill

    def values(self) -> list[int]:
        if self.scale is Scale.RATING:
            return [1, 2, 3, 4, 5]
        if self.scale is Scale.RECOMMEND:
            return list(range(11))
        return list(range(len(self.options)))

    def label(self, value: int) -> str:
        if self.scale is Scale.CHOICE:
            return str(self.options[value])
        return str(value)


RATING_HINT = _("1 = not at all, 5 = very much")
BANK: dict[str, BankQuestion] = {
    question.key: question
    for question in (
        BankQuestion("useful", Scale.RATING, _("How useful is the program for you so far?")),
        BankQuestion("pair_fit", Scale.RATING, _("How well does your pairing work?")),
        BankQuestion(
            "cadence",
            Scale.CHOICE,
            _("How often do you meet?"),
            (_("Too rarely"), _("About right"), _("Too often")),
        ),
        BankQuestion(
            "progress",
            Scale.CHOICE,
            _("Are you making progress on what you came for?"),
            (_("Yes"), _("Not yet"), _("Unsure")),
        ),
        BankQuestion(
            "recommend",
            Scale.RECOMMEND,
            _("How likely are you to recommend the program to a colleague? (0-10)"),
        ),
        BankQuestion(
            "confidence_before",
            Scale.RATING,
            _("Your confidence in this skill before the program"),
            per_skill=True,
        ),
        BankQuestion(
            "confidence_after",
            Scale.RATING,
            _("Your confidence in this skill now"),
            per_skill=True,
        ),
    )
}
CONFIDENCE_KEYS = ("confidence_before", "confidence_after")

# The pulse after a held meeting: two questions, each answerable with one click.
PULSE_USEFUL = BankQuestion("useful", Scale.RATING, _("How useful was the meeting?"))
PULSE_PROGRESS = BankQuestion(
    "progress",
    Scale.CHOICE,
    _("Are you making progress on what you came for?"),
    (_("Yes"), _("Not yet"), _("Unsure")),
)
PULSE_QUESTIONS = {"useful": PULSE_USEFUL, "progress": PULSE_PROGRESS}
