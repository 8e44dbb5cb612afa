"""Reads for SCIM: one person by id, and pages of people in a fixed number of queries."""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.functions import Lower

from people.models import User as Person


def _people() -> QuerySet[Person]:
    return Person.objects.select_related("department", "manager").order_by("pk")


def scim_person(*, scim_id: str) -> Person | None:
    if not scim_id.isdigit() or len(scim_id) > 18:
        return None
    return _people().filter(pk=int(scim_id)).first()


def scim_people_page(
    *, user_name: str | None, start_index: int, count: int
) -> tuple[int, list[Person]]:
    """The total and one page (``start_index`` counts from 1, as SCIM does)."""
    people = _people()
    if user_name is not None:
        people = people.annotate(email_lower=Lower("email")).filter(email_lower=user_name)
    total = people.count()
    if count == 0:
        return total, []
    return total, list(people[start_index - 1 : start_index - 1 + count])
