"""The one door from HR's side into check-ins: released aggregates, never an answer.

It reads only ``Release`` rows (written in steps by ``checkins.release``), the program's
surveys and its threshold; never ``SurveyAnswer``, ``SurveyResponse`` or ``PulseAnswer``.
A question with fewer released answers than the threshold comes back as ``None``: HR
sees "not enough answers yet", not a small number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Subquery

from checkins.bank import BANK, PULSE_QUESTIONS, BankQuestion, Scale
from checkins.models import Release, Survey
from checkins.release import threshold_for


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    percent: int  # of the question's answers, rounded


@dataclass(frozen=True)
class QuestionResult:
    text: str
    skill: str | None
    scale: str
    n: int
    mean: float | None  # ratings and 0-10 only
    bars: tuple[Bar, ...]
    nps: int | None  # 0-10 only: % 9-10 minus % 0-6


@dataclass(frozen=True)
class Released:
    released_at: dt.datetime
    responses: int
    invited: int
    questions: tuple[QuestionResult | None, ...]  # None: not enough answers yet

    @property
    def response_rate(self) -> int | None:
        return round(100 * self.responses / self.invited) if self.invited else None


@dataclass(frozen=True)
class SurveyResults:
    kind: str
    kind_label: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    released: Released | None  # None: nothing released yet


@dataclass(frozen=True)
class ProgramResults:
    threshold: int
    surveys: tuple[SurveyResults, ...]
    pulse: Released | None


def _question(result: dict[str, Any], bank: BankQuestion, threshold: int) -> QuestionResult | None:
    n = int(result["n"])
    if n < threshold:
        return None
    counts = {int(value): count for value, count in result["counts"].items()}
    bars = tuple(
        Bar(bank.label(value), counts.get(value, 0), round(100 * counts.get(value, 0) / n))
        for value in bank.values()
    )
    nps = None
    if bank.scale is Scale.RECOMMEND:
        promoters = sum(c for v, c in counts.items() if v >= 9)
        detractors = sum(c for v, c in counts.items() if v <= 6)
        nps = round(100 * (promoters - detractors) / n)
    return QuestionResult(
        text=str(bank.text),
        skill=result.get("skill"),
        scale=str(bank.scale),
        n=n,
        mean=None if bank.scale is Scale.CHOICE else result["mean"],
        bars=bars,
        nps=nps,
    )


def _released(release: Release | None, threshold: int, *, pulse: bool) -> Released | None:
    if release is None:
        return None
    questions = []
    for result in release.results["questions"]:
        bank = PULSE_QUESTIONS[result["key"]] if pulse else BANK.get(result["key"])
        questions.append(_question(result, bank, threshold) if bank else None)
    if not any(questions):
        return None
    return Released(
        released_at=release.released_at,
        responses=int(release.results.get("responses", release.answers)),
        invited=release.invited,
        questions=tuple(questions),
    )


def program_results(*, program_id: int) -> ProgramResults:
    """Everything HR may see of a program's check-ins, in three queries whatever its size."""
    threshold = threshold_for(program_id)
    surveys = list(Survey.objects.filter(program_id=program_id).order_by("kind"))
    newest = (
        Release.objects.filter(program_id=program_id)
        .values("survey_id")
        .annotate(newest=Max("pk"))
        .values("newest")
    )
    latest = {r.survey_id: r for r in Release.objects.filter(pk__in=Subquery(newest))}
    return ProgramResults(
        threshold=threshold,
        surveys=tuple(
            SurveyResults(
                kind=s.kind,
                kind_label=str(s.get_kind_display()),
                opens_at=s.opens_at,
                closes_at=s.closes_at,
                released=_released(latest.get(s.pk), threshold, pulse=False),
            )
            for s in sorted(surveys, key=lambda s: (s.kind != Survey.Kind.MID, s.pk))
        ),
        pulse=_released(latest.get(None), threshold, pulse=True),
    )
