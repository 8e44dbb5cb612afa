"""Object cases for the check-in routes (see tests/privacy/objects.py).

A pulse and a survey are answered by the two people of the pair, each for themselves;
HR sets surveys up and reads released aggregates. Managers and outsiders get the 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.checkins.factories import held_meeting, open_survey
from tests.privacy.objects import ObjectCase

PAIR = frozenset({"mentee", "mentor"})
HR = frozenset({"hr_admin"})

CASES: dict[str, Callable[[Any, Any], Any]] = {
    "checkins:pulse": lambda w, p: ObjectCase({"meeting_id": held_meeting(w.pair).pk}, PAIR),
    "checkins:survey": lambda w, p: ObjectCase({"survey_id": open_survey(w.program).pk}, PAIR),
    "checkins:hr_surveys": lambda w, p: ObjectCase({"program_id": w.program.pk}, HR),
    "hr_view:survey_results": lambda w, p: ObjectCase({"program_id": w.program.pk}, HR),
    # The program report (health and released survey totals), to print and as CSV.
    "hr_view:report": lambda w, p: ObjectCase({"program_id": w.program.pk}, HR),
    "hr_view:report_csv": lambda w, p: ObjectCase({"program_id": w.program.pk}, HR),
}
