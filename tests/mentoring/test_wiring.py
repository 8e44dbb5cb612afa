"""The wiring table (``mentoring/wiring.py``) is the only place that connects one app's
reactions to another app's events: every declared event's receivers are exactly its rows,
each receiver lives in another app than the event, and no app's source connects a
receiver, keeps a hook list or fills one in ``AppConfig.ready()``."""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from lib.events import Event
from mentoring.wiring import WIRING

ROOT = Path(__file__).resolve().parents[2]
APPS = [app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()]
WIRING_FILE = ROOT / "mentoring" / "wiring.py"


def _app_modules() -> list[str]:
    """Every module of every app, except migrations: each is imported by the tests below,
    so a receiver connected at import time anywhere would show."""
    names = []
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                names.append(module.name)
    return names


def _declared_events() -> dict[str, Event[object]]:
    found = {}
    for name in _app_modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, Event):
                found[value.name] = value
    return found


def _source_files() -> list[Path]:
    return [
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and path != WIRING_FILE
    ]


def test_every_event_is_declared_by_its_app_and_has_one_row() -> None:
    declared = _declared_events()
    assert sorted(declared) == [
        "matching.pair_ended",
        "people.person_deactivated",
        "programs.enrolment_withdrawn",
    ]
    for name, event in declared.items():
        app, attribute = name.split(".")
        module = importlib.import_module(f"{app}.events")
        assert getattr(module, attribute) is event, f"{name} is not declared in {app}/events.py"
    assert sorted(event.name for event, _receivers in WIRING) == sorted(declared)


def test_each_event_reaches_exactly_the_receivers_in_the_table() -> None:
    declared = _declared_events()  # imports every app module first
    for event, receivers in WIRING:
        assert declared[event.name].receivers == receivers


def test_every_receiver_lives_in_another_app_than_its_event() -> None:
    for event, receivers in WIRING:
        emitter = event.name.split(".")[0]
        for receiver in receivers:
            assert receiver.__module__.split(".")[0] != emitter, receiver


def test_no_app_connects_receivers_or_keeps_hook_lists() -> None:
    # An event's or a Django signal's receiver connected in code, or a list of hooks.
    # (Celery's ``@worker_ready.connect`` in mentoring/tasks.py is the worker's own.)
    wiring = re.compile(r"\.connect\(|@receiver\b|\b[A-Z_]*HOOKS\b")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _source_files()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if wiring.search(line)
    ]
    assert offenders == []


def test_only_the_project_package_does_work_at_start_up() -> None:
    ready = [app for app in APPS if "def ready" in (ROOT / app / "apps.py").read_text()]
    assert ready == ["mentoring"]


def test_the_reminder_tasks_are_found_by_autodiscovery_alone() -> None:
    """In a fresh process: Django's start-up imports no reminder task module, and the
    Celery app finds its tasks as a worker does when it starts."""
    script = (
        "import sys, django; django.setup()\n"
        "assert 'meetings.tasks_reminders' not in sys.modules, 'imported at start-up'\n"
        "from mentoring.celery import app\n"
        "app.loader.import_default_modules()\n"
        "names = {'meetings.dispatch_reminders', 'meetings.send_reminders',\n"
        "         'meetings.sweep_reminders', 'meetings.send_meeting_update'}\n"
        "missing = names - set(app.tasks)\n"
        "assert not missing, missing\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
