"""Turn an id from a request into a survey a person may answer, or a 404 like a missing id.

Meetings are reached through ``meetings.access`` (the two people of the pair)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from checkins.models import Survey
from checkins.selectors import surveys_of
from people.models import User


def access_survey_for_member(user: User, survey_id: int) -> Survey:
    """A survey of a program the user is (or was) in a pair of, once it has opened."""
    return get_object_or_404(surveys_of(user), pk=survey_id)
