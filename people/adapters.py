from __future__ import annotations

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    """People normally come from the HR import; open sign-up is an opt-in."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.MENTORING_OPEN_SIGNUP)

    def get_client_ip(self, request: HttpRequest) -> str:
        """allauth's answer (``ALLAUTH_TRUSTED_PROXY_COUNT``, set by DJANGO_BEHIND_PROXY),
        except that a request with fewer X-Forwarded-For entries than trusted proxies (one
        that did not come through all of them) falls back to the socket address instead of
        a server error."""
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            logger.warning("X-Forwarded-For has fewer entries than DJANGO_TRUSTED_PROXY_COUNT")
            address = request.META.get("REMOTE_ADDR")
            if not address:
                raise PermissionDenied("Unable to determine client IP address") from None
            return str(address)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # "No account with this address" tells the person how to get one: sign up when
        # that is open, else ask HR (the template says which).
        if template_prefix == "account/email/unknown_account":
            context = {**context, "signup_open": self.is_open_for_signup(context["request"])}
        super().send_mail(template_prefix, email, context)

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        """allauth's e-mails (sign-in codes, password resets) get an HTML part in the same
        layout as every other e-mail: their plain text, escaped, with its links made
        clickable."""
        message = super().render_mail(template_prefix, email, context, headers)
        if isinstance(message, EmailMultiAlternatives) and not message.alternatives:
            html = render_to_string(
                "email/from_text.html", {"subject": message.subject, "text": message.body}
            )
            message.attach_alternative(html, "text/html")
        return message


class MFAAdapter(DefaultMFAAdapter):
    """allauth.mfa with messages that say what to do next."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _(
            "That code is not right. Enter the 6-digit code your authenticator app shows "
            "now, or one of your recovery codes."
        ),
    }
