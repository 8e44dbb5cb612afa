from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """People normally come from the HR import; open sign-up is an opt-in."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.MENTORING_OPEN_SIGNUP)
