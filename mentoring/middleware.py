"""Small request-wide behaviours: the viewer's time zone and no caching of private pages."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers

Handler = Callable[[HttpRequest], HttpResponseBase]


def viewer_preferences(get_response: Handler) -> Handler:
    """Show times in the viewer's own time zone and pages in their language."""

    def middleware(request: HttpRequest) -> HttpResponseBase:
        language = getattr(request.user, "language", None)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        tz_name = getattr(request.user, "time_zone", None)
        if tz_name:
            try:
                timezone.activate(zoneinfo.ZoneInfo(tz_name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
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
