"""HR's read side. Its pages sit beside the apps they draw on (``/people/<id>/`` beside
the directory, a program's participants beside its HR page); each has a row in
mentoring/access_policy.py."""

from django.urls import path

from hr_view import report, surveys, views

app_name = "hr_view"

urlpatterns = [
    path("people/<int:person_id>/", views.person, name="person"),
    path("people/<int:person_id>/deactivate/", views.deactivate, name="deactivate"),
    path("people/<int:person_id>/erase/", views.erase, name="erase"),
    path(
        "programs/manage/<int:program_id>/participants/",
        views.participant_list,
        name="participants",
    ),
    path("programs/manage/<int:program_id>/health/", views.program_health, name="health"),
    path("programs/manage/health/", views.programs_compared, name="health_compare"),
    path(
        "programs/manage/<int:program_id>/results/",
        surveys.survey_results,
        name="survey_results",
    ),
]
urlpatterns += [
    path(
        "programs/manage/<int:program_id>/report/",
        report.program_report_page,
        name="report",
    ),
    path(
        "programs/manage/<int:program_id>/report.csv",
        report.program_report_csv,
        name="report_csv",
    ),
]
