"""Journal routes: pair-only. Each has a row in mentoring/access_policy.py."""

from django.urls import path

from journal import views

app_name = "journal"

urlpatterns = [
    path("pairs/<int:pair_id>/", views.pair_journal, name="pair"),
    path("pairs/<int:pair_id>/goals/", views.goal_add, name="goal_add"),
    path("goals/<int:goal_id>/", views.goal_update, name="goal_update"),
    path("pairs/<int:pair_id>/agreement/", views.agreement, name="agreement"),
    path("pairs/<int:pair_id>/share-focus/", views.share_focus, name="share_focus"),
    path("meetings/<int:meeting_id>/", views.meeting_journal, name="meeting"),
    path("meetings/<int:meeting_id>/agenda/", views.agenda_add, name="agenda_add"),
    path("agenda/<int:item_id>/toggle/", views.agenda_toggle, name="agenda_toggle"),
    path("meetings/<int:meeting_id>/notes/", views.shared_notes_save, name="notes_save"),
    path(
        "meetings/<int:meeting_id>/notes/history/",
        views.shared_notes_history,
        name="notes_history",
    ),
    path(
        "meetings/<int:meeting_id>/notes/restore/",
        views.shared_notes_restore,
        name="notes_restore",
    ),
    path("meetings/<int:meeting_id>/private/", views.private_note_save, name="private_note_save"),
]
