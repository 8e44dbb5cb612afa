from __future__ import annotations

from django.contrib.auth import get_user_model, login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import include, path
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt

PASSWORD = "idp-password"

_FORM = """<!doctype html><html lang="en"><head><title>Test identity provider</title></head>
<body><main><h1>Test identity provider</h1><form method="post">
<input type="hidden" name="next" value="{next}">
<label>E-mail <input name="username" type="email"></label>
<label>Password <input name="password" type="password"></label>
<button type="submit">Continue</button></form></main></body></html>"""


@csrf_exempt
def sign_in(request: HttpRequest) -> HttpResponse:
    """Anyone with the shared password, as the e-mail they type: people appear on first use."""
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if request.method == "POST" and request.POST.get("password") == PASSWORD:
        email = request.POST["username"].strip().lower()
        user, _ = get_user_model().objects.get_or_create(
            username=email, defaults={"email": email, "first_name": email.split("@")[0]}
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            return HttpResponseRedirect(next_url)
    return HttpResponse(_FORM.format(next=escape(next_url)))


urlpatterns = [
    path("login/", sign_in),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
