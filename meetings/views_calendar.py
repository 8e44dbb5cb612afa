"""Calendar files: one meeting for its two people, and each person's secret feed address.

The feed is public by design (calendar apps cannot sign in): whoever holds the token
gets times, status, counterpart and place of the token holder's meetings, nothing else.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from lib.links import absolute_url
from meetings import calendar, feeds, selectors
from meetings.access import access_meeting_for_member
from meetings.calendar import Method
from people.access import signed_in_person

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def _feed_url(token: str) -> str:
    return absolute_url("meetings:feed", token=token)


@require_GET
def meeting_ics(request: HttpRequest, meeting_id: int) -> HttpResponse:
    person = signed_in_person(request)
    meeting = access_meeting_for_member(person, meeting_id)
    method: Method = "CANCEL" if meeting.is_cancelled else "REQUEST"
    response = HttpResponse(
        calendar.meeting_ics(meeting, for_person=person, method=method),
        content_type=CALENDAR_TYPE,
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_GET
def feed_settings(request: HttpRequest) -> HttpResponse:
    token = feeds.feed_token(person_id=signed_in_person(request).pk, kind=feeds.Kind.OWN)
    return render(request, "meetings/calendar/feed_settings.html", {"url": _feed_url(token)})


@require_POST
def feed_reset(request: HttpRequest) -> HttpResponse:
    feeds.feed_reset(person_id=signed_in_person(request).pk, kind=feeds.Kind.OWN)
    messages.success(
        request,
        _("Your calendar feed has a new address. The old one no longer works: "
          "add the new one to your calendar app."),
    )  # fmt: skip
    return redirect("meetings:feed_settings")


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    person = selectors.calendar_feed_owner(token)
    if person is None:
        raise Http404
    with translation.override(person.language):
        body = calendar.feed_ics(person)
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    response["Content-Disposition"] = 'inline; filename="mentoring.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
