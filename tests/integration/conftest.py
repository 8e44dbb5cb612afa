"""Fixtures of the integration tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.faults import RedisServer
from tests.integration.support import stop


@pytest.fixture
def owned(tmp_path: Path) -> Iterator[dict[str, object]]:
    """The processes this test starts; each is ended by its PID, whatever happens."""
    parts: dict[str, object] = {"processes": [], "redis": RedisServer(tmp_path)}
    try:
        yield parts
    finally:
        for process in parts["processes"]:  # type: ignore[attr-defined]
            stop(process)
        parts["redis"].stop()  # type: ignore[attr-defined]


@pytest.fixture
def no_invitation_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    from meetings import tasks

    monkeypatch.setattr(tasks.send_meeting_update, "delay_on_commit", lambda *a: None)
