"""Import people from an HR CSV file, all or nothing (the same service as the upload page)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from people.imports import MAX_FILE_BYTES, ImportProblem
from people.services import people_import_csv


def problem_line(problem: ImportProblem) -> str:
    return _("row %(row)d, column %(column)s, value '%(value)s': %(message)s") % {
        "row": problem.row,
        "column": problem.column,
        "value": problem.value,
        "message": problem.message,
    }


class Command(BaseCommand):
    # Help texts stay English like Django's own commands': they are read at import time.
    help = "Import people from an HR CSV file. Nothing is imported if any row has a problem."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The CSV file to import.")
        parser.add_argument(
            "--no-invitations",
            action="store_true",
            help="Do not e-mail new people an invitation to sign in.",
        )

    def handle(self, *args: Any, path: Path, no_invitations: bool, **options: Any) -> None:
        result = people_import_csv(data=self._read(path), send_invitations=not no_invitations)
        for problem in result.problems:
            self.stderr.write(problem_line(problem))
        if not result.ok:
            count = len(result.problems)
            raise CommandError(
                ngettext(
                    "%(count)d problem; nothing was imported.",
                    "%(count)d problems; nothing was imported.",
                    count,
                )
                % {"count": count}
            )
        self.stdout.write(
            _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        )

    def _read(self, path: Path) -> bytes:
        try:
            with path.open("rb") as file:
                # One byte past the limit is enough for the service to reject the file.
                return file.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(reason)s.")
                % {"path": path, "reason": error.strerror or error}
            ) from error
