"""One differencing adversary across every HR view (issue 16, "The proof").

An automated HR admin, signed in through the test client, reads every HR view that shows
figures (``tests/privacy/readers.py``: every page with its filters, sorts and pages, the
CSV exports and the weekly digest e-mail) after every single event, while

(a) survey and pulse answers arrive one by one from people it knows (the worst case), and
(b) people of a small department enrol, then leave, one by one.

It then tries to learn one person's answer and a hidden department's count from the
differences between any two readings, across views and over time
(``tests/privacy/adversary.py``). What it learns is asserted exactly. The teeth: the same
adversary, with the release rule taken away (every answer released) recovers answers, and
with complementary suppression replaced by the naive rule (hide small cells only) recovers
the small department's count, so the test cannot pass by reading nothing.

The department breakdown is a count of people; HR's roster views (participants, their CSV,
the directory, a person's page, invitations) show each participant's department by name
by design (access_policy.py), so the breakdown's suppression is about the aggregate pages
themselves, which is what part (b) measures.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterator

import pytest
from django.test import Client

import hr_view.health
import hr_view.views
from checkins import release
from checkins.bank import BANK, PULSE_QUESTIONS
from checkins.models import SurveyQuestion
from checkins.services import pulse_answer, survey_answer
from lib.suppression import suppress_small_cells
from mentoring.access_policy import POLICIES, Audience
from programs.models import Enrolment, Program
from programs.services import enrolment_withdraw, skill_create
from tests.checkins.factories import held_meeting, new_program, open_survey, pair_in
from tests.factories import DepartmentFactory, UserFactory, make_hr_admin
from tests.privacy import adversary
from tests.privacy.readers import NO_FIGURES, READERS, Ids, snapshot
from tests.programs.factories import ProgramFactory, enrol

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _counted_on_every_read(settings) -> None:  # type: ignore[no-untyped-def]
    """The worst case: an operator who keeps no health figures (the default keeps them five
    minutes, which only coarsens what HR sees), so every reading is counted afresh."""
    settings.MENTORING_HEALTH_FRESH_SECONDS = 0


K = 5  # the threshold of the small worlds (the minimum a program may set)
PAIRS = 6  # 12 people answer the survey, 12 pulse answers arrive
BASE = {"Alpha": 7, "Bravo": 9, "Charlie": 6}  # departments taking part; "Xray" is small
SMALL = "Xray"
ROSTERS = {  # views that list people by name with their department, by design
    "hr_view:participants",
    "programs:participants_export",
    "people:directory",
    "hr_view:person",
    "programs:invite",
}


def test_every_hr_route_has_a_reader_or_a_reviewed_reason() -> None:
    hr_routes = {p.route for p in POLICIES if p.audience is Audience.HR_ADMIN}
    routes_read = {name for name in READERS if not name.startswith("mail:")}
    assert hr_routes - routes_read - NO_FIGURES.keys() == set(), "an HR route nobody reads"
    assert routes_read - hr_routes == set(), "a reader for a route that is gone"
    assert NO_FIGURES.keys() - hr_routes == set(), "a skip for a route that is gone"
    assert routes_read.isdisjoint(NO_FIGURES)


# ---------------------------------------------------------------- (a) answers


def _hr_client(ids: Ids) -> Client:
    hr = make_hr_admin(UserFactory(full_name="Hana Reader"))
    ids.hr = hr.pk
    ids.matching_program = ProgramFactory(status=Program.Status.MATCHING).pk
    client = Client()
    client.force_login(hr)
    return client


def _answers_world(*, every_view: bool) -> dict:
    """Pairs across three departments, a mid-program survey open and a held meeting per
    pair; then the survey's answers and the meetings' pulse answers arrive one by one and
    the adversary reads after each."""
    program = new_program()
    departments = [DepartmentFactory(name=name) for name in BASE]
    pairs = [
        pair_in(
            program,
            mentee=UserFactory(department=departments[(2 * i) % 3]),
            mentor=UserFactory(department=departments[(2 * i + 1) % 3]),
        )
        for i in range(PAIRS)
    ]
    meetings = [held_meeting(pair) for pair in pairs]
    survey = open_survey(program, keys=("useful", "progress", "recommend"))
    questions = list(SurveyQuestion.objects.filter(survey=survey).order_by("position"))
    people = [p for pair in pairs for p in (pair.mentee.person, pair.mentor.person)]
    ids = Ids(
        program=program.pk,
        departments=[d.pk for d in departments],
        people=[people[0].pk, people[1].pk],
    )
    client = _hr_client(ids)
    skill_create(name="Facilitation")  # the skills page lists skills with their use
    results_only = {"hr_view:survey_results": READERS["hr_view:survey_results"]}
    readers = READERS if every_view else results_only

    useful, progress, recommend = (BANK[k].values() for k in ("useful", "progress", "recommend"))
    truth: dict[int, dict[tuple[str, int], str]] = {}
    events = []
    for i, person in enumerate(people):  # (a) survey answers, one person at a time
        values = (useful[i % len(useful)], progress[i % 3 % len(progress)], recommend[10 - i % 11])
        events.append(
            lambda person=person, values=values: survey_answer(
                survey=survey,
                person=person,
                values={q.pk: v for q, v in zip(questions, values, strict=True)},
            )
        )
        truth[person.pk] = {("mid", 0): BANK["useful"].label(values[0])}
    pulse_values = PULSE_QUESTIONS["useful"].values()
    pulse_people = []
    for i, (meeting, pair) in enumerate(
        (m, p) for m, p in zip(meetings, pairs, strict=True) for _ in range(2)
    ):
        person = pair.mentee.person if i % 2 == 0 else pair.mentor.person
        value = pulse_values[(i * 3) % len(pulse_values)]
        events.append(
            lambda meeting=meeting, person=person, value=value, choice=i % 3: pulse_answer(
                meeting=meeting, person=person, useful=value, progress=choice
            )
        )
        pulse_people.append(person.pk)
        truth.setdefault(person.pk, {})[("pulse", 0)] = PULSE_QUESTIONS["useful"].label(value)

    snapshots = [snapshot(client, ids, readers)]
    results = [adversary.read_results(client, ids)]
    for event in events:
        event()
        snapshots.append(snapshot(client, ids, readers))
        results.append(adversary.read_results(client, ids))
    arrivals = {"mid": [p.pk for p in people], "pulse": pulse_people}
    survey_phase = range(len(people) + 1)
    pulse_phase = range(len(people), len(events) + 1)
    return {
        "moments": {
            "mid": adversary.change_points([snapshots[i] for i in survey_phase]),
            "pulse": adversary.change_points([snapshots[i] for i in pulse_phase]),
        },
        "isolating": {
            **adversary.isolating_changes([snapshots[i] for i in survey_phase], K),
            **{
                f"(pulse) {key}": sizes
                for key, sizes in adversary.isolating_changes(
                    [snapshots[i] for i in pulse_phase], K
                ).items()
            },
        },
        "learnt": adversary.difference_answers(results, arrivals, K),
        "truth": truth,
        "released": results[-1],
        "snapshots": snapshots,
    }


@contextlib.contextmanager
def _every_answer_released() -> Iterator[None]:
    """The release rule taken away: once a question has the threshold of answers, every
    further answer is released at once."""
    stepped = release._stepped

    def eager(current, last, threshold):  # type: ignore[no-untyped-def]
        return stepped(current, [{**r, "n": 0} for r in last], threshold)

    release._stepped = eager  # type: ignore[assignment]
    try:
        yield
    finally:
        release._stepped = stepped  # type: ignore[assignment]


def test_no_hr_view_reveals_a_single_answer_however_it_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(hr_view.views, "PAIRS_PER_PAGE", 4)  # so that page 2 has pairs
    world = _answers_world(every_view=True)
    # What the adversary learns: every view, every figure, read together, changes only
    # after the 5th and the 10th answer of the survey and of the pulse: two groups of 5,
    assert world["moments"] == {"mid": [5, 10], "pulse": [5, 10]}
    # no single figure changes after fewer than 5 new answers,
    assert world["isolating"] == {}
    # and no subtraction of two readings of the results gives anyone's answer.
    assert world["learnt"] == {}
    # The readers were not reading empty pages: the released numbers are there, in steps of
    # K (10 of 12 survey answers and 10 of 12 pulse answers; the last two wait for a step),
    assert {key: q.n for key, q in world["released"].items()} == {
        ("mid", 0): 10,
        ("mid", 1): 10,
        ("mid", 2): 10,
        ("pulse", 0): 10,
        ("pulse", 1): 10,
    }
    # and every reader returned figures.
    last = world["snapshots"][-1]
    assert {key.split(" :: ")[0] for key in last} == set(READERS)


def test_the_adversary_has_teeth_without_the_release_rule() -> None:
    with _every_answer_released():
        world = _answers_world(every_view=False)
    learnt, truth = world["learnt"], world["truth"]
    # Answers 6 to 12 of the survey and of the pulse each show up alone: 14 people's.
    survey_learnt = {p: f for p, f in learnt.items() if ("mid", 0) in f}
    pulse_learnt = {p: f for p, f in learnt.items() if ("pulse", 0) in f}
    assert len(survey_learnt) == len(pulse_learnt) == 2 * PAIRS - K
    for person, found in learnt.items():
        for key in set(found) & set(truth[person]):
            assert found[key] == truth[person][key]
    # Single answers move the page: after the 5th, every answer is a moment of its own.
    assert world["moments"] == {"mid": list(range(5, 13)), "pulse": list(range(5, 13))}
    assert world["isolating"]


# ---------------------------------------------------------------- (b) departments


def _departments_world(*, every_view: bool = True) -> dict:
    """Three departments take part; then four people of a small one enrol one by one and
    leave one by one. The adversary reads every view after each step (or, for the teeth,
    only the breakdowns)."""
    program = new_program()
    departments = {name: DepartmentFactory(name=name) for name in [*BASE, SMALL]}
    for name, n in BASE.items():
        for _ in range(n):
            enrol(program, UserFactory(department=departments[name]))
    ids = Ids(
        program=program.pk,
        departments=[d.pk for d in departments.values()],
        people=[],
    )
    client = _hr_client(ids)
    small = [UserFactory(department=departments[SMALL]) for _ in range(4)]
    ids.people = [small[0].pk]

    def read() -> tuple[list[adversary.Observed], dict]:
        views = [reader(client, ids) for reader in adversary.DEPARTMENT_READERS.values()]
        return views, snapshot(client, ids) if every_view else {}

    readings, snapshots, truth = [], [], []
    views, figures = read()
    readings.append(views)
    snapshots.append(figures)
    truth.append(0)
    enrolments = []
    for person in small:
        enrolments.append(enrol(program, person))
        views, figures = read()
        readings.append(views)
        snapshots.append(figures)
        truth.append(len(enrolments))
    for enrolment in enrolments:
        enrolment_withdraw(enrolment=Enrolment.objects.get(pk=enrolment.pk))
        views, figures = read()
        readings.append(views)
        snapshots.append(figures)
        truth.append(truth[-1] - 1)
    return {"readings": readings, "snapshots": snapshots, "truth": truth}


NAMES = [*BASE, SMALL]


def test_no_hr_view_reveals_a_small_departments_count_at_any_one_time() -> None:
    """And over time, the known limit, stated exactly: complementary suppression holds at
    any one time, but an adversary who knows that one person enrolled or left between two
    readings pins the small department at 1 when it appears and when it is about to
    disappear (the cell that joins the merged rest was shown a moment before). HR's rosters
    show the same people by name, by design, so this tells HR nothing its participant list
    does not; a stepped release of the breakdown would close it (see this branch's report)."""
    world = _departments_world()
    readings, truth = world["readings"], world["truth"]
    # Xray is never shown on its own: its people are always in a merged cell.
    assert all(SMALL not in dict(view[0]) for views in readings for view in views)
    assert truth == [0, 1, 2, 3, 4, 3, 2, 1, 0]
    # Every view and filter read at one time, total minus shown: nothing to learn.
    learnt = adversary.attack_departments(
        readings, names=NAMES, rule=suppress_small_cells, threshold=K, over_time=False
    )
    assert learnt == []
    # Outside the breakdown and the rosters, no view puts the small department next to a
    # number (no second breakdown to subtract from).
    for figures in world["snapshots"]:
        leaking = [key for key in figures if SMALL in key and key.split(" :: ")[0] not in ROSTERS]
        assert leaking == []
    # Over time (one person more or fewer per step): exactly the department of one.
    learnt = adversary.attack_departments(
        readings, names=NAMES, rule=suppress_small_cells, threshold=K, over_time=True
    )
    small = [(t, n) for t, name, n in learnt if name == SMALL]
    assert small == [(1, 1), (7, 1)]
    assert all(truth[t] == n for t, n in small)


def test_the_adversary_has_teeth_against_the_naive_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hr_view.health, "suppress_small_cells", adversary.naive_suppression)
    world = _departments_world(every_view=False)
    learnt = adversary.attack_departments(
        world["readings"],
        names=NAMES,
        rule=adversary.naive_suppression,
        threshold=K,
        over_time=False,
    )
    # Total minus the shown cells is Xray itself, at every step it takes part.
    assert learnt == [(t, SMALL, n) for t, n in enumerate(world["truth"]) if n]


def test_the_report_breakdown_parsers_read_the_reports_markup() -> None:
    """The program report (branch ``export``) registers its readers after the merge; its
    department table and CSV rows, as that branch writes them, parse to the same cells."""
    html = (
        '<main><section class="card"><h2 id="report-departments">People</h2><table><tbody>'
        '<tr><th scope="row">Bravo</th><td class="num">9</td></tr>'
        '<tr><th scope="row">Other departments</th><td class="num">13</td></tr>'
        '<tr><th scope="row">In all</th><td class="num">22</td></tr>'
        "</tbody></table></section></main>"
    )
    expected = ((("Bravo", 9),), 13, 22)
    assert adversary.departments_in_html(html, "report-departments") == expected
    title = "People taking part, by department"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [
            ("Section", "Row", "Column", "Value"),
            ("Funnel", "Enrolled", "People", 22),
            (title, "Bravo", "People", 9),
            (title, "Other departments", "People", 13),
            (title, "In all", "People", 22),
        ]
    )
    assert adversary.departments_in_csv("\ufeff" + buffer.getvalue(), title) == expected
