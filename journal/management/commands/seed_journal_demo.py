from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from journal.demo import seed_journal


class Command(BaseCommand):
    help = (
        "Give demo pairs agendas, notes, goals and agreements (run by seed_demo, which "
        "names the pairs it made)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("pair_ids", nargs="*", type=int, help="The demo pairs, by id.")

    def handle(self, *args: Any, **options: Any) -> None:
        seeded = seed_journal(pair_ids=options["pair_ids"])
        self.stdout.write(f"Demo journal: {seeded} pairs got agendas, notes and goals.")
