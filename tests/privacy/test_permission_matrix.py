"""Every route and every persona, checked against the access policy table.

Anonymous visitors are sent to sign in; signed-in people outside a route's
audience get a 404 byte-identical to the 404 for a page that does not exist.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlsplit

import pytest
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.mfa.models import Authenticator
from django.http import HttpResponseBase
from django.test import Client
from django.urls import NoReverseMatch, path, reverse

from mentoring.access_policy import AUDIENCE_CHECKS, POLICIES, Audience, Policy
from people.models import User
from people.scim.services import scim_token_create, scim_token_revoke
from tests.factories import UserFactory, make_hr_admin, with_totp
from tests.privacy.objects import CASES, build_world
from tests.privacy.routes import Route, iter_routes, policy_row, routes_without_policy

pytestmark = pytest.mark.django_db

MISSING_PAGE = "/this-page-does-not-exist-4711/"
ROUTES = list(iter_routes())


# allauth.mfa pages about one's own authenticator app or recovery codes answer 404 to
# someone who has none: the personas set them up first, as a person would.
NEEDS_OWN_AUTHENTICATOR = {
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
}


def _client_for(user: User | None) -> Client:
    """Signed in, and the password confirmed just now, recorded the way allauth records it:
    allauth.mfa's pages, which ask to confirm it first, answer as they do after that."""
    client = Client()
    if user is not None:
        client.force_login(user)
        session = client.session
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": "password", "at": time.time(), "reauthenticated": True}
        ]
        session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
        session.save()
    return client


def _sample_url(route: Route) -> str | None:
    try:
        return route.sample_url()
    except NoReverseMatch:
        return None


def test_every_route_has_a_policy_row() -> None:
    assert routes_without_policy(ROUTES) == []


def test_every_policy_row_matches_a_route() -> None:
    names = {r.name for r in ROUTES}
    namespaces = {r.namespace for r in ROUTES}
    stale = [
        p.route
        for p in POLICIES
        if p.route not in names and p.route.removesuffix(":*") not in namespaces
    ]
    assert stale == []


def _view(request: object) -> None:  # pragma: no cover - never called
    raise AssertionError


def test_a_route_without_a_policy_row_fails_the_matrix(settings: object) -> None:
    extra = [path("secret-report/", _view, name="secret_report")]
    routes = [*ROUTES, *iter_routes(extra)]
    assert routes_without_policy(routes) == ["secret_report"]


def test_a_route_without_a_policy_row_is_refused(
    client: Client, outsider: User, settings: object
) -> None:
    settings.ROOT_URLCONF = "tests.privacy.urls_unlisted"  # type: ignore[attr-defined]
    client.force_login(outsider)
    response = client.get("/unlisted/")
    assert response.status_code == 404


def _needs_object_case(route: Route, policy: Policy) -> bool:
    exempt = (Audience.PUBLIC, Audience.OPERATOR, Audience.SCIM_CLIENT)  # no person's object
    return bool(route.kwargs) and policy.audience not in exempt


def test_every_route_with_ids_has_an_object_case() -> None:
    missing = [
        r.name
        for r in ROUTES
        if (policy := policy_row(r)) and _needs_object_case(r, policy) and r.name not in CASES
    ]
    assert missing == [], "add an ObjectCase in tests/privacy/objects.py"


