from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from lib.personal_data import register
        from people.personal_data import REGISTRATION

        register(REGISTRATION)
