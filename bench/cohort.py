"""HR's matching at real size: a 10,000-mentee, 4,000-mentor program in PostgreSQL.

Usage: python bench/cohort.py [--mentees 10000] [--mentors 4000] [--capacity 3] [--seed 1]
                              [--database mentoring_bench_cohort] [--repeat 5] [--send]
                              [--reuse] [--pages-only]
Needs PostgreSQL on 127.0.0.1: it (re)creates the database named by --database, builds
the program with bulk inserts (people in a reporting tree, departments, skills, languages,
availability, goals), then measures, in this process through Django's test client (server
time, no network):

- the HR matching run end to end (load, score, solve, save with explanations), and its
  number of SQL queries;
- the HR matching page (first page, another page, sorted by name, a name search) and
  HR's other pages of the program (the program list, the program's page, its
  participants: first and a late page, a name search, a filter), with size, queries and
  the median of ``--repeat`` requests;
- a swap of two proposals and a pair set by hand (the POSTs HR makes);
- publishing (the request; the introductions are enqueued on the configured broker, which
  the benchmark then purges; with ``--send`` it sends them in this process to Django's
  in-memory mailbox and checks that every person got exactly one);
- a mentee's shortlist in a mentee-choice program of the same people: the first view
  (which ranks every mentee's candidates once) and the views after it.

``--reuse`` keeps a database that an earlier ``--pages-only`` run left with its run
ready for review (building it only when there is none), and ``--pages-only`` measures the
run's pages and stops before the POSTs, so that pages can be measured again and again
against the same program. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = [
    "leadership", "negotiation", "public", "speaking", "hiring", "budgeting", "strategy",
    "product", "design", "data", "analysis", "coaching", "feedback", "delegation", "conflict",
    "career", "growth", "confidence", "presenting", "writing", "architecture", "testing",
    "security", "cloud", "finance", "marketing", "sales", "customers", "teams", "remote",
    "planning", "prioritising", "stakeholders", "influence", "promotion", "management",
]  # fmt: skip
ZONES = ["Europe/Berlin", "Europe/London", "America/New_York", "Asia/Kolkata", "Europe/Madrid"]
SLOTS = [f"{day}-{part}" for day in ("mon", "tue", "wed", "thu", "fri") for part in ("am", "pm")]
LANGUAGES = ["en", "de", "fr", "es", "nl"]
UNUSABLE = "!"  # Django's mark for a password nobody can sign in with
PROGRAM_NAME = "Leaders at scale"
HR_EMAIL = "hr@bench.example"


def _recreate_database(name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')


def _peak_megabytes() -> int:
    """The process's peak resident memory so far (Linux reports kilobytes)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _timed(action: Callable[[], Any]) -> tuple[Any, float, int]:
    """The action's result, its seconds and its number of SQL queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - started
    return result, seconds, len(queries)


def _seed_people(count: int, rng: np.random.Generator) -> list[int]:
    """``count`` people in 40 departments under a reporting tree (about six reports each)."""
    from people.models import Department, User

    departments = Department.objects.bulk_create(
        Department(name=f"Department {i}") for i in range(40)
    )
    users = User.objects.bulk_create(
        User(
            email=f"person{i}@bench.example",
            full_name=f"{WORDS[i % len(WORDS)].title()} Person {i:05d}",
            password=UNUSABLE,  # nobody signs in as them
            department=departments[int(rng.integers(0, len(departments)))],
        )
        for i in range(count)
    )
    for i, user in enumerate(users[1:], start=1):
        user.manager_id = users[(i - 1) // 6].pk
    User.objects.bulk_update(users, ["manager"], batch_size=5000)
    return [user.pk for user in users]


def _enrol(program: Any, people: list[int], role: str, capacity: int, rng: Any) -> None:
    from programs.models import Enrolment, Skill

    skills = list(Skill.objects.values_list("pk", flat=True))
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            program=program,
            person_id=person,
            role=role,
            status=Enrolment.Status.ACCEPTED,
            capacity=capacity if role == Enrolment.Role.MENTOR else None,
            goals=" ".join(rng.choice(WORDS, int(rng.integers(5, 20)))),
            languages=sorted({"en", str(rng.choice(LANGUAGES))}),
            availability=sorted(rng.choice(SLOTS, int(rng.integers(2, 7)), replace=False)),
            time_zone=str(rng.choice(ZONES)),
            years_experience=int(rng.integers(1, 10) if role == "mentee" else rng.integers(6, 30)),
        )
        for person in people
    )
    through = Enrolment.skills.through
    through.objects.bulk_create(
        through(enrolment_id=e.pk, skill_id=int(s))
        for e in enrolments
        for s in rng.choice(skills, int(rng.integers(2, 6)), replace=False)
    )


def _analyze() -> None:
    """Fresh statistics for the planner, as autovacuum keeps them in production."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _program(name: str, mode: str, status: str) -> Any:
    from django.utils import timezone

    from programs.models import Program

    today = timezone.localdate()
    return Program.objects.create(
        name=name, status=status, matching_mode=mode, enrolment_opens=today,
        enrolment_closes=today, starts_on=today, ends_on=today + dt.timedelta(days=365),
    )  # fmt: skip


