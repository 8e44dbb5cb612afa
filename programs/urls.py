"""Program routes. Each has a row in mentoring/access_policy.py."""

from django.urls import path

from programs import views_enrol, views_hr, views_manager, views_participants

app_name = "programs"

urlpatterns = [
    # Employees: browse, enrol, decide on suggestions.
    path("", views_enrol.program_list, name="list"),
    path("<int:program_id>/", views_enrol.program_detail, name="detail"),
    path("<int:program_id>/enrol/mentee/", views_enrol.enrol_mentee, name="enrol_mentee"),
    path("<int:program_id>/enrol/mentor/", views_enrol.enrol_mentor, name="enrol_mentor"),
    path("enrolments/<int:enrolment_id>/edit/", views_enrol.enrolment_edit, name="enrolment_edit"),
    path(
        "enrolments/<int:enrolment_id>/withdraw/",
        views_enrol.enrolment_withdraw,
        name="enrolment_withdraw",
    ),
    path(
        "nominations/<int:nomination_id>/dismiss/",
        views_enrol.nomination_dismiss,
        name="nomination_dismiss",
    ),
    path(
        "suggestions/<int:suggestion_id>/dismiss/",
        views_enrol.suggestion_dismiss,
        name="suggestion_dismiss",
    ),
    # Managers: suggest, never decide.
    path("team/<int:person_id>/nominate/", views_manager.nominate, name="nominate"),
    path("team/<int:person_id>/suggest/", views_manager.suggest_focus, name="suggest_focus"),
    # HR admins: run programs.
    path("manage/", views_hr.program_list, name="hr_list"),
    path("manage/new/", views_hr.program_create, name="hr_create"),
    path("manage/<int:program_id>/", views_hr.program_detail, name="hr_detail"),
    path("manage/<int:program_id>/edit/", views_hr.program_edit, name="hr_edit"),
    path("manage/<int:program_id>/duplicate/", views_hr.program_duplicate, name="hr_duplicate"),
    path("manage/<int:program_id>/status/", views_hr.program_transition, name="hr_transition"),
    path("manage/skills/", views_hr.skill_list, name="skills"),
    path("manage/skills/<int:skill_id>/", views_hr.skill_edit, name="skill_edit"),
    # The participant list itself (manage/<id>/participants/) shows each enrolment's pair,
    # which only the apps above know: it is HR's read side's (hr_view/urls.py).
    path(
        "manage/<int:program_id>/participants/<int:enrolment_id>/decide/",
        views_participants.participant_decide,
        name="participant_decide",
    ),
    path(
        "manage/<int:program_id>/participants.csv",
        views_participants.participants_export,
        name="participants_export",
    ),
    path("manage/<int:program_id>/invite/", views_participants.invite, name="invite"),
]
