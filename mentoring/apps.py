from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = "Operations"

    def ready(self) -> None:
        from mentoring.wiring import wire

        wire()
