from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from mentoring import views, views_participants, views_people
from people import urls as people_urls
from programs import urls as programs_urls

# The admin's own login would bypass allauth's rate limits; send it through allauth.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Mentoring operations"

# HR's person page and deactivation read several apps, so their views are the roof's;
# they join the people namespace, where the directory links to them.
people_routes = [
    *people_urls.urlpatterns,
    path("<int:person_id>/", views_people.person, name="person"),
    path("<int:person_id>/deactivate/", views_people.deactivate, name="deactivate"),
]

# HR's participant list shows each enrolment's pair, which programs may not know.
programs_routes = [
    *programs_urls.urlpatterns,
    path(
        "manage/<int:program_id>/participants/",
        views_participants.participant_list,
        name="participants",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("people/", include((people_routes, people_urls.app_name))),
    path("programs/", include((programs_routes, programs_urls.app_name))),
    path("matching/", include("matching.urls")),
    path("meetings/", include("meetings.urls")),
    path("journal/", include("journal.urls")),
    path("who-can-see-what/", views.who_sees_what, name="who_sees_what"),
    # Its address until the page moved out of the manager's view: kept for old links.
    path(
        "team/who-can-see-what/",
        RedirectView.as_view(pattern_name="who_sees_what", permanent=True),
        name="who_sees_what_moved",
    ),
    path("team/", include("manager_view.urls")),
    path("ops/admin/", admin.site.urls),
]
