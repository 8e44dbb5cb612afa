from __future__ import annotations

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
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

    def pre_login(
        self,
        request: HttpRequest,
        user: AbstractBaseUser,
        *,
        email_verification: str,
        signal_kwargs: dict[str, Any] | None,
        email: str | None,
        signup: bool,
        redirect_url: str | None,
    ) -> HttpResponse | None:
        """In SSO-only mode every sign-in but single sign-on is refused, whatever its
        way in (password, e-mailed code, password reset), except an operator's: staff and
        superusers keep their password as the break-glass way in when the IdP is down."""
        refused = super().pre_login(
            request,
            user,
            email_verification=email_verification,
            signal_kwargs=signal_kwargs,
            email=email,
            signup=signup,
            redirect_url=redirect_url,
        )
        if refused is not None:
            return refused
        through_sso = bool(signal_kwargs and "sociallogin" in signal_kwargs)
        if settings.MENTORING_SSO_ONLY and not through_sso and not _is_break_glass(user):
            logger.warning("Sign-in without single sign-on refused: SSO-only mode")
            return render(request, "account/sso_only.html", status=403)
        return None

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


def _is_break_glass(user: AbstractBaseUser) -> bool:
    return bool(getattr(user, "is_staff", False) or getattr(user, "is_superuser", False))


def _says_unverified(claims: object) -> bool:
    """Whether the IdP's answer (OIDC: ID token or userinfo; SAML attributes) sets
    ``email_verified`` to false."""
    if not isinstance(claims, dict):
        return False
    value = claims.get("email_verified")
    if value is False or (isinstance(value, str) and value.lower() in {"false", "0", "no"}):
        return True
    return any(_says_unverified(claims.get(part)) for part in ("userinfo", "id_token"))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on lands in the account HR made; it never makes one unless sign-up is open."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        if settings.MENTORING_OPEN_SIGNUP:
            return True
        logger.warning(
            "Single sign-on refused: no account for this person (provider %s)",
            sociallogin.account.provider,
        )
        return False

    def can_authenticate_by_email(self, login: SocialLogin, email: str) -> bool:
        """Trust the IdP's e-mail (MENTORING_SSO_TRUST_EMAIL) unless it says it is unverified."""
        if _says_unverified(login.account.extra_data):
            logger.warning("Single sign-on: the provider marks the e-mail as unverified")
            return False
        return bool(super().can_authenticate_by_email(login, email))

    def populate_user(
        self, request: HttpRequest, sociallogin: SocialLogin, data: dict[str, Any]
    ) -> AbstractBaseUser:
        """With open sign-up, a first SSO sign-in makes an account named as the IdP names them."""
        user = super().populate_user(request, sociallogin, data)
        parts = [data.get("first_name") or "", data.get("last_name") or ""]
        name = data.get("name") or " ".join(p for p in parts if p)
        user.full_name = (name or str(data.get("email") or "")).strip()[:200]
        return user

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: str | None = None,
        exception: Exception | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> None:
        # One line an operator can act on; the person sees the error page.
        detail = (extra_context or {}).get("saml_last_error_reason") or ""
        if exception is not None:
            cause = exception.__cause__
            detail = f"{type(exception).__name__}: {exception}" + (f" ({cause})" if cause else "")
        logger.warning(
            "Single sign-on refused (provider %s): %s %s",
            getattr(provider, "sub_id", provider),
            error or "error",
            detail,
        )
