"""Benchmark HR's program health on a large program, and the world it is measured on.

Usage: python bench/health.py [--people 25000] [--pairs 10000] [--meetings-per-pair 45]
                              [--answers 50000] [--clients 8] [--seconds 8] [--rounds 4]
                              [--database bench_perf] [--reuse]
Needs PostgreSQL on 127.0.0.1: it (re)creates the databases ``<database>_full`` and
``<database>_tenth`` and seeds one program in each (``seed_health_program``): ``--people``
enrolled (60% mentees, 40% mentors with two places each), ``--pairs`` pairs, up to
``--meetings-per-pair`` meetings a pair over the program's life (some cancelled, some ahead,
each with its attendance rows), invitations, a few ended pairs, and ``--answers`` check-in
answers released as the app releases them; the tenth database has a tenth of each.
In each, a process of its own counts the queries of every page, cold (figures counted) and
warm (kept figures served), and times one count in-process. Then gunicorn (``bench.pages``'
machinery: two workers, ``--clients`` concurrent clients, the pages taking turns) serves the
full database: the minimal signed-in page, the health page, the survey results, a deep
page of the pairs sorted by stalled-ness and, for comparison, HR's program list. Prints
one JSON object: requests per second, p50, p95 and share of the minimal page's throughput
per page, queries per page at both sizes, the load average before and after. Give
CACHE_URL (redis) to measure the cache the deployment uses; without it, the file cache in
var/. The databases stay for ``--reuse``; drop them when done.

``seed_health_program`` is also the world of ``tests/hr_view/test_health.py`` (small sizes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEPARTMENT_WEIGHTS = (30, 20, 15, 12, 10, 8, 5)  # and one tiny department of 3 people


def seed_health_program(
    *,
    people: int,
    meetings_per_pair: int,
    now: dt.datetime,
    seed: int = 7,
    tag: str = "h",
    pairs: int | None = None,
    answers: int = 0,
) -> Any:
    """One active program, started 40 weeks ago, with ``people`` enrolled; returns it.

    ``pairs``: at most this many (else 90% of the accepted mentees). Every meeting has its
    members' attendance rows (never two of one person at once: a mentor's pairs meet at
    different hours). ``answers``: about this many check-in answers, 40% to a mid-program
    survey of five questions and 60% pulses after held meetings, released to HR as the app
    releases them (``checkins.release.release_if_due``, here after every few hundred)."""
    from django.db import transaction

    from matching.models import Pair
    from meetings.models import Attendance, Meeting
    from people.models import Department, User
    from programs.models import Enrolment, Invitation, Program

    rng = random.Random(seed)
    today = now.date()
    with transaction.atomic():
        program = Program.objects.create(
            name=f"Health bench {tag}",
            status=Program.Status.ACTIVE,
            enrolment_opens=today - dt.timedelta(weeks=44),
            enrolment_closes=today - dt.timedelta(weeks=41),
            starts_on=today - dt.timedelta(weeks=40),
            ends_on=today + dt.timedelta(weeks=12),
        )
        departments = [
            Department.objects.get_or_create(name=f"Dept {tag}{i}")[0]
            for i in range(len(DEPARTMENT_WEIGHTS) + 1)
        ]
        tiny = departments[-1]
        users = User.objects.bulk_create(
            User(
                email=f"{tag}{n}@health.example",
                full_name=f"Person {tag}{n}",
                department=tiny
                if n < 3
                else rng.choices(departments[:-1], weights=DEPARTMENT_WEIGHTS)[0],
                time_zone="UTC",
            )
            for n in range(people)
        )
        mentees_n = people * 6 // 10
        statuses = (
            [Enrolment.Status.ACCEPTED] * 90
            + [Enrolment.Status.PENDING] * 5
            + [Enrolment.Status.WITHDRAWN] * 5
        )
        enrolments = Enrolment.objects.bulk_create(
            Enrolment(
                program=program,
                person=user,
                role=Enrolment.Role.MENTEE if n < mentees_n else Enrolment.Role.MENTOR,
                status=Enrolment.Status.ACCEPTED if n >= mentees_n else rng.choice(statuses),
                capacity=None if n < mentees_n else 2,
                time_zone="UTC",
            )
            for n, user in enumerate(users)
        )
        enrolled_at = [now - dt.timedelta(weeks=43, days=rng.randint(0, 20)) for _ in enrolments]
        for enrolment, when in zip(enrolments, enrolled_at, strict=True):
            enrolment.created_at = when
        Enrolment.objects.bulk_update(enrolments, ["created_at"], batch_size=2000)
        Invitation.objects.bulk_create(
            Invitation(program=program, person=user) for user in users[: people // 3]
        )
        mentees = [e for e in enrolments[:mentees_n] if e.status == Enrolment.Status.ACCEPTED]
        mentors = enrolments[mentees_n:]
        seats = [m for m in mentors for _ in range(2)]
        rng.shuffle(seats)
        paired = mentees[: int(len(mentees) * 0.9)]
        if pairs is not None:
            paired = paired[:pairs]
        pairs = Pair.objects.bulk_create(
            Pair(
                program=program,
                mentee=mentee,
                mentor=mentor,
                origin=Pair.Origin.COHORT,
                status=Pair.Status.ACTIVE,
            )
            for mentee, mentor in zip(paired, seats, strict=False)
        )
        meetings = []
        seats_taken: dict[int, int] = {}
        hour_of: dict[int, int] = {}  # a mentor's pairs meet at 9:00, 11:00, ...
        for pair in pairs:
            hour_of[pair.pk] = 9 + 2 * seats_taken.get(pair.mentor_id, 0)
            seats_taken[pair.mentor_id] = seats_taken.get(pair.mentor_id, 0) + 1
        for i, pair in enumerate(pairs):
            pair.started_at = now - dt.timedelta(weeks=40, days=rng.randint(0, 60))
            if i % 25 == 0:
                pair.status = Pair.Status.ENDED
                pair.ended_at = pair.started_at + dt.timedelta(days=rng.randint(20, 120))
            if i % 7 == 0:
                continue  # a pair that never met
            quiet = rng.choice((0, 0, 0, 3, 6, 10))  # weeks since they last met
            span = max((now - pair.started_at).days - 7 * quiet, 1)
            days = rng.sample(range(1, span + 1), min(rng.randint(1, meetings_per_pair), span))
            for k, day in enumerate(days):
                start = pair.started_at + dt.timedelta(days=day, hours=hour_of[pair.pk])
                cancelled = k % 9 == 8
                meetings.append(
                    Meeting(
                        pair=pair,
                        start=start,
                        end=start + dt.timedelta(hours=1),
                        status=Meeting.Status.CANCELLED if cancelled else Meeting.Status.SCHEDULED,
                        place=f"Room {tag}-{i}",
                    )
                )
            if i % 3 == 0:  # one ahead
                start = now + dt.timedelta(days=rng.randint(1, 20), hours=hour_of[pair.pk])
                meetings.append(Meeting(pair=pair, start=start, end=start + dt.timedelta(hours=1)))
        Pair.objects.bulk_update(pairs, ["started_at", "status", "ended_at"], batch_size=2000)
        Meeting.objects.bulk_create(meetings, batch_size=5000)
        members = {p.pk: (p.mentee.person_id, p.mentor.person_id) for p in pairs}
        Attendance.objects.bulk_create(
            (
                Attendance(
                    meeting=m, person_id=person, start=m.start, end=m.end,
                    active=m.status == Meeting.Status.SCHEDULED, response="accepted",
                )
                for m in meetings
                for person in members[m.pair_id]
            ),
            batch_size=5000,
        )  # fmt: skip
    if answers:
        _seed_checkins(program, meetings, members, answers=answers, now=now, rng=rng)
    return program


SURVEY_KEYS = ("useful", "pair_fit", "cadence", "progress", "recommend")


def _seed_checkins(
    program: Any,
    meetings: list[Any],
    members: dict[int, tuple[int, int]],
    *,
    answers: int,
    now: dt.datetime,
    rng: random.Random,
    step: int = 400,
) -> None:
    """About ``answers`` check-in answers: a mid-program survey (five questions a response)
    and pulses after held meetings, stored in batches of ``step`` answers, each batch
    followed by the release the app would make (``release_if_due``)."""
    from django.db import transaction

    from checkins.bank import BANK, PULSE_PROGRESS, PULSE_USEFUL
    from checkins.models import PulseAnswer, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
    from checkins.release import release_if_due
    from meetings.models import Meeting

    survey = Survey.objects.create(
        program=program,
        kind=Survey.Kind.MID,
        opens_at=now - dt.timedelta(weeks=20),
        closes_at=now + dt.timedelta(weeks=2),
        invited_at=now - dt.timedelta(weeks=20),
    )
    questions = SurveyQuestion.objects.bulk_create(
        SurveyQuestion(survey=survey, key=key, position=n) for n, key in enumerate(SURVEY_KEYS)
    )
    people = sorted({person for pair in members.values() for person in pair})
    rng.shuffle(people)
    respondents = people[: min(len(people), answers * 2 // 5 // len(questions))]
    for first in range(0, len(respondents), step // len(questions)):
        with transaction.atomic():
            responses = SurveyResponse.objects.bulk_create(
                SurveyResponse(survey=survey, person_id=person, submitted_at=now)
                for person in respondents[first : first + step // len(questions)]
            )
            SurveyAnswer.objects.bulk_create(
                SurveyAnswer(
                    response=response,
                    question=question,
                    value=rng.choice(BANK[question.key].values()),
                )
                for response in responses
                for question in questions
            )
            release_if_due(program_id=program.pk, survey=survey)
    held = [m for m in meetings if m.status == Meeting.Status.SCHEDULED and m.end <= now]
    pulses = [(m, person) for m in held for person in members[m.pair_id]]
    rng.shuffle(pulses)
    pulses = pulses[: max(answers - len(respondents) * len(questions), 0)]
    for first in range(0, len(pulses), step):
        with transaction.atomic():
            PulseAnswer.objects.bulk_create(
                PulseAnswer(
                    meeting=meeting,
                    program=program,
                    person_id=person,
                    useful=rng.choice(PULSE_USEFUL.values()),
                    progress=rng.choice(PULSE_PROGRESS.values()),
                    answered_at=meeting.end,
                )
                for meeting, person in pulses[first : first + step]
            )
            release_if_due(program_id=program.pk, survey=None)


PAGES = ("minimal", "health", "results", "pairs_stalled")


def _prepare(args: argparse.Namespace) -> dict[str, Any]:
    """In the process that seeded (or found) the database: each page's address and session
    cookie, the queries each page runs when it counts (cache cold) and when it serves kept
    figures (warm), and the time one count takes in-process."""
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse
    from django.utils import timezone

    from checkins.models import PulseAnswer, SurveyAnswer
    from hr_view.health import KeptPairRows, count_health
    from meetings.models import Attendance, Meeting
    from people.models import User
    from programs.health import program_facts
    from programs.models import Program
    from tests.factories import make_hr_admin

    now = timezone.now()
    seeded = None
    if not args.reuse:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        seed_health_program(
            people=args.people // args.divide,
            pairs=args.pairs // args.divide,
            meetings_per_pair=args.meetings_per_pair,
            answers=args.answers // args.divide,
            now=now,
            tag="b",
        )
        seeded = round(time.perf_counter() - started, 1)
        from bench.pages import _analyze

        _analyze()
        make_hr_admin(User.objects.create_user("hr@health.example", "x", full_name="HR"))
    program = Program.objects.get(name="Health bench b")
    hr = User.objects.get(email="hr@health.example")
    client = Client()
    client.force_login(hr)
    health = reverse("hr_view:health", kwargs={"program_id": program.pk})
    paths = {
        "minimal": "/bench/minimal/",
        "health": health,
        "results": reverse("hr_view:survey_results", kwargs={"program_id": program.pk}),
        "pairs_stalled": f"{health}?sort=stalled&page=100",
        # For comparison: HR's program list, kept rendered as well, with the same access
        # checks as the health page (roles, two-step sign-in) but no program to look up.
        "hr_program_list": reverse("programs:hr_list"),
    }
    cache.clear()  # figures an earlier database left under the same program id
    queries: dict[str, dict[str, int]] = {"cold": {}, "warm": {}}
    for path_name, path in paths.items():
        for state in ("cold", "warm"):
            seconds = 0 if state == "cold" else 300
            with override_settings(MENTORING_HEALTH_FRESH_SECONDS=seconds):
                client.get(path)  # the session, and for "warm" the kept figures
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
            queries[state][path_name] = len(captured.captured_queries)
    timings = []
    facts = program_facts(program_id=program.pk)
    for _ in range(args.count_rounds):
        started = time.perf_counter()
        count_health(program=facts, now=timezone.now())
        KeptPairRows(program=facts, sort="stalled", now=timezone.now())[0:50]
        timings.append((time.perf_counter() - started) * 1000)
        cache.clear()
    timings.sort()
    cache.clear()
    return {
        "database": connection.vendor,
        "size": {
            "people": User.objects.count(),
            "pairs": program.pairs.count(),
            "meetings": Meeting.objects.filter(pair__program=program).count(),
            "attendances": Attendance.objects.filter(meeting__pair__program=program).count(),
            "checkin_answers": SurveyAnswer.objects.filter(
                response__survey__program=program
            ).count()
            + PulseAnswer.objects.filter(program=program).count(),
        },
        "seed_seconds": seeded,
        "queries": queries,
        "count_in_process_ms": {
            "median": round(statistics.median(timings), 1),
            "max": round(timings[-1], 1),
        },
        "cookie": client.cookies["sessionid"].value,
        "paths": paths,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=25_000)
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument(
        "--meetings-per-pair", type=int, default=45, help="at most; about half on average"
    )
    parser.add_argument("--answers", type=int, default=50_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=8.0, help="per page, in all")
    parser.add_argument("--rounds", type=int, default=4, help="turns the pages take")
    parser.add_argument("--count-rounds", type=int, default=5)
    parser.add_argument("--database", default="bench_perf")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the databases a former run seeded"
    )
    parser.add_argument("--divide", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:  # in a process of its own, for the database named in DATABASE_URL
        print(json.dumps(_prepare(args)))
        return
    from bench import pages

    prepared = {}
    for size, divide in (("tenth", 10), ("full", 1)):
        name = f"{args.database}_{size}"
        if not args.reuse:
            pages._recreate_database(name)
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}",
            "DJANGO_SETTINGS_MODULE": "bench.settings",
        }
        command = [sys.executable, __file__, "--prepare", "--divide", str(divide)]
        command += [
            f"--{k.replace('_', '-')}={v}"
            for k, v in vars(args).items()
            if k in ("people", "pairs", "meetings_per_pair", "answers", "count_rounds")
        ]
        command += ["--reuse"] if args.reuse else []
        done = subprocess.run(  # noqa: S603 - this script, fixed arguments
            command, env=env, cwd=ROOT, check=False, capture_output=True, text=True
        )
        if done.returncode:
            raise SystemExit(f"preparing {name} failed:\n{done.stderr}")
        prepared[size] = json.loads(done.stdout.strip().splitlines()[-1])
    full = prepared["full"]
    os.environ.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}_full",
        DJANGO_SETTINGS_MODULE="bench.settings",
    )
    cookies = dict.fromkeys(full["paths"].values(), full["cookie"])
    port = pages._free_port()
    load_before = os.getloadavg()
    server = pages._serve(ROOT, port)
    try:
        pages._wait_until_serving(port)
        for path in cookies:  # count the figures once, one request at a time
            pages._load(port, path, full["cookie"], 1, 0.01)
        for path in cookies:  # warm both workers
            pages._load(port, path, full["cookie"], args.clients, 1.0)
        measured = pages._measure([port], cookies, args.clients, args.seconds, args.rounds)[0]
    finally:
        server.terminate()
        server.wait(timeout=20)
    load_after = os.getloadavg()
    minimal = measured[full["paths"]["minimal"]]
    figures = {
        name: {
            "path": path,
            **measured[path],
            "share_of_minimal": round(
                measured[path]["requests_per_second"] / minimal["requests_per_second"], 3
            ),
        }
        for name, path in full["paths"].items()
    }
    print(
        json.dumps(
            {
                "clients": args.clients,
                "seconds_per_page": args.seconds,
                "cache": os.environ.get("CACHE_URL", "file (default)").split("://")[0],
                "fresh_seconds": 300,
                "load_average": {"before": load_before, "after": load_after},
                "pages": figures,
                "queries": {size: p["queries"] for size, p in prepared.items()},
                "queries_equal": prepared["full"]["queries"] == prepared["tenth"]["queries"],
                "size": {size: p["size"] for size, p in prepared.items()},
                "seed_seconds": {size: p["seed_seconds"] for size, p in prepared.items()},
                "count_in_process_ms": {
                    size: p["count_in_process_ms"] for size, p in prepared.items()
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