OBJECT_ROUTES = [r for r in ROUTES if r.name in CASES]


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=lambda r: r.name)
def test_object_route_reaches_only_the_allowed_personas(
    route: Route, personas: dict[str, User | None]
) -> None:
    case = CASES[route.name](build_world(personas), personas)
    url = reverse(route.name, kwargs=case.kwargs)
    missing_url = reverse(route.name, kwargs=case.missing())
    for persona, user in personas.items():
        client = _client_for(user)
        if user is None:
            response = client.get(url)
            assert response.status_code == 302, f"anonymous not redirected at {url}"
            assert urlsplit(response["Location"]).path == reverse("account_login")
            continue
        if persona in case.allowed:
            status = client.get(url).status_code
            assert status not in (404, 500), f"{persona} refused at {url}"
            continue
        statuses = set()
        for method in (client.get, client.post):
            response, missing = method(url), method(missing_url)
            assert response.status_code in (404, 405), f"{persona} reached {url}"
            assert response.status_code == missing.status_code, f"{persona} at {url}"
            assert response.content == missing.content, f"{persona}: 404 differs at {url}"
            statuses.add(response.status_code)
        assert 404 in statuses, f"{persona} was never told 404 at {url}"


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.name not in CASES], ids=lambda r: r.name or r.pattern
)
def test_route_answers_each_persona_as_its_policy_says(
    route: Route, personas: dict[str, User | None]
) -> None:
    policy = policy_row(route)
    assert policy is not None, f"{route.name} has no access policy row"
    url = _sample_url(route)
    if url is None:
        pytest.skip(f"{route.name} cannot be reversed with sample values")
    if policy.audience is Audience.PUBLIC and route.kwargs:
        _assert_made_up_secret_is_a_missing_page(personas, url)
        return
    if policy.audience is Audience.SCIM_CLIENT:
        _assert_scim_refuses_every_persona(personas, url)
        return
    if route.name in NEEDS_OWN_AUTHENTICATOR:
        for user in personas.values():
            if user is not None and not Authenticator.objects.filter(user=user).exists():
                with_totp(user)
    for persona, user in personas.items():
        _assert_persona_outcome(policy, persona, user, url)


def _assert_made_up_secret_is_a_missing_page(personas: dict[str, User | None], url: str) -> None:
    """A public route keyed by a secret (a feed token, a reset key) may refuse a made-up
    value, but only with a 404 identical to a page that does not exist."""
    for persona, user in personas.items():
        client = _client_for(user)
        response = client.get(url)
        assert response.status_code != 500, f"{persona} got an error at {url}"
        if response.status_code == 404:
            missing = client.get(MISSING_PAGE)
            assert response.content == missing.content, f"{persona}: 404 differs at {url}"


def _assert_scim_401(response: HttpResponseBase, where: str) -> None:
    assert response.status_code == 401, f"{where}: {response.status_code}"
    assert response["Content-Type"] == "application/scim+json", where
    assert json.loads(response.content) == {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
        "status": "401",
        "detail": "A valid bearer token is required.",
    }, where
    assert "Set-Cookie" not in response, f"{where}: a SCIM answer set a cookie"


def _assert_scim_refuses_every_persona(personas: dict[str, User | None], url: str) -> None:
    """A SCIM route answers only a bearer token: every person, signed in or not (HR
    admins included), gets the SCIM 401, whatever the method."""
    for persona, user in personas.items():
        client = _client_for(user)
        for method in (client.get, client.post, client.put, client.patch, client.delete):
            _assert_scim_401(method(url), f"{persona} {method.__name__} {url}")


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer",
        "Bearer scim_made-up-token",
        "Basic c2NpbTpzZWNyZXQ=",
        "revoked",
        "token of another scheme",
    ],
)
def test_scim_refuses_requests_without_a_live_token(
    authorization: str | None, hr_admin: User, mentee: User
) -> None:
    token, secret = scim_token_create(name="Okta")
    if authorization == "revoked":
        scim_token_revoke(token=token)
        authorization = f"Bearer {secret}"
    elif authorization == "token of another scheme":
        authorization = f"Token {secret}"
    headers = {"Authorization": authorization} if authorization else {}
    client = _client_for(hr_admin)  # an HR admin's session grants nothing here
    for url in (reverse("scim:users"), reverse("scim:user", kwargs={"scim_id": mentee.pk})):
        response = client.get(url, headers=headers)
        _assert_scim_401(response, f"{authorization} at {url}")
        assert response["WWW-Authenticate"] == 'Bearer realm="SCIM"'
        assert client.delete(url, headers=headers).status_code == 401
    mentee.refresh_from_db()
    assert mentee.is_active


