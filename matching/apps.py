from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from matching.personal_data import REGISTRATION
        from lib.personal_data import register

        register(REGISTRATION)
