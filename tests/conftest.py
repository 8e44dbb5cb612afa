"""Persona fixtures shared by every test (see CONVENTIONS.md)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from people.models import User
from tests.factories import DepartmentFactory, UserFactory, make_hr_admin, with_totp


@pytest.fixture
def manager(db: None) -> User:
    """The mentee's line manager."""
    return UserFactory(full_name="Maria Manager", title="Engineering manager")


@pytest.fixture
def mentee(manager: User) -> User:
    return UserFactory(full_name="Ezra Mentee", department=manager.department, manager=manager)


@pytest.fixture
def mentor(db: None) -> User:
    return UserFactory(
        full_name="Olu Mentor", department=DepartmentFactory(name="Finance"), title="Controller"
    )


@pytest.fixture
def hr_admin(db: None) -> User:
    return make_hr_admin(
        UserFactory(full_name="Hana HR", department=DepartmentFactory(name="People"))
    )


@pytest.fixture
def outsider(db: None) -> User:
    """Signed in, but related to nothing: no reports, no role, no pair."""
    return UserFactory(full_name="Otto Outsider", department=DepartmentFactory(name="Legal"))


@pytest.fixture
def operator(db: None) -> User:
    return with_totp(UserFactory(full_name="Ops Operator", is_staff=True))


@pytest.fixture
def personas(
    mentee: User, mentor: User, manager: User, hr_admin: User, outsider: User
) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "mentee": mentee,
        "mentor": mentor,
        "manager": manager,
        "hr_admin": hr_admin,
        "outsider": outsider,
    }


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    import os
    from pathlib import Path

    root = Path(os.environ.get("MENTORING_TEST_ARTIFACTS", "test-artifacts")).resolve()
    if (root / "screenshots").exists():
        terminalreporter.write_line(f"Browser screenshots: {root / 'screenshots'}")


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """No worker here: Celery tasks run inline when they are enqueued (after the commit,
    for ``delay_on_commit``), retries included, so their e-mails land at once."""
    from mentoring.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = before


@pytest.fixture(autouse=True)
def _no_rendered_pages_from_earlier_tests() -> None:
    """The page cache lives in this process; the database of an earlier test is gone (and
    SQLite hands its ids out again)."""
    from django.core.cache import caches

    from lib.page_cache import PAGES

    caches[PAGES].clear()


@pytest.fixture(autouse=True)
def _no_health_figures_from_earlier_tests() -> None:
    """HR's health figures are kept in the default cache per program id (hr_view/health.py),
    and SQLite hands an earlier test's ids out again."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _private_files_in_a_temporary_folder(
    settings: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Own-data archives a test builds go to a folder of their own, not to var/."""
    settings.MENTORING_PRIVATE_DIR = tmp_path_factory.mktemp("private")  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    """PBKDF2 is slow on purpose; tests create many people."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _audit_rows_flushable(request: pytest.FixtureRequest) -> Iterator[None]:
    """On SQLite the database refuses to delete audit rows without a permit, and a
    transactional test ends with a flush (PostgreSQL's is a TRUNCATE, which no row trigger
    sees): before it, the rows this test wrote go the way the retention run deletes them."""
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if transactional:
        from django.db import connection

        if connection.vendor == "sqlite":
            from tests.audit.helpers import audit_rows_purge

            audit_rows_purge()
