"""Benchmark the manager page against a minimal signed-in page, served by gunicorn.

Usage: python bench/pages.py [--clients 8] [--seconds 8] [--rounds 4] [--reports 50]
                             [--meetings 1000] [--also PATH ...]
Needs PostgreSQL: it (re)creates the database named by --database on 127.0.0.1.
Prints one JSON object: requests per second and p50/p95 latency for both pages, and
the manager page's share of the minimal page's throughput; with ``--also``, the same
figures for more pages under "also" (e.g. ``--also /team/feed/``, the lightest page with
the site layout, or ``--also "/team/?view=list"``). The pages take turns (``--rounds``),
so that other load on the machine weighs on each alike.
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
    client = Client()
    client.force_login(manager)
    return client.cookies["sessionid"].value


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
    port: int, paths: list[str], cookie: str, clients: int, seconds: float, rounds: int
) -> dict[str, dict[str, float]]:
    """Each page for ``seconds`` in all, in ``rounds`` turns taken in rotating order, so
    that whatever else the machine does meanwhile weighs on every page alike."""
    latencies: dict[str, list[float]] = {path: [] for path in paths}
    for turn in range(rounds):
        for path in paths[turn % len(paths) :] + paths[: turn % len(paths)]:
            latencies[path] += _load(port, path, cookie, clients, seconds / rounds)
    return {path: _summary(found, seconds) for path, found in latencies.items()}


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
        "--also", action="append", default=[], metavar="PATH",
        help="another signed-in page to measure the same way (repeatable)",
    )  # fmt: skip
    args = parser.parse_args()
    url = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="bench.settings")
    _recreate_database(args.database)
    cookie = _seed(args.reports, args.meetings)
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own server on loopback, fixed arguments
        [sys.executable, "-m", "gunicorn", "mentoring.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--log-level", "warning"],
        cwd=ROOT, env={**os.environ},
    )  # fmt: skip
    try:
        _wait_until_serving(port)
        paths = [MINIMAL, MANAGER, *args.also]
        for path in paths:  # warm both workers
            _load(port, path, cookie, args.clients, 1.0)
        measured = _measure(port, paths, cookie, args.clients, args.seconds, args.rounds)
    finally:
        server.terminate()
        server.wait(timeout=20)
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
    print(json.dumps(result))


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
