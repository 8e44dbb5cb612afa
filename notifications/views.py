"""A person's own notifications: the list, opening one, marking all read."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from notifications import selectors, services
from notifications.access import access_own_notification
from people.access import signed_in_person
from people.paging import window
from people.roles import request_roles


@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    person = signed_in_person(request)
    page = window(request, selectors.notifications_of(person=person), per_page=selectors.PAGE_SIZE)
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "shown": selectors.shown(page.rows),
            "unread": request_roles(request).unread_notifications,
        },
    )


@require_safe
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark it read and go to the page it is about (or to the page its kind names instead,
    when that one is no longer the person's to see)."""
    person = signed_in_person(request)
    notification = access_own_notification(person, notification_id)
    services.notification_mark_read(notification=notification)
    return redirect(selectors.notification_target(notification=notification, person=person))


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    marked = services.notifications_mark_all_read(recipient_id=signed_in_person(request).pk)
    if marked:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")
