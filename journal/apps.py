from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "journal"
    verbose_name = "Journal"

    def ready(self) -> None:
        from journal.home import stale_goal_notices
        from lib.home_notices import register_home_notices

        register_home_notices(stale_goal_notices)
