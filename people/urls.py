from django.urls import path

from people import views, views_unsubscribe

app_name = "people"

urlpatterns = [
    path("import/", views.import_people, name="import"),
    path("team/", views.team, name="team"),
    path("settings/email/", views.email_settings, name="email_settings"),
    path("unsubscribe/<str:token>/", views_unsubscribe.unsubscribe, name="unsubscribe"),
]