def test_scim_answers_a_live_token_without_cookies(mentee: User) -> None:
    _token, secret = scim_token_create(name="Okta")
    response = Client().get(
        reverse("scim:user", kwargs={"scim_id": mentee.pk}),
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200
    assert json.loads(response.content)["userName"] == mentee.email
    assert "Set-Cookie" not in response


def _assert_persona_outcome(policy: Policy, persona: str, user: User | None, url: str) -> None:
    client = _client_for(user)
    response = client.get(url)
    allowed = user is not None and AUDIENCE_CHECKS[policy.audience](user)
    if policy.audience is Audience.PUBLIC or allowed:
        assert response.status_code not in (404, 500), f"{persona} refused at {url}"
    elif user is None:
        assert response.status_code == 302, f"anonymous not redirected at {url}"
        assert urlsplit(response["Location"]).path == reverse("account_login")
    else:
        missing = client.get(MISSING_PAGE)
        assert response.status_code == 404, f"{persona} got {response.status_code} at {url}"
        assert response.content == missing.content, f"{persona}: 404 differs from a missing page"


def test_operator_reaches_the_admin(operator: User) -> None:
    response = _client_for(operator).get(reverse("admin:index"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("persona", "route", "status"),
    [
        ("hr_admin", "people:import", 200),
        ("manager", "people:team", 200),
        ("mentee", "people:team", 404),
        ("outsider", "people:import", 404),
        ("manager", "people:import", 404),
        ("mentee", "home", 200),
    ],
)
def test_role_pages(
    personas: dict[str, User | None], persona: str, route: str, status: int
) -> None:
    response = _client_for(personas[persona]).get(reverse(route))
    assert response.status_code == status


MFA_ROUTES = [r for r in ROUTES if (p := policy_row(r)) is not None and p.needs_mfa]


def test_hr_and_operator_routes_need_mfa() -> None:
    audiences = {policy_row(r).audience for r in MFA_ROUTES}  # type: ignore[union-attr]
    assert audiences == {Audience.HR_ADMIN, Audience.OPERATOR, Audience.AUDITOR}
    assert {"people:directory", "programs:hr_list", "admin:index", "audit_log"} <= {
        r.name for r in MFA_ROUTES
    }


@pytest.mark.parametrize("route", MFA_ROUTES, ids=lambda r: r.name or r.pattern)
def test_without_mfa_every_hr_and_admin_route_sends_to_the_set_up_page(route: Route) -> None:
    """An HR admin or operator who has not set up two-step sign-in reaches none of their
    routes (made-up ids included: the rule comes before the page) until they do; with it
    set up, the same person is let through."""
    url = _sample_url(route)
    if url is None:
        pytest.skip(f"{route.name} cannot be reversed with sample values")
    # A superuser: an HR admin, an operator and a reader of the audit log at once.
    hr_admin = make_hr_admin(UserFactory(is_staff=True, is_superuser=True), mfa=False)
    client = _client_for(hr_admin)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, f"{route.name}: {response.status_code}"
        assert response["Location"] == reverse("mfa_index")
    with_totp(hr_admin)
    response = client.get(url)
    assert not (response.status_code == 302 and response["Location"] == reverse("mfa_index"))
    assert response.status_code != 500


def test_set_up_page_tells_why_and_is_reachable_without_mfa() -> None:
    hr_admin = make_hr_admin(UserFactory(), mfa=False)
    client = _client_for(hr_admin)
    response = client.get(reverse("programs:hr_list"), follow=True)
    assert response.redirect_chain == [(reverse("mfa_index"), 302)]
    html = response.content.decode()
    assert "needs two-step sign-in" in html
    assert reverse("mfa_activate_totp") in html


def test_people_outside_hr_need_no_mfa(personas: dict[str, User | None]) -> None:
    for persona in ("mentee", "mentor", "manager", "outsider"):
        user = personas[persona]
        assert user is not None
        assert not Authenticator.objects.filter(user=user).exists()
        assert _client_for(user).get(reverse("home")).status_code == 200
    assert _client_for(personas["manager"]).get(reverse("people:team")).status_code == 200
