"""Calendar-feed tokens, password-reset keys and sign-in codes never reach a log: not
gunicorn's access log (run as the Procfile runs it), not Django's request warnings."""

from __future__ import annotations

import io
import logging
import os
import shlex
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import Client

from meetings.models import CalendarFeed
from mentoring.logs import REDACTED, RedactSecrets, redact
from people.models import User
from tests.integration.support import database_url_for_workers, free_port, stop

ROOT = Path(__file__).resolve().parents[2]
UNKNOWN_TOKEN = "canary-feed-token-Qx7Zr2Vw9"
RESET_KEY = "canary-reset-key-5k2-0f9e8d7c6b5a"
CODE = "CANARY-CODE-7F3A"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            f"GET /meetings/calendar/{UNKNOWN_TOKEN}.ics HTTP/1.1",
            f"/meetings/calendar/{REDACTED}.ics",
        ),
        (f"/team/feed/{UNKNOWN_TOKEN}.ics", f"/team/feed/{REDACTED}.ics"),
        (f"/accounts/password/reset/key/1a-{RESET_KEY}/", f"/password/reset/key/{REDACTED}/"),
        (f"/accounts/confirm-email/{RESET_KEY}/", f"/accounts/confirm-email/{REDACTED}/"),
        (f"/accounts/login/code/confirm/?code={CODE}&next=/", f"?code={REDACTED}&next=/"),
    ],
)
def test_secrets_in_paths_are_replaced_and_the_page_stays_readable(
    line: str, expected: str
) -> None:
    cleaned = redact(line)
    assert expected in cleaned
    for secret in (UNKNOWN_TOKEN, RESET_KEY, CODE):
        assert secret not in cleaned


@pytest.mark.parametrize("path", ["/meetings/calendar/", "/meetings/calendar/reset/", "/team/"])
def test_pages_without_a_secret_are_left_alone(path: str) -> None:
    assert redact(f"GET {path} HTTP/1.1") == f"GET {path} HTTP/1.1"


@pytest.mark.django_db
def test_djangos_not_found_warning_hides_the_feed_token(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(f"/meetings/calendar/{UNKNOWN_TOKEN}.ics")
    assert response.status_code == 404
    assert f"/meetings/calendar/{REDACTED}.ics" in caplog.text
    assert UNKNOWN_TOKEN not in caplog.text


def test_a_server_error_log_hides_the_key_in_its_message_and_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = f"/accounts/password/reset/key/1a-{RESET_KEY}/"
    try:
        raise ValueError(f"could not handle {path}")
    except ValueError:
        logging.getLogger("django.request").exception("Internal Server Error: %s", path)
    assert "Internal Server Error: /accounts/password/reset/key/" in caplog.text
    assert "ValueError: could not handle" in caplog.text
    assert RESET_KEY not in caplog.text


def test_every_logger_writing_to_the_console_is_redacted() -> None:
    [console] = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactSecrets) for f in h.filters)
    ]
    assert isinstance(console, logging.StreamHandler)
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        logging.getLogger("meetings.anything").warning("fetched /team/feed/%s.ics", UNKNOWN_TOKEN)
    finally:
        console.setStream(previous)
    assert f"fetched /team/feed/{REDACTED}.ics" in stream.getvalue()
    assert UNKNOWN_TOKEN not in stream.getvalue()


def _procfile_web(port: int) -> list[str]:
    """The Procfile's web command, on a free port with one worker."""
    [line] = [ln for ln in (ROOT / "Procfile").read_text().splitlines() if ln.startswith("web:")]
    command = shlex.split(line.removeprefix("web:"))
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    command[command.index("--workers") + 1] = "1"
    return command


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn ended at start-up"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


def _get(port: int, path: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        headers={"Referer": f"http://127.0.0.1:{port}{path}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.mark.django_db(transaction=True)
def test_the_procfile_web_server_logs_no_feed_token_reset_key_or_code(
    mentee: User, tmp_path: Path
) -> None:
    feed = CalendarFeed.objects.create(person=mentee)
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": database_url_for_workers(),
        "MENTORING_VAR_DIR": str(tmp_path),
    }
    log_path = tmp_path / "web.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - the Procfile's own command
            _procfile_web(port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            _wait_for(port, process)
            assert _get(port, f"/meetings/calendar/{feed.token}.ics") == 200
            assert _get(port, f"/team/feed/{UNKNOWN_TOKEN}.ics") == 404
            _get(port, f"/accounts/password/reset/key/1a-{RESET_KEY}/")
            _get(port, f"/accounts/login/?code={CODE}")
        finally:
            stop(process)
    logged = log_path.read_text()
    assert f"/meetings/calendar/{REDACTED}.ics" in logged  # the access log line is there
    assert f"Not Found: /team/feed/{REDACTED}.ics" in logged
    for secret in (feed.token, UNKNOWN_TOKEN, RESET_KEY, CODE):
        assert secret not in logged, logged