def _median_get(client: Any, url: str, repeat: int) -> dict[str, object]:
    timings, sizes, queries = [], [], []
    for _ in range(repeat):
        response, seconds, count = _timed(lambda: client.get(url))
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        timings.append(seconds)
        sizes.append(len(response.content))
        queries.append(count)
    return {
        "median_ms": round(statistics.median(timings) * 1000, 1),
        "max_ms": round(max(timings) * 1000, 1),
        "kilobytes": round(sizes[-1] / 1024, 1),
        "queries": queries[-1],
    }


def _hr_pages(client: Any, program: Any, repeat: int) -> dict[str, object]:
    from django.urls import reverse

    from people.models import Department

    page = reverse("matching:runs", kwargs={"program_id": program.pk})
    participants = reverse("hr_view:participants", kwargs={"program_id": program.pk})
    department = Department.objects.order_by("pk").values_list("pk", flat=True)[3]
    urls = {
        "first_page": page,
        "page_20": page + "?page=20",
        "sorted_by_mentee_page_7": page + "?sort=mentee&page=7",
        "searching_a_mentee_and_a_mentor": page + "?mentee_q=Person+0123&mentor_q=Person+1",
        "program_list": reverse("programs:hr_list"),
        "program_page": reverse("programs:hr_detail", kwargs={"program_id": program.pk}),
        "participants_first_page": participants,
        "participants_page_200": participants + "?page=200",
        "participants_searching_a_name": participants + "?name=Person+0123",
        "participants_mentors_of_a_department": (
            participants + f"?role=mentor&department={department}"
        ),
    }
    return {name: _median_get(client, url, repeat) for name, url in urls.items()}


def _swap(client: Any, run: Any, repeat: int) -> dict[str, object]:
    """Swap pairs of proposals with different mentors, until ``repeat`` succeeded."""
    from django.urls import reverse

    from matching.models import Proposal

    url = reverse("matching:proposal_swap", kwargs={"run_id": run.pk})
    proposals = list(Proposal.objects.filter(run=run).order_by("pk")[:400])
    timings: list[float] = []
    queries = refused = 0
    for first, second in zip(proposals[::2], proposals[1::2], strict=False):
        if first.mentor_id == second.mentor_id:
            continue
        response, seconds, queries = _timed(
            lambda a=first, b=second: client.post(url, {"first": a.pk, "second": b.pk})
        )
        if response.status_code == 302:
            timings.append(seconds)
        else:
            refused += 1  # the rules refuse this swap: it is checked, and changes nothing
        if len(timings) >= repeat:
            break
    return {
        "swaps": len(timings),
        "refused_by_the_rules": refused,
        "median_ms": round(statistics.median(timings) * 1000, 1) if timings else None,
        "max_ms": round(max(timings) * 1000, 1) if timings else None,
        "queries": queries,
    }


