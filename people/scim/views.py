"""The SCIM 2.0 endpoint under ``/scim/v2/``. The access policy admits a request only with
a live bearer token (``people.scim.auth``); these views parse, call a service or a
selector, and answer in ``application/scim+json``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from scim2_models import (
    InvalidValueException,
    ListResponse,
    NotFoundException,
    SCIMException,
)

from people.models import ScimToken
from people.models import User as Person
from people.scim import resources, selectors, services
from people.scim.responses import scim_error_response, scim_response

View = Callable[..., HttpResponse]


def scim_view(methods: tuple[str, ...]) -> Callable[[View], View]:
    """CSRF-exempt (a bearer token is no ambient credential), and every SCIM error
    becomes its RFC 7644 body."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                error = SCIMException(status=405, detail=f"Use one of {', '.join(methods)}.")
                response = scim_error_response(error)
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, **kwargs)
            except SCIMException as error:
                return scim_error_response(error)

        return wrapped

    return decorate


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("scim:users")).removesuffix("/Users")


def _token(request: HttpRequest) -> ScimToken:
    return request.scim_token  # type: ignore[attr-defined]


def _user_response(request: HttpRequest, person: Person, *, status: int = 200) -> HttpResponse:
    scim = resources.person_to_scim(person, base_url=_base_url(request))
    response = scim_response(resources.scim_json(scim), status=status)
    if scim.meta and scim.meta.location:
        response["Location"] = str(scim.meta.location)
    return response


def _int_parameter(request: HttpRequest, name: str, default: int, *, least: int) -> int:
    raw = request.GET.get(name, "")
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidValueException(detail=f"{name} must be a whole number.") from None
    return max(value, least)  # RFC 7644 §3.4.2.4: smaller values are read as the least


@scim_view(("GET", "POST"))
def users(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        scim = resources.scim_user_read(resources.payload_read(request.body))
        person = services.scim_user_create(scim=scim, token=_token(request))
        return _user_response(request, person, status=201)
    text = request.GET.get("filter")
    user_name = resources.user_name_filter(text) if text else None
    start_index = _int_parameter(request, "startIndex", 1, least=1)
    count = min(
        _int_parameter(request, "count", resources.PAGE_SIZE_MAX, least=0), resources.PAGE_SIZE_MAX
    )
    total, people = selectors.scim_people_page(
        user_name=user_name, start_index=start_index, count=count
    )
    base_url = _base_url(request)
    page = ListResponse[resources.ScimUser](
        total_results=total,
        start_index=start_index,
        items_per_page=len(people),
        resources=[resources.person_to_scim(person, base_url=base_url) for person in people],
    )
    return scim_response(resources.scim_json(page))


@scim_view(("GET", "PUT", "PATCH", "DELETE"))
def user(request: HttpRequest, scim_id: str) -> HttpResponse:
    person = selectors.scim_person(scim_id=scim_id)
    if person is None:
        raise NotFoundException(detail=f"No User has the id {scim_id!r}.")
    token = _token(request)
    if request.method == "GET":
        return _user_response(request, person)
    if request.method == "DELETE":
        services.scim_user_deactivate(person=person, token=token)
        return scim_response(None, status=204)
    payload = resources.payload_read(request.body)
    if request.method == "PUT":
        scim = resources.scim_user_read(payload)
        person = services.scim_user_replace(person=person, scim=scim, token=token)
    else:
        patch = resources.patch_read(payload)
        person = services.scim_user_patch(
            person=person, patch=patch, token=token, base_url=_base_url(request)
        )
    return _user_response(request, person)


@scim_view(("GET",))
def service_provider_config(request: HttpRequest) -> HttpResponse:
    config = resources.service_provider_config(base_url=_base_url(request))
    return scim_response(resources.scim_json(config))


@scim_view(("GET",))
def resource_types(request: HttpRequest) -> HttpResponse:
    found = [resources.user_resource_type(base_url=_base_url(request))]
    return scim_response(_list(found))


@scim_view(("GET",))
def resource_type(request: HttpRequest, name: str) -> HttpResponse:
    found = resources.user_resource_type(base_url=_base_url(request))
    if name != found.id:
        raise NotFoundException(detail=f"No resource type is named {name!r}.")
    return scim_response(resources.scim_json(found))


@scim_view(("GET",))
def schemas(request: HttpRequest) -> HttpResponse:
    return scim_response(_list(resources.schemas(base_url=_base_url(request))))


@scim_view(("GET",))
def schema(request: HttpRequest, schema_id: str) -> HttpResponse:
    for found in resources.schemas(base_url=_base_url(request)):
        if found.id == schema_id:
            return scim_response(resources.scim_json(found))
    raise NotFoundException(detail=f"No schema has the id {schema_id!r}.")


def _list(found: list[Any]) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": len(found),
        "startIndex": 1,
        "itemsPerPage": len(found),
        "Resources": [resources.scim_json(item) for item in found],
    }
