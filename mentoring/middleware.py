"""Small request-wide behaviours: the viewer's time zone and no caching of private pages."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers

Handler = Callable[[HttpRequest], HttpResponseBase]


def _zone(request: HttpRequest) -> zoneinfo.ZoneInfo | None:
    """The viewer's time zone, or None (the default zone) if they have none or it is not
    one the tz database knows."""
    name = getattr(request.user, "time_zone", None)
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def viewer_preferences(get_response: Handler) -> Handler:
    """Show times in the viewer's own time zone and pages in their language."""

    def middleware(request: HttpRequest) -> HttpResponseBase:
        # Both are set for this request only and restored after it, so nothing that runs
        # later on the same thread (a test, an eager task) inherits the viewer's zone.
        language = getattr(request.user, "language", None) or translation.get_language()
        with translation.override(language), timezone.override(_zone(request)):
            request.LANGUAGE_CODE = translation.get_language()
            return get_response(request)

    return middleware


def no_store_when_signed_in(get_response: Handler) -> Handler:
    """Pages for a signed-in person must not sit in shared or back-button caches."""

    def middleware(request: HttpRequest) -> HttpResponseBase:
        response = get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)  # includes no-store and private
        return response

    return middleware
