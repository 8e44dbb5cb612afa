from django.http import HttpRequest, HttpResponse
from django.urls import path

from mentoring.urls import urlpatterns as project_urlpatterns


def unlisted(request: HttpRequest) -> HttpResponse:
    return HttpResponse("should never be served")


urlpatterns = [path("unlisted/", unlisted, name="unlisted"), *project_urlpatterns]
