"""Notification routes: one's own only. Each has a row in mentoring/access_policy.py."""

from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:notification_id>/", views.notification_open, name="open"),
    path("read/", views.mark_all_read, name="mark_all_read"),
]
