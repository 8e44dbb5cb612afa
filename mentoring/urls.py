from allauth import urls as allauth_urls
from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import URLPattern, include, path
from django.views.generic import RedirectView

from mentoring import views, views_audit

# The admin's own login would bypass allauth's rate limits; send it through allauth.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Mentoring operations"

# allauth keeps unnamed redirects from its old "social/" addresses, which this app never
# served; every route here has a name, and so a row in the access policy table.
_allauth_routes = [
    p for p in allauth_urls.urlpatterns if not (isinstance(p, URLPattern) and p.name is None)
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include(_allauth_routes)),
    path("people/", include("people.urls")),
    path("notifications/", include("notifications.urls")),
    path("programs/", include("programs.urls")),
    path("", include("hr_view.urls")),  # HR's read side, beside the pages it draws on
    path("matching/", include("matching.urls")),
    path("meetings/", include("meetings.urls")),
    path("journal/", include("journal.urls")),
    path("checkins/", include("checkins.urls")),
    path("who-can-see-what/", views.who_sees_what, name="who_sees_what"),
    # Its address until the page moved out of the manager's view: kept for old links.
    path(
        "team/who-can-see-what/",
        RedirectView.as_view(pattern_name="who_sees_what", permanent=True),
        name="who_sees_what_moved",
    ),
    path("team/", include("manager_view.urls")),
    path("ops/audit/", views_audit.audit_log, name="audit_log"),
    path("ops/audit/export.csv", views_audit.audit_log_export, name="audit_log_export"),
    path("ops/admin/", admin.site.urls),
    path("scim/v2/", include("people.scim.urls")),  # provisioning by an identity provider
]
