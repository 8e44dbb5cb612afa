from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching import forms_hr, views_hr
from matching.models import MatchRun, Pair, Proposal
from people.models import User
from programs.models import Enrolment, Program
from tests.factories import DepartmentFactory, UserFactory
from tests.programs.factories import ProgramFactory, SkillFactory, enrol

pytestmark = pytest.mark.django_db

GOALS_CANARY = "Secret goal: get promoted before Kim does"
_DEPARTMENTS = itertools.count()


@pytest.fixture
def hr(client: Client, hr_admin: User) -> Client:
    client.force_login(hr_admin)
    return client


def _person(name: str) -> User:
    department = DepartmentFactory(name=f"Department {next(_DEPARTMENTS)}")
    return UserFactory(full_name=name, department=department)


def _program(
    mentees: int = 3,
    mentors: int = 2,
    also: Callable[[Program], object] | None = None,
    **fields: Any,
) -> Program:
    program = ProgramFactory(name="Leaders 2027", **fields)
    if also:
        also(program)
    skill = SkillFactory(name="Negotiation")
    for i in range(mentees):
        enrol(program, _person(f"Mentee {i:02d}"), goals=GOALS_CANARY).skills.set([skill])
    for i in range(mentors):
        enrol(program, _person(f"Mentor {i:02d}"), role="mentor", capacity=2).skills.set([skill])
    Program.objects.filter(pk=program.pk).update(status=Program.Status.MATCHING)
    program.refresh_from_db()
    return program


def _page(program: Program) -> str:
    return reverse("matching:runs", kwargs={"program_id": program.pk})


def _start(hr: Client, program: Program, capture: Callable[..., Any]) -> MatchRun:
    with capture(execute=True):
        response = hr.post(reverse("matching:run_start", kwargs={"program_id": program.pk}))
    assert response.status_code == 302
    assert response["Location"] == _page(program)
    return MatchRun.objects.get(program=program)


