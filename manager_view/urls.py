from django.urls import path

from manager_view import views

app_name = "manager_view"

urlpatterns = [
    path("", views.team, name="team"),
    path("feed/", views.feed_settings, name="feed_settings"),
    path("feed/reset/", views.feed_reset, name="feed_reset"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
