"""Meeting routes. Each has a row in mentoring/access_policy.py."""

from django.urls import path

from meetings import views_calendar, views_schedule

app_name = "meetings"

urlpatterns = [
    path("pairs/<int:pair_id>/", views_schedule.pair_page, name="pair"),
    path("pairs/<int:pair_id>/schedule/", views_schedule.schedule, name="schedule"),
    path("pairs/<int:pair_id>/log/", views_schedule.log, name="log"),
    path("<int:meeting_id>/respond/", views_schedule.respond, name="respond"),
    path("<int:meeting_id>/reschedule/", views_schedule.reschedule, name="reschedule"),
    path("<int:meeting_id>/cancel/", views_schedule.cancel, name="cancel"),
    path("<int:meeting_id>/invite.ics", views_calendar.meeting_ics, name="ics"),
    path("calendar/", views_calendar.feed_settings, name="feed_settings"),
    path("calendar/reset/", views_calendar.feed_reset, name="feed_reset"),
    path("calendar/<str:token>.ics", views_calendar.feed, name="feed"),
]