@pytest.fixture
def done_run(
    hr: Client, eager_tasks: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> MatchRun:
    program = _program()
    run = _start(hr, program, django_capture_on_commit_callbacks)
    assert run.status == MatchRun.Status.DONE
    return run


def _text(response: Any) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- who may see the page


def test_hr_admin_sees_the_matching_page_with_a_run_button(hr: Client) -> None:
    program = _program()
    response = hr.get(_page(program))
    assert response.status_code == 200
    assert "Run matching" in _text(response)
    assert reverse("matching:run_start", kwargs={"program_id": program.pk}) in _text(response)


@pytest.mark.parametrize("persona", ["mentee", "mentor", "manager", "outsider"])
def test_everyone_else_gets_the_404_of_a_missing_program(
    client: Client, persona: str, personas: dict[str, User | None]
) -> None:
    program = _program()
    user = personas[persona]
    assert user
    client.force_login(user)
    response = client.get(_page(program))
    missing = client.get(reverse("matching:runs", kwargs={"program_id": 987654}))
    assert response.status_code == missing.status_code == 404
    assert response.content == missing.content


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(_page(_program()))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_missing_program_is_404_for_hr(hr: Client) -> None:
    assert hr.get(reverse("matching:runs", kwargs={"program_id": 987654})).status_code == 404


def test_an_open_program_points_to_its_page_instead_of_running(hr: Client) -> None:
    program = ProgramFactory(status=Program.Status.OPEN)
    text = _text(hr.get(_page(program)))
    assert "Run matching" not in text
    assert "Move the program to matching" in text
    assert reverse("programs:hr_detail", kwargs={"program_id": program.pk}) in text


def test_a_choice_program_explains_that_mentees_choose(hr: Client) -> None:
    program = ProgramFactory(matching_mode=Program.MatchingMode.CHOICE)
    text = _text(hr.get(_page(program)))
    assert "mentees choose their mentors themselves" in text
    assert "Run matching" not in text
    assert "No pairs yet" in text


def test_a_choice_program_lists_its_pairs(hr: Client) -> None:
    program = ProgramFactory(matching_mode=Program.MatchingMode.CHOICE)
    mentee = enrol(program, _person("Mia Chooser"), goals=GOALS_CANARY)
    mentor = enrol(program, _person("Noor Chosen"), role="mentor")
    Pair.objects.create(program=program, mentee=mentee, mentor=mentor, origin="choice")
    text = _text(hr.get(_page(program)))
    assert "1 pair in this program" in text
    assert "Mia Chooser" in text
    assert "Noor Chosen" in text
    assert GOALS_CANARY not in text


# ---------------------------------------------------------------- running


def test_starting_a_run_shows_its_proposals_with_reasons(
    hr: Client, eager_tasks: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    program = _program()
    run = _start(hr, program, django_capture_on_commit_callbacks)
    assert run.status == MatchRun.Status.DONE
    response = hr.get(_page(program))
    text = _text(response)
    assert "Matching has started" in text
    assert "3 proposed pairs" in text
    assert "1 shared skill: Negotiation" in text
    assert "Both speak English" in text
    assert "Publish pairs" in text
    assert GOALS_CANARY not in text


def test_starting_twice_while_running_is_refused(hr: Client) -> None:
    program = _program()
    MatchRun.objects.create(program=program, status=MatchRun.Status.RUNNING)
    response = hr.post(
        reverse("matching:run_start", kwargs={"program_id": program.pk}), follow=True
    )
    assert "already in progress" in _text(response)
    assert MatchRun.objects.filter(program=program).count() == 1


def test_starting_in_the_wrong_status_is_refused(hr: Client) -> None:
    program = ProgramFactory(status=Program.Status.OPEN)
    response = hr.post(
        reverse("matching:run_start", kwargs={"program_id": program.pk}), follow=True
    )
    assert "Start matching on the program page first" in _text(response)
    assert not MatchRun.objects.exists()


def test_a_running_run_shows_progress_and_refreshes_without_js(hr: Client) -> None:
    program = _program()
    MatchRun.objects.create(
        program=program, status=MatchRun.Status.RUNNING, stage="scoring", progress=25
    )
    text = _text(hr.get(_page(program)))
    assert "Scoring candidate pairs" in text
    assert 'value="25"' in text
    assert '<meta http-equiv="refresh" content="3">' in text
    assert "js/matching-progress.js" in text
    assert "Run matching" not in text


def test_a_finished_run_does_not_refresh(done_run: MatchRun, hr: Client) -> None:
    assert "http-equiv" not in _text(hr.get(_page(done_run.program)))


def test_a_failed_run_says_so_politely(hr: Client) -> None:
    program = _program()
    MatchRun.objects.create(program=program, status=MatchRun.Status.FAILED, error="boom")
    text = _text(hr.get(_page(program)))
    assert "Matching could not finish" in text
    assert "Nothing was changed" in text
    assert "Run matching again" in text


def test_progress_is_json_for_hr(hr: Client) -> None:
    run = MatchRun.objects.create(
        program=_program(), status=MatchRun.Status.RUNNING, stage="solving", progress=60
    )
    response = hr.get(reverse("matching:run_progress", kwargs={"run_id": run.pk}))
    assert json.loads(response.content) == {
        "status": "running",
        "stage": "solving",
        "stage_label": "Finding the best assignment",
        "progress": 60,
        "done": False,
    }


def test_progress_of_a_finished_run_is_done(done_run: MatchRun, hr: Client) -> None:
    response = hr.get(reverse("matching:run_progress", kwargs={"run_id": done_run.pk}))
    data = json.loads(response.content)
    assert data["done"] is True
    assert data["progress"] == 100


def test_progress_is_404_for_others(client: Client, outsider: User) -> None:
    run = MatchRun.objects.create(program=_program())
    client.force_login(outsider)
    response = client.get(reverse("matching:run_progress", kwargs={"run_id": run.pk}))
    assert response.status_code == 404


# ---------------------------------------------------------------- sorting


def _row_order(text: str, names: list[str]) -> list[str]:
    return sorted(names, key=text.index)


def test_proposals_sort_by_score_best_first_by_default(done_run: MatchRun, hr: Client) -> None:
    proposals = list(done_run.proposals.select_related("mentee__person"))
    for score, proposal in zip([3.0, 9.0, 6.0], proposals, strict=True):
        Proposal.objects.filter(pk=proposal.pk).update(score=score)
    names = {p.score: str(p.mentee.person) for p in Proposal.objects.filter(run=done_run)}
    url = _page(done_run.program)
    best_first = _row_order(_text(hr.get(url)), list(names.values()))
    assert best_first == [names[9.0], names[6.0], names[3.0]]
    lowest_first = _row_order(_text(hr.get(url + "?sort=score")), list(names.values()))
    assert lowest_first == [names[3.0], names[6.0], names[9.0]]
    by_mentee = _row_order(_text(hr.get(url + "?sort=mentee")), list(names.values()))
    assert by_mentee == sorted(names.values())
    assert hr.get(url + "?sort=nonsense").status_code == 200


# ---------------------------------------------------------------- editing proposals


def test_hr_removes_a_proposal_and_the_mentee_waits(done_run: MatchRun, hr: Client) -> None:
    proposal = done_run.proposals.select_related("mentee__person").first()
    assert proposal
    url = reverse(
        "matching:proposal_remove", kwargs={"run_id": done_run.pk, "proposal_id": proposal.pk}
    )
    response = hr.post(url, follow=True)
    text = _text(response)
    assert "is no longer proposed" in text
    assert "Removed from the proposals by hand" in text
    assert not Proposal.objects.filter(pk=proposal.pk).exists()


def test_removing_a_proposal_of_another_run_is_404(done_run: MatchRun, hr: Client) -> None:
    other = MatchRun.objects.create(program=_program(), status=MatchRun.Status.DONE)
    proposal = done_run.proposals.first()
    assert proposal
    url = reverse(
        "matching:proposal_remove", kwargs={"run_id": other.pk, "proposal_id": proposal.pk}
    )
    assert hr.post(url).status_code == 404
    assert Proposal.objects.filter(pk=proposal.pk).exists()


def _set(hr: Client, run: MatchRun, mentee: Enrolment, mentor: Enrolment) -> Any:
    url = reverse("matching:proposal_set", kwargs={"run_id": run.pk})
    return hr.post(url, {"mentee": mentee.pk, "mentor": mentor.pk})


def test_hr_adds_a_pair_by_hand(done_run: MatchRun, hr: Client) -> None:
    proposal = done_run.proposals.first()
    assert proposal
    mentee, mentor = proposal.mentee, proposal.mentor
    proposal.delete()
    response = _set(hr, done_run, mentee, mentor)
    assert response.status_code == 302
    added = Proposal.objects.get(run=done_run, mentee=mentee)
    assert added.mentor == mentor
    assert added.origin == Proposal.Origin.MANUAL
    assert "is now proposed for" in _text(hr.get(_page(done_run.program)))


def test_hr_changes_a_mentees_mentor(done_run: MatchRun, hr: Client) -> None:
    proposal = Proposal.objects.filter(run=done_run).select_related("mentor").first()
    assert proposal
    other = Enrolment.objects.filter(program=done_run.program, role="mentor").exclude(
        pk=proposal.mentor_id
    )[0]
    Proposal.objects.filter(run=done_run, mentor=other).delete()  # free a seat
    assert _set(hr, done_run, proposal.mentee, other).status_code == 302
    proposal.refresh_from_db()
    assert proposal.mentor == other


def test_a_pair_the_reporting_line_forbids_is_refused_and_nothing_changes(
    hr: Client,
    eager_tasks: None,
    django_capture_on_commit_callbacks: Callable[..., Any],
    manager: User,
    mentee: User,
) -> None:
    program = _program(
        require_different_department=False,
        also=lambda p: (enrol(p, mentee), enrol(p, manager, role="mentor", capacity=3)),
    )
    own = Enrolment.objects.get(program=program, person=mentee)
    boss = Enrolment.objects.get(program=program, person=manager)
    run = _start(hr, program, django_capture_on_commit_callbacks)
    before = list(Proposal.objects.filter(run=run).values_list("mentee_id", "mentor_id"))
    response = _set(hr, run, own, boss)
    assert response.status_code == 200
    text = _text(response)
    assert "cannot be paired" in text
    assert "There is a problem" in text
    assert f'value="{own.pk}" selected' in text  # the choice is kept
    assert list(Proposal.objects.filter(run=run).values_list("mentee_id", "mentor_id")) == before


def test_a_mentor_without_a_free_seat_is_refused(done_run: MatchRun, hr: Client) -> None:
    # Three mentees, two mentors with two seats each: one mentor's seats are all proposed.
    mentor_ids = list(Proposal.objects.filter(run=done_run).values_list("mentor_id", flat=True))
    full_id = max(set(mentor_ids), key=mentor_ids.count)
    full_mentor = Enrolment.objects.get(pk=full_id)
    proposal = Proposal.objects.filter(run=done_run).exclude(mentor=full_mentor).get()
    response = _set(hr, done_run, proposal.mentee, full_mentor)
    assert response.status_code == 200
    assert "has no free seat left" in _text(response)
    proposal.refresh_from_db()
    assert proposal.mentor_id != full_id
    assert Proposal.objects.filter(run=done_run, mentor=full_mentor).count() == 2


def test_someone_from_another_program_cannot_be_chosen(done_run: MatchRun, hr: Client) -> None:
    stranger = enrol(ProgramFactory(), _person("Stranger"))
    mentor = Enrolment.objects.filter(program=done_run.program, role="mentor").first()
    assert mentor
    response = _set(hr, done_run, stranger, mentor)
    assert response.status_code == 200
    assert "Select a valid choice" in _text(response)
    assert not Proposal.objects.filter(mentee=stranger).exists()


# ---------------------------------------------------------------- publishing


def test_publishing_creates_pairs_and_introduces_each_person(
    done_run: MatchRun, hr: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    url = reverse("matching:run_publish", kwargs={"run_id": done_run.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = hr.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    assert Pair.objects.filter(program=done_run.program, status="active").count() == 3
    assert len(mail.outbox) == 6  # mentee and mentor of each pair
    for message in mail.outbox:
        assert "Leaders 2027" in message.body
        assert GOALS_CANARY not in message.body
    pair = Pair.objects.select_related("mentee__person", "mentor__person").first()
    assert pair
    to_mentee = next(m for m in mail.outbox if m.to == [pair.mentee.person.email])
    assert pair.mentor.person.full_name in to_mentee.body
    text = _text(hr.get(_page(done_run.program)))
    assert "3 pairs published" in text
    assert "3 pairs in this program" in text
    assert "Publish pairs" not in text
    assert GOALS_CANARY not in text


def test_publishing_twice_is_refused(
    done_run: MatchRun, hr: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    url = reverse("matching:run_publish", kwargs={"run_id": done_run.pk})
    with django_capture_on_commit_callbacks(execute=True):
        hr.post(url, {"confirm": "yes"})
    sent = len(mail.outbox)
    response = hr.post(url, {"confirm": "yes"}, follow=True)
    assert "already published" in _text(response)
    assert Pair.objects.count() == 3
    assert len(mail.outbox) == sent


def test_an_ended_pair_shows_as_ended_without_a_reason(hr: Client, mentee: User) -> None:
    program = _program()
    mentee_enrolment = Enrolment.objects.filter(program=program, role="mentee").first()
    mentor_enrolment = Enrolment.objects.filter(program=program, role="mentor").first()
    assert mentee_enrolment
    assert mentor_enrolment
    Pair.objects.create(
        program=program,
        mentee=mentee_enrolment,
        mentor=mentor_enrolment,
        origin="manual",
        status=Pair.Status.ENDED,
    )
    text = _text(hr.get(_page(program)))
    assert "Ended" in text
    assert str(mentee_enrolment.person) in text


# ---------------------------------------------------------------- queries


def test_the_page_takes_the_same_queries_at_5_and_40_proposals(
    hr: Client, eager_tasks: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    few = _program(mentees=5, mentors=3)
    many = _program(mentees=40, mentors=20)
    counts = []
    for program, expected in ((few, 5), (many, 40)):
        run = _start(hr, program, django_capture_on_commit_callbacks)
        assert run.proposals.count() == expected
        hr.get(_page(program))  # messages consumed
        with CaptureQueriesContext(connection) as queries:
            response = hr.get(_page(program))
        assert f"{expected} proposed pairs" in _text(response)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_hr_swaps_the_mentors_of_two_proposals(hr: Client, done_run: MatchRun) -> None:
    a, b = list(done_run.proposals.order_by("pk"))[:2]
    if a.mentor_id == b.mentor_id:  # same mentor twice: nothing to swap; pick another
        b = done_run.proposals.exclude(mentor_id=a.mentor_id).first()
    assert b is not None
    before = (a.mentor_id, b.mentor_id)
    url = reverse("matching:proposal_swap", kwargs={"run_id": done_run.pk})
    response = hr.post(url, {"first": a.pk, "second": b.pk}, follow=True)
    assert "have swapped mentors" in _text(response)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.mentor_id, b.mentor_id) == (before[1], before[0])


def test_swapping_a_proposal_with_itself_explains_and_changes_nothing(
    hr: Client, done_run: MatchRun
) -> None:
    a = done_run.proposals.first()
    assert a is not None
    url = reverse("matching:proposal_swap", kwargs={"run_id": done_run.pk})
    response = hr.post(url, {"first": a.pk, "second": a.pk})
    assert response.status_code == 200
    assert "Choose two different mentees." in _text(response)
    assert Proposal.objects.get(pk=a.pk).mentor_id == a.mentor_id


# ---------------------------------------------------------------- a large program, in windows


def _options(text: str, select_name: str) -> list[str]:
    """The labels of the options of the named <select>, without its empty choice."""
    start = text.index(f'name="{select_name}"')
    block = text[start : text.index("</select>", start)]
    return [
        label.strip() for label in re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', block)
    ]


@pytest.fixture
def small_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views_hr, "PROPOSALS_PER_PAGE", 2)
    monkeypatch.setattr(views_hr, "PAIRS_PER_PAGE", 2)
    monkeypatch.setattr(views_hr, "WAITING_PER_PAGE", 1)
    monkeypatch.setattr(forms_hr, "SEARCH_WINDOW", 2)


def test_proposals_are_listed_a_page_at_a_time(
    done_run: MatchRun, hr: Client, small_windows: None
) -> None:
    names = sorted(
        str(p.mentee.person) for p in done_run.proposals.select_related("mentee__person")
    )
    url = _page(done_run.program) + "?sort=mentee"
    first = _text(hr.get(url))
    assert "3 proposed pairs" in first  # the count is of all of them
    assert "Page 1 of 2" in first
    assert names[0] in first
    assert names[1] in first
    assert f'<span class="matching-cell">{names[2]}</span>' not in first
    assert 'href="?sort=mentee&amp;page=2"' in first
    second = _text(hr.get(url + "&page=2"))
    assert "Page 2 of 2" in second
    assert f'<span class="matching-cell">{names[2]}</span>' in second
    for nonsense in ("&page=99", "&page=-1", "&page=abc"):
        assert hr.get(url + nonsense).status_code == 200


def test_the_menus_list_only_a_window_of_search_matches(
    done_run: MatchRun, hr: Client, small_windows: None
) -> None:
    page = _page(done_run.program)
    text = _text(hr.get(page))
    assert _options(text, "mentee") == ["Mentee 00", "Mentee 01"]  # 3 mentees, window of 2
    assert "at most 2 people" in text
    # Search by e-mail address: the factories' addresses hold sequence numbers
    # ("person102@...") that a search for a name's "02" would match as well.
    emails = dict(
        Enrolment.objects.filter(program=done_run.program).values_list(
            "person__full_name", "person__email"
        )
    )
    found = _text(hr.get(page, {"mentee_q": emails["Mentee 02"], "mentor_q": emails["Mentor 01"]}))
    assert _options(found, "mentee") == ["Mentee 02"]
    assert _options(found, "mentor") == ["Mentor 01"]
    assert f'name="mentee_q" value="{emails["Mentee 02"]}"' in found
    swap = _text(hr.get(page, {"first_q": emails["Mentee 02"], "second_q": "nobody"}))
    assert [label.split(" (")[0] for label in _options(swap, "first")] == ["Mentee 02"]
    assert _options(swap, "second") == []
    # The other card's search rides along with each search form.
    assert '<input type="hidden" name="mentee_q" value="x">' in _text(
        hr.get(page + "?mentee_q=x&first_q=02")
    )


def test_the_menus_name_each_person_and_each_proposals_mentor(
    done_run: MatchRun, hr: Client
) -> None:
    proposal = done_run.proposals.select_related("mentee__person", "mentor__person").get(
        mentee__person__full_name="Mentee 01"
    )
    User.objects.filter(pk=proposal.mentee.person_id).update(full_name="")  # listed by e-mail
    text = _text(hr.get(_page(done_run.program)))
    email = proposal.mentee.person.email
    assert email in _options(text, "mentee")
    assert f"{email} (now with {proposal.mentor.person.full_name})" in _options(text, "first")
    assert GOALS_CANARY not in text


def test_a_person_outside_the_window_can_be_chosen_and_stays_chosen(
    done_run: MatchRun, hr: Client, small_windows: None
) -> None:
    last = Enrolment.objects.get(program=done_run.program, person__full_name="Mentee 02")
    mentor = Enrolment.objects.get(program=done_run.program, person__full_name="Mentor 00")
    Proposal.objects.filter(run=done_run, mentor=mentor).exclude(mentee=last).delete()
    response = _set(hr, done_run, last, mentor)
    assert response.status_code == 302
    assert Proposal.objects.get(run=done_run, mentee=last).mentor == mentor
    # Refused (a mentee of another program): the menus still show what was chosen.
    response = hr.post(
        reverse("matching:proposal_set", kwargs={"run_id": done_run.pk}),
        {"mentee": last.pk, "mentor": 0},
    )
    assert response.status_code == 200
    assert f'<option value="{last.pk}" selected>' in _text(response)


def test_unmatched_mentees_and_pairs_are_windows_too(
    done_run: MatchRun, hr: Client, small_windows: None
) -> None:
    done_run.proposals.filter(mentee__person__full_name__in=["Mentee 00", "Mentee 01"]).delete()
    text = _text(hr.get(_page(done_run.program)))
    assert "2 mentees have neither a pair nor a proposal in this run." in text
    assert 'aria-label="Pages of the waiting list"' in text
    assert "<strong>Mentee 00</strong>" in text
    assert "<strong>Mentee 01</strong>" not in text
    second = _text(hr.get(_page(done_run.program) + "?waiting_page=2"))
    assert "<strong>Mentee 01</strong>" in second
    assert "<strong>Mentee 00</strong>" not in second
    mentor = Enrolment.objects.filter(program=done_run.program, role="mentor").first()
    for enrolment in Enrolment.objects.filter(program=done_run.program, role="mentee"):
        Pair.objects.create(
            program=done_run.program, mentee=enrolment, mentor=mentor, origin="manual"
        )
    pairs = _text(hr.get(_page(done_run.program) + "?pairs_page=2"))
    assert "3 pairs in this program" in pairs
    assert "Page 2 of 2" in pairs
    assert "Mentee 02" in pairs
    assert "Mentee 00</span>" not in pairs


def test_the_page_takes_the_same_queries_at_6_and_60_mentees_on_any_page(
    hr: Client,
    eager_tasks: None,
    django_capture_on_commit_callbacks: Callable[..., Any],
    small_windows: None,
) -> None:
    counts: dict[str, list[int]] = {}
    for mentees, mentors in ((6, 3), (60, 30)):
        program = _program(mentees=mentees, mentors=mentors)
        run = _start(hr, program, django_capture_on_commit_callbacks)
        assert run.proposals.count() == mentees
        run.proposals.order_by("pk").first().delete()  # someone waits  # type: ignore[union-attr]
        Pair.objects.create(
            program=program,
            mentee=Enrolment.objects.filter(program=program, role="mentee").first(),
            mentor=Enrolment.objects.filter(program=program, role="mentor").first(),
            origin="manual",
            status=Pair.Status.ENDED,
        )
        hr.get(_page(program))  # messages consumed
        for query in ("", "?page=2&sort=mentor", "?mentee_q=Mentee+0&first_q=1&second_q=2"):
            with CaptureQueriesContext(connection) as queries:
                response = hr.get(_page(program) + query)
            assert response.status_code == 200
            assert len(_options(_text(response), "mentee")) <= 2
            counts.setdefault(query, []).append(len(queries))
    for query, (few, many) in counts.items():
        assert few == many, query
