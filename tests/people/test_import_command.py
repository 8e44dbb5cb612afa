from __future__ import annotations

from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from pytest_django import DjangoCaptureOnCommitCallbacks

from people.models import User
from tests.people.csv_factory import organisation, people_csv, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_bytes(people_csv(organisation(20)))
    return path


def test_command_imports_and_prints_the_counts(
    csv_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("import_people", str(csv_file), "--no-invitations")

    assert capsys.readouterr().out == "Imported: 20 created, 0 updated, 0 unchanged.\n"
    assert User.objects.count() == 20


def test_command_run_twice_reports_everyone_unchanged(
    csv_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("import_people", str(csv_file), "--no-invitations")
    capsys.readouterr()

    call_command("import_people", str(csv_file), "--no-invitations")

    assert capsys.readouterr().out == "Imported: 0 created, 0 updated, 20 unchanged.\n"


def test_command_prints_every_problem_and_fails_without_importing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    rows = [person(1) | {"time_zone": "Mars/Base"}, person(2), person(3) | {"email": "nope"}]
    path.write_bytes(people_csv(rows))

    with pytest.raises(CommandError, match="2 problems; nothing was imported"):
        call_command("import_people", str(path))

    assert capsys.readouterr().err.splitlines() == [
        "row 2, column time_zone, value 'Mars/Base': "
        "This is not a time zone name like Europe/Berlin.",
        "row 4, column email, value 'nope': This is not a valid e-mail address.",
    ]
    assert User.objects.count() == 0


def test_command_reports_a_missing_file_clearly(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.csv: No such file"):
        call_command("import_people", str(tmp_path / "missing.csv"))


def test_command_reports_a_directory_as_unreadable(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_people", str(tmp_path))


def test_command_sends_invitations_after_commit_unless_told_not_to(
    csv_file: Path, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as without:
        call_command("import_people", str(csv_file), "--no-invitations")
    User.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=False) as with_invitations:
        call_command("import_people", str(csv_file))

    assert without == []
    assert len(with_invitations) == 20
    assert mail.outbox == []  # sent by the worker, after commit
