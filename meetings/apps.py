from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        from lib.personal_data import register
        from meetings.personal_data import REGISTRATION

        register(REGISTRATION)
