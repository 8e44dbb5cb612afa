from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "journal"
    verbose_name = "Journal"

    def ready(self) -> None:
        from journal.personal_data import REGISTRATION
        from lib.personal_data import register

        register(REGISTRATION)
