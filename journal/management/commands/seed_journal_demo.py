from typing import Any

from django.core.management.base import BaseCommand

from journal.demo import seed_journal


class Command(BaseCommand):
    help = "Give the demo pairs agendas, notes, goals and agreements (run by seed_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Demo journal: {seed_journal()} pairs got agendas, notes and goals.")
