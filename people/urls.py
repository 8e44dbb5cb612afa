from django.urls import path

from people import views, views_data, views_unsubscribe

app_name = "people"

# HR's page of one person and their deactivation are drawn from several apps, so they
# live in the project package; mentoring/urls.py adds them to this namespace.
urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:person_id>/reactivate/", views.reactivate, name="reactivate"),
    path("import/", views.import_people, name="import"),
    path("import/sample.csv", views.import_sample, name="import_sample"),
    path("team/", views.team, name="team"),
    path("settings/email/", views.email_settings, name="email_settings"),
    path("sign-out/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("settings/data/", views_data.data_export, name="data_export"),
    path(
        "settings/data/<int:export_id>/download/",
        views_data.data_export_download,
        name="data_export_download",
    ),
    path("unsubscribe/<str:token>/", views_unsubscribe.unsubscribe, name="unsubscribe"),
]
