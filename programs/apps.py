from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Programs"

    def ready(self) -> None:
        from programs.personal_data import REGISTRATION
        from lib.personal_data import register

        register(REGISTRATION)
