"""Benchmark the manager page against a minimal signed-in page, served by gunicorn.

Usage: python bench/pages.py [--clients 8] [--seconds 8] [--rounds 4] [--reports 50]
                             [--meetings 1000] [--also PATH ...]
       python bench/pages.py --scale 10 [--clients 8] [--seconds 8] [--rounds 4]
                             [--reuse] [--only PAGE ...] [--baseline CHECKOUT]
Needs PostgreSQL: it (re)creates the database named by --database on 127.0.0.1.
Prints one JSON object: requests per second and p50/p95 latency for both pages, and
the manager page's share of the minimal page's throughput; with ``--also``, the same
figures for more pages under "also" (e.g. ``--also /team/feed/``, the lightest page with
the site layout, or ``--also "/team/?view=list"``). The pages take turns (``--rounds``),
so that other load on the machine weighs on each alike.

``--reuse`` measures on the database a former run seeded, ``--only`` some of the pages,
and ``--baseline CHECKOUT`` serves another checkout's code (main's, say) beside this one,
on the same database, the two measured in turns: the figures to compare are each one's
shares of its own minimal page.

``--scale N`` measures the everyday pages instead, on N times the demo's size: 1,000 N
people in one program (every one enrolled, 400 N pairs, a few meetings each), a pair with
20 N meetings and a meeting of it with 5 N agenda items, 2 N more programs. The pages: the
mentee's home, the pair's meetings, that meeting's journal (signed in as the mentee), and
HR's program list (signed in as an HR admin), each with its share of the minimal page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MINIMAL, MANAGER = "/bench/minimal/", "/team/"
SCALE_PAGES = ("mentee_home", "pair_meetings", "meeting_journal", "hr_program_list")
sys.path.insert(0, str(ROOT))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _recreate_database(name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')


def _seed(reports: int, meetings: int) -> str:
    """A manager with ``reports`` reports, each paired, ``meetings`` meetings in all.
    Returns the manager's session cookie."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from matching.models import Pair
    from meetings.models import Attendance, Meeting
    from people.models import User
    from programs.models import Enrolment, Program

    call_command("migrate", verbosity=0)
    manager = User.objects.create_user("manager@bench.example", "x", full_name="Bench Manager")
    today = timezone.localdate()
    now = timezone.now()
    program = Program.objects.create(
        name="Bench", status=Program.Status.ACTIVE, enrolment_opens=today,
        enrolment_closes=today, starts_on=today, ends_on=today + dt.timedelta(days=365),
    )  # fmt: skip
    per_report = max(meetings // reports, 1)
    rows: list[tuple[Pair, dt.datetime]] = []
    for n in range(reports):
        mentee = User.objects.create_user(
            f"report{n}@bench.example", "x", full_name=f"Report {n}", manager=manager
        )
        mentor = User.objects.create_user(f"mentor{n}@bench.example", "x", full_name=f"M {n}")
        enrolments = [
            Enrolment.objects.create(
                program=program, person=p, role=role, status="accepted", time_zone="UTC",
                capacity=1 if role == "mentor" else None,
            )
            for p, role in ((mentee, "mentee"), (mentor, "mentor"))
        ]  # fmt: skip
        pair = Pair.objects.create(
            program=program, mentee=enrolments[0], mentor=enrolments[1], origin="manual"
        )
        # Every third day, half before and half after now: the default two-week window
        # then holds about 14/3 meetings per report (~230 for 50 reports).
        first = now - dt.timedelta(days=per_report * 3 // 2) + dt.timedelta(hours=n)
        rows += [(pair, first + dt.timedelta(days=3 * k)) for k in range(per_report)]
    created = Meeting.objects.bulk_create(
        Meeting(pair=pair, start=start, end=start + dt.timedelta(hours=1)) for pair, start in rows
    )
    Attendance.objects.bulk_create(
        Attendance(meeting=m, person_id=person, start=m.start, end=m.end, response="accepted")
        for m, (pair, _) in zip(created, rows, strict=True)
        for person in (pair.mentee.person_id, pair.mentor.person_id)
    )
    _analyze()
    client = Client()
    client.force_login(manager)
    return client.cookies["sessionid"].value


def _seed_scale(scale: int) -> dict[str, str]:
    """The everyday pages at ``scale`` times the demo's size; each page's address with
    the session cookie of the person who reads it (the minimal page: the mentee)."""
    import django

    django.setup()
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.utils import timezone

    from journal.models import AgendaItem
    from matching.models import Pair
    from meetings.models import Attendance, Meeting
    from people.models import HR_ADMIN_GROUP, Department, User
    from programs.models import Enrolment, Program

    call_command("migrate", verbosity=0)
    people, pairs = 1000 * scale, 400 * scale
    today, now = timezone.localdate(), timezone.now()
    departments = Department.objects.bulk_create(
        Department(name=f"Department {n}") for n in range(8)
    )
    users = User.objects.bulk_create(
        User(
            email=f"person{n}@bench.example", full_name=f"Person {n:05d}",
            password=UNUSABLE_PASSWORD_PREFIX, department=departments[n % 8], title="Engineer",
            time_zone="Europe/Berlin",
        )
        for n in range(people)
    )  # fmt: skip
    for n, user in enumerate(users):  # about six reports per manager
        user.manager_id = users[n // 6].pk if n else None
    User.objects.bulk_update(users, ["manager"], batch_size=2000)
    hr_admin = users[1]
    hr_admin.groups.add(Group.objects.get(name=HR_ADMIN_GROUP))
    programs = Program.objects.bulk_create(
        Program(
            name=f"Program {n}", status=(Program.Status.ACTIVE, Program.Status.OPEN,
                                         Program.Status.CLOSED)[n % 3],
            enrolment_opens=today - dt.timedelta(days=30),
            enrolment_closes=today + dt.timedelta(days=30),
            starts_on=today - dt.timedelta(days=n), ends_on=today + dt.timedelta(days=365),
        )
        for n in range(1 + 2 * scale)
    )  # fmt: skip
    main = programs[0]
    # The main program: everyone enrolled, the first ``pairs`` mentees each with a mentor
    # of the last ``pairs`` people; the others a small share each.
    enrolments = Enrolment.objects.bulk_create(
        (
            Enrolment(
                program=main, person=user, time_zone="UTC", languages=["en"],
                role="mentor" if n >= people - pairs else "mentee",
                capacity=1 if n >= people - pairs else None,
                status="pending" if n % 10 == 9 and pairs <= n < people - pairs else "accepted",
            )
            for n, user in enumerate(users)
        ),
        batch_size=2000,
    )  # fmt: skip
    Enrolment.objects.bulk_create(
        (
            Enrolment(
                program=program, person=users[(k * 7 + n) % people], time_zone="UTC",
                role="mentee" if n % 2 else "mentor", status="accepted",
                capacity=None if n % 2 else 2,
            )
            for k, program in enumerate(programs[1:], start=1)
            for n in range(people // 20)
        ),
        batch_size=2000,
        ignore_conflicts=True,
    )  # fmt: skip
    created = Pair.objects.bulk_create(
        Pair(program=main, mentee=enrolments[n], mentor=enrolments[people - pairs + n],
             origin="manual")
        for n in range(pairs)
    )  # fmt: skip
    # Every pair: two meetings in the last month and one ahead; the last pair (its mentee
    # manages nobody): 20 per scale, one a week, half before now and half after.
    rows: list[tuple[Pair, dt.datetime]] = []
    for n, pair in enumerate(created):
        hour = dt.timedelta(hours=n % 8)
        if n == pairs - 1:
            weeks = 20 * scale
            rows += [
                (pair, now + dt.timedelta(weeks=k - weeks // 2, hours=1)) for k in range(weeks)
            ]
        else:
            rows += [(pair, now + dt.timedelta(days=d) + hour) for d in (-30, -14, 14)]
    meetings = Meeting.objects.bulk_create(
        (Meeting(pair=p, start=start, end=start + dt.timedelta(hours=1)) for p, start in rows),
        batch_size=2000,
    )  # fmt: skip
    Attendance.objects.bulk_create(
        (
            Attendance(meeting=m, person_id=person, start=m.start, end=m.end, response="accepted")
            for m, (pair, _) in zip(meetings, rows, strict=True)
            for person in (pair.mentee.person_id, pair.mentor.person_id)
        ),
        batch_size=2000,
    )
    first = created[-1]
    mentee = users[pairs - 1]
    agenda_meeting = next(m for m in meetings if m.pair_id == first.pk and m.start > now)
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=agenda_meeting, author=mentee, text=f"Agenda item {k}")
        for k in range(5 * scale)
    )
    _analyze()
    return _scale_pages(scale)


def _scale_pages(scale: int) -> dict[str, str]:
    """The pages ``_seed_scale`` made, found again in its database, each with a new
    session of the person who reads it."""
    import django

    django.setup()
    from django.test import Client

    from journal.models import AgendaItem
    from matching.models import Pair
    from people.models import User

    mentee = User.objects.get(email=f"person{400 * scale - 1}@bench.example")
    hr_admin = User.objects.get(email="person1@bench.example")
    pair = Pair.objects.get(mentee__person=mentee)
    agenda_meeting_id = AgendaItem.objects.filter(meeting__pair=pair).values("meeting")[:1].get()
    cookies: dict[str, str] = {}
    for who in (mentee, hr_admin):
        client = Client()
        client.force_login(who)
        cookies[who.email] = client.cookies["sessionid"].value
    return {
        MINIMAL: cookies[mentee.email],
        "/": cookies[mentee.email],
        f"/meetings/pairs/{pair.pk}/": cookies[mentee.email],
        f"/journal/meetings/{agenda_meeting_id['meeting']}/": cookies[mentee.email],
        "/programs/manage/": cookies[hr_admin.email],
    }


def _analyze() -> None:
    """Statistics for the planner and the map of all-visible pages (which lets an index
    answer a count alone), as a database that grew slowly would have them: bulk loads
    leave the tables unvacuumed and unanalysed until autovacuum comes by."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _load(port: int, path: str, cookie: str, clients: int, seconds: float) -> list[float]:
    """``clients`` connections asking for ``path`` one request after another for
    ``seconds``; the latency of every request."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine: list[float] = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}")
            mine.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    return latencies


def _measure(
    ports: list[int], cookies: dict[str, str], clients: int, seconds: float, rounds: int
) -> list[dict[str, dict[str, float]]]:
    """Each page of each server for ``seconds`` in all, in ``rounds`` turns taken in
    rotating order, so that whatever else the machine does meanwhile weighs on every page
    (and every server) alike."""
    turns = [(port, path) for path in cookies for port in ports]
    latencies: dict[tuple[int, str], list[float]] = {turn: [] for turn in turns}
    for turn in range(rounds):
        for port, path in turns[turn % len(turns) :] + turns[: turn % len(turns)]:
            latencies[port, path] += _load(port, path, cookies[path], clients, seconds / rounds)
    return [{path: _summary(latencies[port, path], seconds) for path in cookies} for port in ports]


def _summary(latencies: list[float], seconds: float) -> dict[str, float]:
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "requests_per_second": round(len(latencies) / seconds, 1),
        "p50_ms": round(cuts[49] * 1000, 1),
        "p95_ms": round(cuts[94] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=8.0, help="per page, in all")
    parser.add_argument("--rounds", type=int, default=4, help="turns the pages take")
    parser.add_argument("--reports", type=int, default=50)
    parser.add_argument("--meetings", type=int, default=1000)
    parser.add_argument("--database", default="mentoring_bench")
    parser.add_argument(
        "--scale", type=int, default=0,
        help="measure the everyday pages at this many times the demo's size instead",
    )  # fmt: skip
    parser.add_argument(
        "--also", action="append", default=[], metavar="PATH",
        help="another signed-in page to measure the same way (repeatable)",
    )  # fmt: skip
    parser.add_argument(
        "--reuse", action="store_true",
        help="measure on the database a former run with the same --scale seeded (no reseed)",
    )  # fmt: skip
    parser.add_argument(
        "--only", action="append", default=[], choices=SCALE_PAGES, metavar="PAGE",
        help=f"with --scale, measure only this page (repeatable): {', '.join(SCALE_PAGES)}",
    )  # fmt: skip
    parser.add_argument(
        "--baseline", type=Path, metavar="CHECKOUT",
        help="also serve this checkout's code (e.g. main's worktree) on the same database, "
        "measured in turns with this one; both results are printed",
    )  # fmt: skip
    args = parser.parse_args()
    url = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="bench.settings")
    if args.reuse and args.scale:
        cookies = _scale_pages(args.scale)
    else:
        _recreate_database(args.database)
        if args.scale:
            cookies = _seed_scale(args.scale)
        else:
            cookie = _seed(args.reports, args.meetings)
            cookies = dict.fromkeys([MINIMAL, MANAGER, *args.also], cookie)
    if args.scale and args.only:
        names = dict(zip(SCALE_PAGES, list(cookies)[1:], strict=True))
        cookies = {MINIMAL: cookies[MINIMAL]} | {names[n]: cookies[names[n]] for n in args.only}
    checkouts = [ROOT] if args.baseline is None else [ROOT, args.baseline.resolve()]
    servers = [(_free_port(), checkout) for checkout in checkouts]
    processes = [_serve(checkout, port) for port, checkout in servers]
    ports = [port for port, _ in servers]
    try:
        for port in ports:
            _wait_until_serving(port)
            for path, cookie in cookies.items():  # warm both workers
                _load(port, path, cookie, args.clients, 1.0)
        measured = _measure(ports, cookies, args.clients, args.seconds, args.rounds)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)
    results = [_result(args, figures) for figures in measured]
    if args.baseline is None:
        print(json.dumps(results[0]))
    else:
        print(json.dumps({"this": results[0], "baseline": results[1]}))


def _result(args: argparse.Namespace, measured: dict[str, dict[str, float]]) -> dict[str, object]:
    if args.scale:
        return _scale_result(args.scale, args.clients, measured)
    minimal, manager = measured.pop(MINIMAL), measured.pop(MANAGER)
    result: dict[str, object] = {
        "reports": args.reports, "meetings": args.meetings, "clients": args.clients,
        "manager_page": manager, "minimal_page": minimal,
        "throughput_ratio": round(
            manager["requests_per_second"] / minimal["requests_per_second"], 3
        ),
    }  # fmt: skip
    if measured:
        result["also"] = measured
    return result


def _scale_result(
    scale: int, clients: int, measured: dict[str, dict[str, float]]
) -> dict[str, object]:
    minimal = measured.pop(MINIMAL)
    pages: dict[str, object] = {}
    for path, figures in measured.items():
        share = figures["requests_per_second"] / minimal["requests_per_second"]
        pages[_page_name(path)] = {"path": path, **figures, "share_of_minimal": round(share, 3)}
    return {"scale": scale, "clients": clients, "minimal_page": minimal, "pages": pages}


def _serve(checkout: Path, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own server on loopback, fixed arguments
        [sys.executable, "-m", "gunicorn", "mentoring.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--log-level", "warning"],
        cwd=checkout, env={**os.environ},
    )  # fmt: skip


def _page_name(path: str) -> str:
    prefixes = ("/meetings/", "/journal/", "/programs/")
    return next(
        (name for name, prefix in zip(SCALE_PAGES[1:], prefixes, strict=True)
         if path.startswith(prefix)),
        SCALE_PAGES[0],
    )  # fmt: skip


def _wait_until_serving(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


if __name__ == "__main__":
    main()