def _set_by_hand(client: Any, run: Any) -> dict[str, object]:
    from django.urls import reverse

    from matching.models import Proposal

    proposal = Proposal.objects.filter(run=run).order_by("-pk").first()
    if proposal is None:
        raise RuntimeError("the run proposed nothing")
    url = reverse("matching:proposal_set", kwargs={"run_id": run.pk})
    data = {"mentee": proposal.mentee_id, "mentor": proposal.mentor_id}
    response, seconds, queries = _timed(lambda: client.post(url, data))
    return {"status": response.status_code, "ms": round(seconds * 1000, 1), "queries": queries}


def _publish(client: Any, run: Any, send: bool) -> dict[str, object]:
    from django.core import mail
    from django.test import override_settings
    from django.urls import reverse

    from matching import tasks
    from matching.models import Pair
    from matching.notifications import pair_introduction_recipients, pair_introduction_send_to
    from mentoring.celery import app

    batches: list[list[int]] = []
    real = tasks.send_pair_introductions.delay

    def counted(pair_ids: list[int]) -> Any:
        batches.append(pair_ids)
        return real(pair_ids)

    tasks.send_pair_introductions.delay = counted  # type: ignore[method-assign]
    try:
        url = reverse("matching:run_publish", kwargs={"run_id": run.pk})
        response, seconds, queries = _timed(lambda: client.post(url))
    finally:
        tasks.send_pair_introductions.delay = real  # type: ignore[method-assign]
    app.control.purge()  # the benchmark's own messages: no worker takes them here
    pairs = Pair.objects.filter(program_id=run.program_id).count()
    result: dict[str, object] = {
        "status": response.status_code,
        "pairs": pairs,
        "request_seconds": round(seconds, 2),
        "queries": queries,
        "introduction_messages": len(batches),
    }
    if send:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            mail.outbox = []
            started = time.perf_counter()
            for batch in batches:
                for pair_id in batch:
                    for person in pair_introduction_recipients(pair_id=pair_id):
                        pair_introduction_send_to(pair_id=pair_id, person_id=person)
            result["introductions_seconds"] = round(time.perf_counter() - started, 1)
            sent = Counter((m.to[0], m.body) for m in mail.outbox)
            result["emails"] = len(mail.outbox)
            result["emails_expected"] = 2 * pairs  # mentee and mentor of each pair
            result["duplicate_emails"] = sum(count - 1 for count in sent.values())
    return result


def _shortlists(people: list[int], mentees: int, repeat: int) -> dict[str, object]:
    from django.test import Client
    from django.urls import reverse

    from matching.shortlists import shortlists_rank
    from mentoring.celery import app
    from people.models import User
    from programs.models import Enrolment, Program

    program = _program("Choose your mentor", Program.MatchingMode.CHOICE, Program.Status.OPEN)
    rng = np.random.default_rng(7)
    _enrol(program, people[:mentees], Enrolment.Role.MENTEE, 0, rng)
    _enrol(program, people[mentees:], Enrolment.Role.MENTOR, 3, rng)
    _analyze()
    url = reverse("matching:shortlist", kwargs={"program_id": program.pk})
    clients = []
    for person_id in people[: repeat + 1]:
        client = Client()
        client.force_login(User.objects.get(pk=person_id))
        clients.append(client)

    def view(client: Client) -> tuple[float, int]:
        response, seconds, queries = _timed(lambda: client.get(url))
        if response.status_code != 200:
            raise RuntimeError(f"the shortlist answered {response.status_code}")
        return seconds, queries

    before, _queries = view(clients[0])  # ranks this mentee alone, asks for the ranking
    app.control.purge()  # the benchmark ranks here instead of in a worker
    _ranked, ranking, _queries = _timed(lambda: shortlists_rank(program=program))
    timings, queries = [], 0
    for client in clients[1:]:
        seconds, queries = view(client)
        timings.append(seconds)
    return {
        "view_before_the_ranking_ms": round(before * 1000, 1),
        "ranking_everyone_in_the_background_seconds": round(ranking, 1),
        "median_ms": round(statistics.median(timings) * 1000, 1),
        "max_ms": round(max(timings) * 1000, 1),
        "queries": queries,
    }


