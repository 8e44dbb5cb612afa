"""The move from two acknowledgement columns to one row per member keeps every
acknowledgement, and going back restores the columns."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from people.models import User
from tests.meetings.factories import make_pair

BEFORE = [("journal", "0002_shared_note_versions")]
AFTER = [("journal", "0003_agreement_acknowledgements")]
AT = dt.datetime(2026, 5, 4, 9, 30, tzinfo=dt.UTC)


def _migrate(targets: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_acknowledgements_survive_the_move_both_ways(mentee: User, mentor: User) -> None:
    pair = make_pair(mentee, mentor)
    try:
        old = _migrate(BEFORE)
        agreement = old.get_model("journal", "Agreement").objects.create(
            pair_id=pair.pk, confidentiality="Between us", acknowledged_by_mentor_at=AT
        )
        new = _migrate(AFTER)
        rows = new.get_model("journal", "AgreementAcknowledgement").objects.all()
        assert [(r.agreement_id, r.person_id, r.acknowledged_at) for r in rows] == [
            (agreement.pk, mentor.pk, AT)
        ]
        back = _migrate(BEFORE).get_model("journal", "Agreement").objects.get()
        assert (back.acknowledged_by_mentee_at, back.acknowledged_by_mentor_at) == (None, AT)
    finally:  # every app back at its latest: going back also unapplied the apps that depend on it
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
