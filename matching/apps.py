from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from lib.personal_data import register
        from matching.personal_data import REGISTRATION

        register(REGISTRATION)
