from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        import meetings.tasks_reminders  # noqa: F401  (registers the reminder tasks)
