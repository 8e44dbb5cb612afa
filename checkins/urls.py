"""Check-in routes. Each has a row in mentoring/access_policy.py."""

from django.urls import path

from checkins import views

app_name = "checkins"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("meetings/<int:meeting_id>/pulse/", views.pulse, name="pulse"),
    path("pulse/<str:token>/", views.pulse_link, name="pulse_link"),
    path("surveys/<int:survey_id>/", views.survey, name="survey"),
    path("programs/<int:program_id>/surveys/", views.hr_surveys, name="hr_surveys"),
]
