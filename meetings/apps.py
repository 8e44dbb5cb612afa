from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        from matching.services import PAIR_END_HOOKS
        from meetings.services import meetings_cancel_for_ended_pair

        if meetings_cancel_for_ended_pair not in PAIR_END_HOOKS:
            PAIR_END_HOOKS.append(meetings_cancel_for_ended_pair)

        import meetings.tasks_reminders  # noqa: F401  (registers the reminder tasks)
