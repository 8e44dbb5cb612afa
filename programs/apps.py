from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Programs"

    def ready(self) -> None:
        from lib.personal_data import register
        from programs.personal_data import REGISTRATION

        register(REGISTRATION)
