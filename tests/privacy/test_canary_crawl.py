"""The canary crawl (issue 7, proof 3).

Unique canaries sit in every content field of three pairs (see tests/privacy/world.py):
agenda, shared and private notes, goals and progress notes, agreements, shared focus
suggestions, a declined request's private reason, and the meeting place. Then, signed in
as the mentee's manager, the mentor's manager, a former manager and an HR admin, the test
reads every URL of the policy table with the world's ids, every calendar feed (the
manager's team feed by its token, each person's own feed), the CSV export, the pages
reached by following links, error pages, their e-mails and the captured logs: 0 canaries.
(Pairs end without a reason, so there is no field to plant one in.)
"""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.urls import NoReverseMatch, reverse

from people.models import User
from tests.mail import assert_mail_lacks
from tests.privacy.crawl import found
from tests.privacy.world import OBSERVERS, build_proof_world, sweep

pytestmark = pytest.mark.django_db


def _url(name: str, **kwargs: object) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def test_no_manager_or_hr_admin_reads_a_single_canary(
    personas: dict[str, User | None], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    world = build_proof_world(personas)
    own = world.pairs["own"]
    sweeps = {name: sweep(world, name) for name in OBSERVERS}
    report = {
        name: {
            "fetched": len(s.statuses),
            "not 404": sum(1 for status in s.statuses.values() if status != 404),
            "e-mails": sum(1 for where in s.texts if where.startswith("mail ")),
        }
        for name, s in sweeps.items()
    }
    print("crawled:", report)  # noqa: T201
    assert {name: s.leaks for name, s in sweeps.items()} == {name: [] for name in OBSERVERS}
    assert found({"logs": caplog.text}, world.every_canary()) == []
    # Every e-mail sent at all (to the pairs too) carries no session content.
    journal_canaries = [c for p in world.pairs.values() for c in p.content_canaries]
    assert_mail_lacks(mail.outbox, *journal_canaries)
    print("e-mails checked:", len(mail.outbox))  # noqa: T201

    # The sweep really went where the content is, and read real pages, feeds and mail.
    for name, result in sweeps.items():
        assert result.statuses[reverse("home")] == 200, name
        assert reverse("journal:pair", kwargs={"pair_id": own.ids["pair_id"]}) in result.statuses
        assert reverse("journal:meeting", kwargs={"meeting_id": own.ids["meeting_id"]}) in (
            result.statuses
        )
        assert report[name]["fetched"] >= 100, name
        assert report[name]["e-mails"] >= 2, f"{name} received no e-mail to check"
        assert any("BEGIN:VCALENDAR" in text for text in result.texts.values()), name
    export = reverse("programs:participants_export", kwargs={"program_id": own.ids["program_id"]})
    assert sweeps["hr_admin"].statuses[export] == 200
    assert "Ezra Mentee" in sweeps["hr_admin"].texts[export]  # HR reads matching data
    # The program report, to print and as CSV: HR reads it, aggregates only; nobody else.
    for route in ("hr_view:report", "hr_view:report_csv"):
        report_url = reverse(route, kwargs={"program_id": own.ids["program_id"]})
        assert sweeps["hr_admin"].statuses[report_url] == 200
        assert "Ezra Mentee" not in sweeps["hr_admin"].texts[report_url]  # no names at all
        assert sweeps["manager"].statuses[report_url] == 404
    report_csv = reverse("hr_view:report_csv", kwargs={"program_id": own.ids["program_id"]})
    assert "Funnel" in sweeps["hr_admin"].texts[report_csv]
    team = _url("manager_view:team")
    if team is None:
        pytest.skip("manager_view is not in the URL configuration yet")
    assert sweeps["manager"].statuses[team] == 200
    assert sweeps["former_manager"].statuses[team] == 200  # still a manager of someone
    feeds = [t for t in sweeps["manager"].texts.values() if "BEGIN:VCALENDAR" in t]
    assert any("Mentoring: Ezra Mentee" in t for t in feeds)  # the team feed was read
    assert not any("Ezra Mentee" in t for t in sweeps["former_manager"].texts.values()
                   if "BEGIN:VCALENDAR" in t)  # fmt: skip
