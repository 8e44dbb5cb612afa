"""Releasing aggregates to HR in steps, so that no difference reveals one answer.

HR never reads answers: it reads ``Release`` rows. A question's released numbers change
only when at least ``threshold`` new answers to it arrived since they were last released
(the first time: when it has ``threshold`` answers). Two releases therefore differ by at
least ``threshold`` people's answers, and subtracting yesterday's numbers from today's
tells HR about a group, never a person. Edits to an answer already counted wait for the
next step. Answers that never make up a full step (the last few before a survey closes)
are never shown. The database groups and counts (``values().annotate(Count)``); Python only
shapes the few rows per question that come back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count

from checkins.models import (
    MIN_THRESHOLD,
    ProgramCheckins,
    PulseAnswer,
    Release,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from matching.models import Pair
from programs.models import Program

Result = dict[str, Any]  # {"id", "key", "skill", "counts": {value: count}, "n", "mean"}


def threshold_for(program: Program | int) -> int:
    program_id = program if isinstance(program, int) else program.pk
    found = ProgramCheckins.objects.filter(program_id=program_id).values_list(
        "threshold", flat=True
    )
    return max(next(iter(found), MIN_THRESHOLD), MIN_THRESHOLD)


def invited_count(program_id: int) -> int:
    """People who could answer: everyone who is or was in a pair of the program."""
    pairs = Pair.objects.filter(program_id=program_id)
    people = set(pairs.values_list("mentee__person_id", flat=True))
    people |= set(pairs.values_list("mentor__person_id", flat=True))
    return len(people)


def _tallies(rows: Iterable[tuple[Any, int, int]]) -> dict[Any, dict[int, int]]:
    tallies: dict[Any, dict[int, int]] = {}
    for question, value, count in rows:
        tallies.setdefault(question, {})[value] = count
    return tallies


def _result(question: Any, key: str, skill: str | None, counts: dict[int, int]) -> Result:
    n = sum(counts.values())
    mean = round(sum(v * c for v, c in counts.items()) / n, 2) if n else None
    return {
        "id": question,
        "key": key,
        "skill": skill,
        "counts": {str(v): c for v, c in sorted(counts.items())},
        "n": n,
        "mean": mean,
    }


def survey_tallies(survey: Survey) -> list[Result]:
    questions = list(
        SurveyQuestion.objects.filter(survey=survey).select_related("skill").order_by("position")
    )
    rows = (
        SurveyAnswer.objects.filter(response__survey=survey)
        .values_list("question_id", "value")
        .annotate(count=Count("pk"))
        .order_by()
    )
    tallies = _tallies(rows)
    return [
        _result(q.pk, q.key, q.skill.name if q.skill else None, tallies.get(q.pk, {}))
        for q in questions
    ]


def pulse_tallies(program_id: int) -> list[Result]:
    answers = PulseAnswer.objects.filter(program_id=program_id).order_by()
    results = []
    for key in ("useful", "progress"):
        rows = answers.filter(**{f"{key}__isnull": False}).values_list(key).annotate(c=Count("pk"))
        results.append(_result(key, key, None, dict(rows)))
    return results


def _stepped(
    current: list[Result], last: list[Result], threshold: int
) -> tuple[list[Result], bool]:
    """Each question keeps its released numbers unless ``threshold`` new answers came in."""
    previous = {r["id"]: r for r in last}
    stepped, changed = [], False
    for result in current:
        before = previous.get(result["id"])
        released_n = before["n"] if before else 0
        if result["n"] >= released_n + threshold:
            stepped.append(result)
            changed = True
        elif before is not None:
            stepped.append(before)
        else:
            stepped.append({**result, "counts": {}, "n": 0, "mean": None})
    return stepped, changed


def release_if_due(*, program_id: int, survey: Survey | None) -> Release | None:
    """Write a new release if any question has a full step of new answers; called in the
    transaction that stored an answer, with the program's settings row locked so that two
    answers at once cannot both release."""
    ProgramCheckins.objects.select_for_update().get_or_create(program_id=program_id)
    threshold = threshold_for(program_id)
    last = Release.objects.filter(program_id=program_id, survey=survey).first()
    current = survey_tallies(survey) if survey else pulse_tallies(program_id)
    results, changed = _stepped(current, last.results["questions"] if last else [], threshold)
    if not changed:
        return None
    answered = (
        SurveyResponse.objects.filter(survey=survey).count()
        if survey
        else PulseAnswer.objects.filter(program_id=program_id).count()
    )
    return Release.objects.create(
        program_id=program_id,
        survey=survey,
        answers=max(r["n"] for r in results),
        invited=invited_count(program_id),
        results={"questions": results, "responses": answered},
    )
