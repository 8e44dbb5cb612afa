from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from matching.services import pairs_end_for_withdrawal
        from programs.services import WITHDRAWAL_HOOKS

        if pairs_end_for_withdrawal not in WITHDRAWAL_HOOKS:
            WITHDRAWAL_HOOKS.append(pairs_end_for_withdrawal)
