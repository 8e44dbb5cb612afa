"""The address in a reminder's or nudge's List-Unsubscribe header (RFC 8058).

Public by design: a mail program posts to it without signing in, and the signed token is
the only key. GET only asks (mail scanners open links), POST turns the kind off."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from people.services import person_email_kind_turn_off
from people.unsubscribe import unsubscriber


@csrf_exempt  # a one-click POST comes from the mail program, with no form to carry a token
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = unsubscriber(token)
    if found is None:
        raise Http404
    done = request.method == "POST"
    if done:
        person_email_kind_turn_off(person=found.person, kind=found.kind)
    with translation.override(found.person.language or None):
        response = render(
            request,
            "people/unsubscribe.html",
            {"kind": str(found.kind), "done": done, "email": found.person.email},
        )
    response["X-Robots-Tag"] = "noindex"
    return response
