"""The app's routes plus a minimal signed-in page: the same middleware, session and
access policy, rendering almost nothing. Only the page benchmark serves it."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from mentoring import access_policy
from mentoring.urls import urlpatterns as app_urlpatterns

MINIMAL = access_policy.Policy("bench_minimal", access_policy.Audience.SIGNED_IN, "Benchmark")
access_policy._BY_ROUTE[MINIMAL.route] = MINIMAL  # the benchmark's own row


def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"<p>{request.user.pk}</p>")


urlpatterns = [path("bench/minimal/", minimal, name="bench_minimal"), *app_urlpatterns]
