"""allauth's SAML views, with an answer nobody here is waiting for refused by a clear page.

allauth raises ``PermissionDenied`` when an assertion answers a sign-in this browser did
not start or already finished (a replayed or unsolicited one), which would show the bare
403 page; here it shows the single sign-on error page and writes the log line every
other refusal writes.
"""

from __future__ import annotations

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.saml import views as saml_views
from allauth.socialaccount.providers.saml.utils import get_app_or_404
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

acs = saml_views.acs
sls = saml_views.sls
metadata = saml_views.metadata
login = saml_views.login


@login_not_required
def finish_acs(request: HttpRequest, organization_slug: str) -> HttpResponse:
    try:
        response: HttpResponse = saml_views.finish_acs(request, organization_slug=organization_slug)
    except PermissionDenied:
        provider = get_app_or_404(request, organization_slug).get_provider(request)
        reason = "no sign-in started here is waiting for this answer (replayed or unsolicited)"
        response = render_authentication_error(
            request, provider, extra_context={"saml_last_error_reason": reason}
        )
    return response