def _database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres") as db:
        found = db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return found is not None


def _kept_run() -> Any:
    """The run an earlier ``--pages-only`` left ready for review, if there is one."""
    from matching.models import MatchRun

    return (
        MatchRun.objects.filter(
            program__name=PROGRAM_NAME, status=MatchRun.Status.DONE, started_by__email=HR_EMAIL
        )
        .select_related("program", "started_by")
        .first()
    )


def _build(args: argparse.Namespace, result: dict[str, object]) -> Any:
    """Build the program and run matching on it; the run, with timings in ``result``."""
    from matching.models import MatchRun
    from matching.runs import match_run_execute
    from people.models import User
    from programs.models import Enrolment, Program, Skill
    from tests.factories import make_hr_admin

    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    Skill.objects.bulk_create(Skill(name=f"{w.title()} {i}") for i, w in enumerate(WORDS * 2))
    people = _seed_people(args.mentees + args.mentors, rng)
    program = _program(PROGRAM_NAME, Program.MatchingMode.COHORT, Program.Status.MATCHING)
    _enrol(program, people[: args.mentees], Enrolment.Role.MENTEE, 0, rng)
    _enrol(program, people[args.mentees :], Enrolment.Role.MENTOR, args.capacity, rng)
    hr = make_hr_admin(User.objects.create_user(HR_EMAIL, "x", full_name="Bench HR"))
    _analyze()
    result["seed_seconds"] = round(time.perf_counter() - started, 1)
    result["peak_mb_after_seeding"] = _peak_megabytes()
    run = MatchRun.objects.create(program=program, started_by=hr)
    run, seconds, queries = _timed(lambda: match_run_execute(run_id=run.pk))
    result["run"] = {
        "seconds": round(seconds, 2),
        "queries": queries,
        "matched": run.statistics["matched"],
        "seconds_scoring": run.statistics["seconds_scoring"],
        "seconds_solving": run.statistics["seconds_solving"],
        "peak_mb_after_the_run": _peak_megabytes(),
    }
    _analyze()  # as autovacuum would after 10,000 new proposals
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mentees", type=int, default=10_000)
    parser.add_argument("--mentors", type=int, default=4_000)
    parser.add_argument("--capacity", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database", default="mentoring_bench_cohort")
    parser.add_argument("--send", action="store_true", help="also send the introductions")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database of an earlier --pages-only run"
    )
    parser.add_argument(
        "--pages-only", action="store_true", help="measure the pages, then stop before the POSTs"
    )
    args = parser.parse_args()
    url = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="bench.settings")
    reuse = args.reuse and _database_exists(args.database)
    if not reuse:
        _recreate_database(args.database)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from people.models import User

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)  # on a kept database: only what is new since
    result: dict[str, object] = {
        "mentees": args.mentees,
        "mentors": args.mentors,
        "capacity": args.capacity,
    }
    run = _kept_run() if reuse else None
    if run is None:
        if reuse:  # a database without a run ready for review: build it anew
            connection.close()
            _recreate_database(args.database)
            call_command("migrate", verbosity=0)
        run = _build(args, result)
    else:
        _analyze()
        result["reused"] = True
    program = run.program
    client = Client()
    client.force_login(run.started_by)
    result["hr_pages"] = _hr_pages(client, program, args.repeat)
    if args.pages_only:
        print(json.dumps(result, indent=1))
        return
    result["swap"] = _swap(client, run, args.repeat)
    result["set_by_hand"] = _set_by_hand(client, run)
    result["publish"] = _publish(client, run, args.send)
    _analyze()
    page = reverse("matching:runs", kwargs={"program_id": program.pk})
    result["published_page"] = _median_get(client, page + "?pairs_page=30", args.repeat)
    result["peak_mb_after_the_hr_pages_and_publishing"] = _peak_megabytes()
    people = list(
        User.objects.filter(email__startswith="person", email__endswith="@bench.example")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    result["shortlist"] = _shortlists(people, args.mentees, args.repeat)
    result["peak_mb_at_the_end"] = _peak_megabytes()
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
