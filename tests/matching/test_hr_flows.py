"""HR's flows around matching lead to the right action: publishing and starting ask first
with the numbers, a run on a running program is for the mentees who wait, and proposals
show a 0-100 match quality with what fits and what to watch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching.models import MatchRun, Pair
from matching.services import match_run_start
from people.models import User
from programs.models import Enrolment, Program
from tests.matching.test_hr_views import (
    GOALS_CANARY,
    _options,
    _page,
    _person,
    _program,
    _start,
    _text,
)
from tests.programs.factories import SkillFactory, enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr(client: Client, hr_admin: User) -> Client:
    client.force_login(hr_admin)
    return client


def _publish_url(run: MatchRun) -> str:
    return reverse("matching:run_publish", kwargs={"run_id": run.pk})


def _start_url(program: Program) -> str:
    return reverse("matching:program_start", kwargs={"program_id": program.pk})


@pytest.fixture
def done_run(
    hr: Client, eager_tasks: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> MatchRun:
    run = _start(hr, _program(), django_capture_on_commit_callbacks)
    assert run.status == MatchRun.Status.DONE
    return run


# ---------------------------------------------------------------- publishing asks first


def test_publishing_asks_first_with_pairs_people_and_emails(
    done_run: MatchRun, hr: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    # 3 mentees, 2 mentors: 3 pairs, 5 people, 6 introductions (one per person and pair).
    with django_capture_on_commit_callbacks(execute=True):
        response = hr.post(_publish_url(done_run))
    text = _text(response)
    assert response.status_code == 200
    assert "Publishing cannot be undone" in text
    assert "3 pairs are created." in text
    assert "5 people get an introduction e-mail" in text
    assert "6 e-mails in all." in text
    assert 'name="confirm" value="yes"' in text
    assert GOALS_CANARY not in text
    assert not Pair.objects.exists()
    assert mail.outbox == []
    done_run.refresh_from_db()
    assert done_run.status == MatchRun.Status.DONE


def test_publishing_says_who_stays_without_a_mentor(done_run: MatchRun, hr: Client) -> None:
    done_run.proposals.filter(mentee__person__full_name="Mentee 00").delete()
    text = _text(hr.post(_publish_url(done_run)))
    assert "2 pairs are created." in text
    assert "1 mentee still has no mentor afterwards." in text


def test_publishing_a_published_run_asks_nothing_and_changes_nothing(
    done_run: MatchRun, hr: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        hr.post(_publish_url(done_run), {"confirm": "yes"})
    sent = len(mail.outbox)
    response = hr.post(_publish_url(done_run), follow=True)
    assert "can no longer be published" in _text(response)
    assert Pair.objects.count() == 3
    assert len(mail.outbox) == sent


# ---------------------------------------------------------------- starting the program


def test_starting_from_the_program_page_goes_to_the_confirmation(hr: Client) -> None:
    program = _program()
    url = reverse("programs:hr_transition", kwargs={"program_id": program.pk})
    response = hr.post(url, {"to": "active"})
    assert response.status_code == 302
    assert response["Location"] == _start_url(program)
    program.refresh_from_db()
    assert program.status == Program.Status.MATCHING


def test_starting_without_pairs_warns_with_the_numbers(hr: Client) -> None:
    program = _program(mentees=12)
    text = _text(hr.get(_start_url(program)))
    assert "No pairs are published yet: nobody will be told to meet." in text
    assert "12 mentees have no mentor yet." in text
    assert "0 pairs start meeting" in text
    assert GOALS_CANARY not in text
    program.refresh_from_db()
    assert program.status == Program.Status.MATCHING  # a GET changes nothing


def test_starting_with_unpublished_proposals_says_so(done_run: MatchRun, hr: Client) -> None:
    text = _text(hr.get(_start_url(done_run.program)))
    assert "3 proposed pairs are not published" in text
    assert "3 mentees have no mentor yet." in text


def test_starting_with_everyone_paired_has_no_warning_and_confirming_starts_it(
    done_run: MatchRun, hr: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        hr.post(_publish_url(done_run), {"confirm": "yes"})
    program = done_run.program
    text = _text(hr.get(_start_url(program)))
    assert "3 pairs start meeting" in text
    assert "data-start-warnings" not in text
    transition = reverse("programs:hr_transition", kwargs={"program_id": program.pk})
    response = hr.post(transition, {"to": "active", "confirm": "yes"}, follow=True)
    assert "is now: Active" in _text(response)
    program.refresh_from_db()
    assert program.status == Program.Status.ACTIVE


def test_the_start_page_of_a_program_not_in_matching_sends_back(hr: Client) -> None:
    program = _program()
    Program.objects.filter(pk=program.pk).update(status=Program.Status.OPEN)
    response = hr.get(_start_url(program), follow=True)
    assert "Only a program in matching can be started." in _text(response)


@pytest.mark.parametrize("persona", ["mentee", "mentor", "manager", "outsider"])
def test_only_hr_reaches_the_start_page(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    program = _program()
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_start_url(program)).status_code == 404
    missing = reverse("matching:program_start", kwargs={"program_id": 999_999})
    assert client.get(missing).status_code == 404


def test_the_start_page_takes_the_same_queries_at_two_sizes(hr: Client) -> None:
    counts = []
    for mentees in (3, 30):
        program = _program(mentees=mentees, mentors=mentees // 2 + 1)
        with CaptureQueriesContext(connection) as queries:
            assert hr.get(_start_url(program)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# ---------------------------------------------------------------- a run on a running program


def _active_with_everyone_paired(
    hr: Client, capture: Callable[..., Any]
) -> tuple[Program, MatchRun]:
    program = _program(mentees=2, mentors=1)
    run = _start(hr, program, capture)
    with capture(execute=True):
        hr.post(_publish_url(run), {"confirm": "yes"})
    Program.objects.filter(pk=program.pk).update(status=Program.Status.ACTIVE)
    program.refresh_from_db()
    return program, run


def test_an_active_program_with_everyone_paired_says_so_once(
    hr: Client,
    hr_admin: User,
    eager_tasks: None,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    program, _run = _active_with_everyone_paired(hr, django_capture_on_commit_callbacks)
    text = _text(hr.get(_page(program)))
    assert "Matching now pairs only the mentees who have no mentor" in text
    assert "Nobody is waiting: every mentee has a mentor." in text
    assert "No proposed pairs" not in text
    assert "Every mentee has a proposed mentor" not in text
    assert reverse("matching:run_start", kwargs={"program_id": program.pk}) not in text
    with pytest.raises(ValidationError, match="nobody to match"):
        match_run_start(program=program, started_by=hr_admin)


def test_a_matching_program_with_everyone_paired_offers_start_not_another_run(
    done_run: MatchRun,
    hr: Client,
    hr_admin: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        hr.post(_publish_url(done_run), {"confirm": "yes"})
    program = done_run.program
    text = _text(hr.get(_page(program)))
    assert reverse("matching:run_start", kwargs={"program_id": program.pk}) not in text
    assert '<button type="submit" class="btn btn-primary">Start the program…</button>' in text
    with pytest.raises(ValidationError, match="nobody to match"):
        match_run_start(program=program, started_by=hr_admin)
    # A pair ends: its mentee waits, and a run is offered again.
    Pair.objects.filter(pk=Pair.objects.filter(program=program).first().pk).update(  # type: ignore[union-attr]
        status=Pair.Status.ENDED
    )
    text = _text(hr.get(_page(program)))
    assert "Run matching again" in text


def test_a_run_on_an_active_program_matches_only_who_waits(
    hr: Client, eager_tasks: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    program, _run = _active_with_everyone_paired(hr, django_capture_on_commit_callbacks)
    skill = SkillFactory(name="Negotiation")
    # Joined late: enrolment was open again for a while (an HR decision made it count).
    Program.objects.filter(pk=program.pk).update(status=Program.Status.OPEN)
    late = enrol(program, _person("Late Lou"), goals="Lead a team")
    late.skills.set([skill])
    Program.objects.filter(pk=program.pk).update(status=Program.Status.ACTIVE)
    Enrolment.objects.filter(program=program, role="mentor").update(capacity=3)
    page = _text(hr.get(_page(program)))
    assert "Match the 1 waiting mentee" in page
    assert '<strong>Late Lou</strong><br><span class="muted">Waiting for a matching run' in page
    with django_capture_on_commit_callbacks(execute=True):
        hr.post(reverse("matching:run_start", kwargs={"program_id": program.pk}))
    run = MatchRun.objects.filter(program=program).latest("pk")
    assert run.status == MatchRun.Status.DONE
    assert run.statistics["mentees"] == 1
    assert list(run.proposals.values_list("mentee__person__full_name", flat=True)) == ["Late Lou"]
    text = _text(hr.get(_page(program)))
    # The add-a-pair menu lists only mentees without an active pair.
    assert _options(text, "mentee") == ["Late Lou"]


def test_an_ended_pair_puts_the_mentee_back_on_the_waiting_list(
    hr: Client, eager_tasks: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    program, _run = _active_with_everyone_paired(hr, django_capture_on_commit_callbacks)
    Pair.objects.filter(program=program, mentee__person__full_name="Mentee 00").update(
        status=Pair.Status.ENDED
    )
    text = _text(hr.get(_page(program)))
    waiting = text[text.index("data-waiting-list") :]
    assert "<strong>Mentee 00</strong>" in waiting
    assert "Mentee 01" not in waiting[: waiting.index("</section>")]
    assert "Match the 1 waiting mentee" in text


# ---------------------------------------------------------------- match quality


def test_proposals_show_a_quality_out_of_100_with_a_label_and_what_to_watch(
    done_run: MatchRun, hr: Client
) -> None:
    text = _text(hr.get(_page(done_run.program)))
    assert "Match quality" in text
    assert "/100" in text
    assert any(label in text for label in ("Strong fit", "Good fit", "Weak fit"))
    assert "What fits" in text
    assert "What to watch" in text
    for proposal in done_run.proposals.all():
        assert f">{proposal.score:.1f}<" not in text  # no raw score without a scale
    assert GOALS_CANARY not in text
