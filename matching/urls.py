"""Matching routes. Each has a row in mentoring/access_policy.py."""

from django.urls import path

from matching import views_choice, views_hr

app_name = "matching"

urlpatterns = [
    # HR admins: cohort matching.
    path("programs/<int:program_id>/", views_hr.program_matching, name="runs"),
    path("programs/<int:program_id>/start/", views_hr.run_start, name="run_start"),
    path("programs/<int:program_id>/start-program/", views_hr.program_start, name="program_start"),
    path("runs/<int:run_id>/progress/", views_hr.run_progress, name="run_progress"),
    path(
        "runs/<int:run_id>/proposals/<int:proposal_id>/remove/",
        views_hr.proposal_remove,
        name="proposal_remove",
    ),
    path("runs/<int:run_id>/proposals/set/", views_hr.proposal_set, name="proposal_set"),
    path("runs/<int:run_id>/proposals/swap/", views_hr.proposal_swap, name="proposal_swap"),
    path("runs/<int:run_id>/publish/", views_hr.run_publish, name="run_publish"),
    # Mentees and mentors: choice, requests, pairs.
    path("programs/<int:program_id>/mentors/", views_choice.shortlist, name="shortlist"),
    path(
        "programs/<int:program_id>/mentors/<int:enrolment_id>/request/",
        views_choice.request_create,
        name="request_create",
    ),
    path("requests/", views_choice.request_list, name="requests"),
    path("requests/<int:request_id>/answer/", views_choice.request_answer, name="request_answer"),
    path(
        "requests/<int:request_id>/withdraw/",
        views_choice.request_withdraw,
        name="request_withdraw",
    ),
    path("pairs/", views_choice.pair_list, name="pairs"),
    path("pairs/<int:pair_id>/end/", views_choice.pair_end, name="pair_end"),
]
