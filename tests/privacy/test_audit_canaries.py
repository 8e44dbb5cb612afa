"""The audit log holds no session content: after HR's and operators' recorded actions on a
world full of canaries, neither the log's page, its export, nor the table itself holds
one. (Managers and HR never reach the log: the permission matrix gives them the missing
page's 404.)"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import Action, AuditEvent
from people.models import User
from tests.factories import UserFactory
from tests.privacy.crawl import body_of, found
from tests.privacy.world import build_proof_world

pytestmark = pytest.mark.django_db


def test_no_canary_reaches_the_audit_log(personas: dict[str, User | None]) -> None:
    world = build_proof_world(personas, emails=False)
    own = world.pairs["own"]
    hr, mentee = Client(), personas["mentee"]
    assert personas["hr_admin"] is not None
    assert mentee is not None
    hr.force_login(personas["hr_admin"])
    program_id = own.ids["program_id"]
    hr.get(reverse("programs:participants_export", kwargs={"program_id": program_id}))
    hr.post(reverse("hr_view:deactivate", kwargs={"person_id": mentee.pk}))
    hr.post(
        reverse("programs:hr_transition", kwargs={"program_id": program_id}),
        {"to": "closed", "confirm": "yes"},
    )
    operator = Client()
    operator.force_login(UserFactory(is_staff=True, is_superuser=True))

    texts = {
        "page": body_of(operator.get(reverse("audit_log"))),
        "export": body_of(operator.get(reverse("audit_log_export"))),
        "table": repr(list(AuditEvent.objects.values())),
    }

    recorded = AuditEvent.objects.exclude(action=Action.AUDIT_EXPORT)
    assert recorded.count() == 3  # the three actions were recorded
    assert found(texts, world.every_canary()) == []
