from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        from meetings.personal_data import REGISTRATION
        from lib.personal_data import register

        register(REGISTRATION)
