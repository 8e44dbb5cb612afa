"""SCIM 2.0 provisioning driven by a real client (scim2-client over httpx2) against the
endpoint served on 127.0.0.1 by pytest-django's live server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from django.test import Client
from django.urls import reverse
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_models import (
    Context,
    EnterpriseUser,
    ListResponse,
    Manager,
    PatchOp,
    PatchOperation,
    ResourceType,
    Schema,
    SCIMException,
    SearchRequest,
    ServiceProviderConfig,
    User,
)

from audit.models import Action, AuditEvent
from matching.models import Pair
from people.models import ScimToken
from people.models import User as Person
from people.scim.services import scim_token_create, scim_token_revoke
from tests.factories import PASSWORD, UserFactory
from tests.meetings.factories import make_pair

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("eager_tasks")]

ScimUser = User[EnterpriseUser]
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


@pytest.fixture
def token() -> tuple[ScimToken, str]:
    return scim_token_create(name="Entra ID")


@pytest.fixture
def http(live_server: Any, token: tuple[ScimToken, str]) -> Iterator[httpx2.Client]:
    headers = {"Authorization": f"Bearer {token[1]}"}
    with httpx2.Client(base_url=f"{live_server.url}/scim/v2", headers=headers) as client:
        yield client


@pytest.fixture
def scim(http: httpx2.Client) -> SyncSCIMClient:
    client = SyncSCIMClient(http)
    client.discover()
    return client


def _new_user(email: str, number: str, manager: Person | None = None, **extra: Any) -> ScimUser:
    user = ScimUser(user_name=email, display_name="Nia New", active=True, **extra)
    user[EnterpriseUser] = EnterpriseUser(
        employee_number=number,
        department="Research",
        manager=Manager(value=str(manager.pk), ref=f"Users/{manager.pk}") if manager else None,
    )
    return user


def _snapshot() -> list[tuple[Any, ...]]:
    return list(
        Person.objects.order_by("pk").values_list(
            "pk", "email", "full_name", "employee_id", "manager_id", "department_id", "is_active"
        )
    )


def test_discovery_describes_users_with_the_enterprise_extension(scim: SyncSCIMClient) -> None:
    config = scim.query(ServiceProviderConfig)
    assert isinstance(config, ServiceProviderConfig)
    assert config.patch.supported
    assert config.filter.supported
    assert not config.bulk.supported
    types = scim.query(ResourceType)
    assert [t.id for t in types.resources] == ["User"]
    assert [e.schema_ for e in types.resources[0].schema_extensions] == [ENTERPRISE]
    schemas = scim.query(Schema)
    assert {s.id for s in schemas.resources} == {CORE, ENTERPRISE}


def test_create_get_and_filter(
    scim: SyncSCIMClient, manager: Person, token: tuple[ScimToken, str]
) -> None:
    created = scim.create(_new_user("Nia.New@Example.com", "S-1", manager, title="Analyst"))
    person = Person.objects.get(employee_id="S-1")
    assert (person.email, person.full_name, person.title) == (
        "nia.new@example.com",
        "Nia New",
        "Analyst",
    )
    assert person.manager == manager
    assert person.department.name == "Research"
    assert person.emailaddress_set.get().verified  # signs in by code, as CSV imports do
    assert created.id == str(person.pk)
    assert created[EnterpriseUser].manager.value == str(manager.pk)
    fetched = scim.query(ScimUser, created.id)
    assert fetched.user_name == "nia.new@example.com"
    found = scim.query(
        ScimUser, query_parameters=SearchRequest(filter='userName eq "NIA.NEW@example.com"')
    )
    assert isinstance(found, ListResponse)
    assert found.total_results == 1
    assert found.resources[0].id == created.id
    none = scim.query(
        ScimUser, query_parameters=SearchRequest(filter='userName eq "nobody@example.com"')
    )
    assert none.total_results == 0
    event = AuditEvent.objects.get(action=Action.SCIM_CHANGE)
    assert event.actor_label == "scim:Entra ID"
    assert event.target_id == person.pk
    assert "created" in event.details["fields"]
    assert "nia" not in str(event.details)


def test_list_is_paginated(scim: SyncSCIMClient, mentee: Person) -> None:
    UserFactory.create_batch(3)
    total = Person.objects.count()
    page = scim.query(ScimUser, query_parameters=SearchRequest(start_index=2, count=2))
    assert (page.total_results, page.start_index, page.items_per_page) == (total, 2, 2)
    ids = [int(r.id) for r in page.resources]
    assert ids == list(Person.objects.order_by("pk").values_list("pk", flat=True)[1:3])


def test_patch_manager_applies_at_once_to_the_manager_view(
    scim: SyncSCIMClient, mentee: Person, manager: Person, outsider: Person
) -> None:
    former = Client()
    former.force_login(manager)
    assert mentee.full_name in former.get(reverse("people:team")).content.decode()
    patch = PatchOp[ScimUser](
        operations=[
            PatchOperation(
                op=PatchOperation.Op.replace_,
                path=f"{ENTERPRISE}:manager",
                value={"value": str(outsider.pk), "$ref": f"Users/{outsider.pk}"},
            )
        ]
    )
    scim.modify(ScimUser, str(mentee.pk), patch)
    mentee.refresh_from_db()
    assert mentee.manager == outsider
    assert mentee.full_name not in former.get(reverse("people:team")).content.decode()
    new = Client()
    new.force_login(outsider)
    assert mentee.full_name in new.get(reverse("people:team")).content.decode()
    event = AuditEvent.objects.get(action=Action.SCIM_CHANGE)
    assert event.details == {"fields": ["manager"]}


def test_entra_style_patch_with_a_bare_manager_id(
    http: httpx2.Client, mentee: Person, outsider: Person
) -> None:
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Add", "path": f"{ENTERPRISE}:manager", "value": str(outsider.pk)}],
    }
    response = http.patch(f"Users/{mentee.pk}", json=body)
    assert response.status_code == 200, response.text
    mentee.refresh_from_db()
    assert mentee.manager == outsider


def test_deactivate_blocks_sign_in_and_ends_pairs(
    scim: SyncSCIMClient, mentee: Person, mentor: Person
) -> None:
    pair = make_pair(mentee, mentor)
    patch = PatchOp[ScimUser](
        operations=[PatchOperation(op=PatchOperation.Op.replace_, path="active", value=False)]
    )
    result = scim.modify(ScimUser, str(mentor.pk), patch)
    assert result.active is False
    mentor.refresh_from_db()
    pair.refresh_from_db()
    assert not mentor.is_active
    assert pair.status == Pair.Status.ENDED
    browser = Client()
    response = browser.post(reverse("account_login"), {"login": mentor.email, "password": PASSWORD})
    assert not browser.get(reverse("home")).wsgi_request.user.is_authenticated, response
    assert AuditEvent.objects.get(action=Action.SCIM_CHANGE).details == {"fields": ["is_active"]}


def test_delete_deactivates_and_keeps_the_person(scim: SyncSCIMClient, mentor: Person) -> None:
    scim.delete(ScimUser, str(mentor.pk))
    mentor.refresh_from_db()
    assert not mentor.is_active
    assert scim.query(ScimUser, str(mentor.pk)).active is False


def test_replace_writes_the_whole_user(
    scim: SyncSCIMClient, mentee: Person, mentor: Person
) -> None:
    # The client reads Users with the models it built from the server's schemas.
    data = scim.query(ScimUser, str(mentee.pk)).model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    data["displayName"] = "Ezra Renamed"
    del data["title"]
    data[ENTERPRISE] |= {
        "department": "Platform",
        "manager": {"value": str(mentor.pk), "$ref": f"Users/{mentor.pk}"},
    }
    replaced = scim.replace(ScimUser.model_validate(data))
    mentee.refresh_from_db()
    assert (mentee.full_name, mentee.title, mentee.department.name) == (
        "Ezra Renamed",
        "",
        "Platform",
    )
    assert mentee.manager == mentor
    assert replaced.display_name == "Ezra Renamed"
    fields = AuditEvent.objects.get(action=Action.SCIM_CHANGE).details["fields"]
    assert fields == ["department", "full_name", "manager", "title"]


# ---------------------------------------------------------------- bad input: nothing changes


def _error(response: httpx2.Response, status: int, scim_type: str | None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/scim+json")
    body = response.json()
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert body["status"] == str(status)
    assert body.get("scimType") == scim_type
    assert body["detail"]
    return body


def _create_body(email: str, number: str, **enterprise: Any) -> dict[str, Any]:
    return {
        "schemas": [CORE, ENTERPRISE],
        "userName": email,
        "displayName": "Nia New",
        ENTERPRISE: {"employeeNumber": number, **enterprise},
    }


def test_malformed_json_is_refused(http: httpx2.Client, mentee: Person) -> None:
    before = _snapshot()
    _error(http.post("Users", content=b"{not json"), 400, "invalidSyntax")
    _error(http.put(f"Users/{mentee.pk}", content=b"[1, 2"), 400, "invalidSyntax")
    assert _snapshot() == before


def test_unknown_manager_is_refused(http: httpx2.Client, mentee: Person) -> None:
    before = _snapshot()
    body = _error(
        http.post("Users", json=_create_body("a@example.com", "S-2", manager={"value": "987654"})),
        400,
        "invalidValue",
    )
    assert "manager" in body["detail"]
    assert _snapshot() == before


def test_a_reporting_line_cycle_is_refused(
    scim: SyncSCIMClient, http: httpx2.Client, mentee: Person, manager: Person
) -> None:
    before = _snapshot()
    patch = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [
            {"op": "replace", "path": f"{ENTERPRISE}:manager", "value": {"value": str(mentee.pk)}}
        ],
    }
    body = _error(http.patch(f"Users/{manager.pk}", json=patch), 400, "invalidValue")
    assert "circle" in body["detail"]
    assert _snapshot() == before
    assert not AuditEvent.objects.filter(action=Action.SCIM_CHANGE).exists()


def test_duplicate_user_name_is_a_conflict(
    scim: SyncSCIMClient, http: httpx2.Client, mentee: Person
) -> None:
    before = _snapshot()
    _error(http.post("Users", json=_create_body(mentee.email.upper(), "S-3")), 409, "uniqueness")
    _error(
        http.post("Users", json=_create_body("b@example.com", mentee.employee_id)),
        409,
        "uniqueness",
    )
    with pytest.raises(SCIMException):
        scim.create(_new_user(mentee.email, "S-4"))
    assert _snapshot() == before


def test_wrong_schema_and_bad_values_are_refused(http: httpx2.Client, mentee: Person) -> None:
    before = _snapshot()
    wrong = {**_create_body("c@example.com", "S-5"), "schemas": ["urn:example:Person"]}
    _error(http.post("Users", json=wrong), 400, "invalidSyntax")
    _error(http.post("Users", json=_create_body("not-an-address", "S-6")), 400, "invalidValue")
    _error(
        http.post("Users", json={"schemas": [CORE], "userName": "d@example.com"}),
        400,
        "invalidValue",
    )
    _error(
        http.put(f"Users/{mentee.pk}", json=_create_body(mentee.email, "OTHER")), 400, "mutability"
    )
    _error(http.get("Users", params={"filter": 'title eq "x"'}), 400, "invalidFilter")
    _error(http.get("Users", params={"count": "many"}), 400, "invalidValue")
    _error(http.get("Users", params={"filter": 'userName eq "a\u0000b"'}), 400, "invalidFilter")
    nul = _create_body("e@example.com", "S-7\u0000")
    _error(http.post("Users", json=nul), 400, "invalidValue")
    huge = _create_body("f@example.com", "S-8", manager={"value": "9" * 40})
    _error(http.post("Users", json=huge), 400, "invalidValue")
    assert _snapshot() == before


def test_missing_user_is_a_scim_404(http: httpx2.Client) -> None:
    for url in ("Users/987654", "Users/not-a-number"):
        _error(http.get(url), 404, None)
        _error(http.patch(url, json={}), 404, None)


def test_a_revoked_token_is_refused_at_once(
    http: httpx2.Client, token: tuple[ScimToken, str], mentee: Person
) -> None:
    assert http.get(f"Users/{mentee.pk}").status_code == 200
    scim_token_revoke(token=token[0])
    _error(http.get(f"Users/{mentee.pk}"), 401, None)
