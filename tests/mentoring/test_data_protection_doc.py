"""The works council's page (docs/data-protection.md) stays true where it restates code:
the who-sees-what table, the retention settings and the personal data each model holds
(the registry in lib/personal_data.py).

On a mismatch the assertion shows the block the page should hold; paste it between the
page's ``<!-- generated: NAME -->`` and ``<!-- end: NAME -->`` lines."""

from __future__ import annotations

from django.apps import apps
from django.utils import translation

from journal.retention import NOTICE_DAYS
from lib.personal_data import registrations
from people.archive import ARCHIVE_DAYS
from programs.models import RETENTION_CHOICES, Program
from tests.mentoring.test_docs import DOCS, data_table, generated_block

PAGE = DOCS / "data-protection.md"


def personal_data_table() -> str:
    with translation.override("en"):
        lines = ["| Part of the app | What is kept | Which data | Why |", "|---|---|---|---|"]
        for registration in registrations():
            for held in registration.fields:
                model = apps.get_model(held.model)
                names = ", ".join(
                    str(model._meta.get_field(name).verbose_name) for name in held.fields
                )
                lines.append(
                    f"| {registration.title} | {model._meta.verbose_name} | {names} | "
                    f"{held.purpose} |"
                )
    return "\n".join(lines) + "\n"


def retention_table() -> str:
    with translation.override("en"):
        choices = "; ".join(str(label) for _months, label in RETENTION_CHOICES)
        rows = [
            (
                str(Program._meta.get_field(name).verbose_name).capitalize(),
                dict(RETENTION_CHOICES)[Program._meta.get_field(name).default],
                choices,
            )
            for name in ("journal_retention_months", "meeting_retention_months")
        ]
        lines = ["| What | Default | HR may choose, per program |", "|---|---|---|"]
        lines += [f"| {what} | {default} | {options} |" for what, default, options in rows]
        lines += [
            f"| Warning before session content is deleted | {NOTICE_DAYS} days, by e-mail to "
            "both people of the pair, with a link to their own export | fixed |",
            f"| A person's own data archive | {ARCHIVE_DAYS} days after it is ready | fixed |",
        ]
    return "\n".join(lines) + "\n"


def test_the_who_sees_what_table_is_the_apps() -> None:
    assert generated_block(PAGE, "data") == data_table()


def test_the_retention_settings_are_the_programs() -> None:
    assert generated_block(PAGE, "retention") == retention_table()


def test_the_personal_data_by_model_is_the_registry() -> None:
    assert generated_block(PAGE, "personal-data") == personal_data_table()
