from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        from matching.services import PAIR_END_HOOKS
        from meetings.services import meetings_cancel_for_ended_pair

        if meetings_cancel_for_ended_pair not in PAIR_END_HOOKS:
            PAIR_END_HOOKS.append(meetings_cancel_for_ended_pair)

        from meetings.services import SCHEDULE_HOOKS
        from meetings.tasks import meeting_update_enqueue

        if meeting_update_enqueue not in SCHEDULE_HOOKS:
            SCHEDULE_HOOKS.append(meeting_update_enqueue)

        import meetings.tasks_reminders  # noqa: F401  (registers the reminder tasks)
        from meetings.reminders import reminders_plan

        if reminders_plan not in SCHEDULE_HOOKS:
            SCHEDULE_HOOKS.append(reminders_plan)
