"""SCIM Users as people, and people as SCIM Users: the mapping, and nothing that writes.

A person's ``id`` is their pk, ``userName`` their work e-mail address, the enterprise
extension's ``employeeNumber`` their employee id (the key the CSV import uses),
``department`` their department's name and ``manager.value`` the ``id`` of their line
manager.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from pydantic import ValidationError
from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    Email,
    EnterpriseUser,
    Error,
    ETag,
    Filter,
    InvalidFilterException,
    InvalidSyntaxException,
    InvalidValueException,
    Manager,
    Meta,
    Name,
    Patch,
    PatchOp,
    Reference,
    ResourceType,
    Schema,
    SCIMException,
    ScimFilter,
    ServiceProviderConfig,
    Sort,
    User,
)
from scim2_models.path.expressions import CompareOperator, Comparison

from people.models import User as Person

ScimUser = User[EnterpriseUser]
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
MAX_BODY_BYTES = 64 * 1024  # one User is a few hundred bytes


@dataclass(frozen=True)
class PersonFields:
    """What a SCIM User says about a person, in the CSV import's terms (``""``: not given)."""

    employee_id: str
    email: str
    full_name: str
    department: str
    title: str
    manager_pk: str  # the manager's SCIM id, or "" for none
    time_zone: str
    language: str
    active: bool


def person_to_scim(person: Person, *, base_url: str) -> ScimUser:
    scim = ScimUser(
        id=str(person.pk),
        user_name=person.email,
        display_name=person.full_name,
        name=Name(formatted=person.full_name),
        title=person.title or None,
        active=person.is_active,
        timezone=person.time_zone,
        preferred_language=person.language,
        emails=[Email(value=person.email, primary=True, type=Email.Type.work)],
        meta=Meta(
            resource_type="User",
            created=person.date_joined,
            location=f"{base_url}/Users/{person.pk}",
        ),
    )
    scim[EnterpriseUser] = EnterpriseUser(
        employee_number=person.employee_id,
        department=person.department.name if person.department else None,
        manager=_manager(person, base_url),
    )
    return scim


def _manager(person: Person, base_url: str) -> Manager | None:
    if person.manager is None:
        return None
    return Manager(
        value=str(person.manager.pk),
        ref=Reference(f"{base_url}/Users/{person.manager.pk}"),
        display_name=person.manager.full_name,
    )


def scim_json(model: Any) -> dict[str, Any]:
    context = Context.RESOURCE_QUERY_RESPONSE
    return model.model_dump(scim_ctx=context)


def error_body(error: SCIMException | Error) -> dict[str, Any]:
    scim_error = error.to_error() if isinstance(error, SCIMException) else error
    return scim_error.model_dump()


# ---------------------------------------------------------------- reading requests


def payload_read(body: bytes) -> dict[str, Any]:
    if len(body) > MAX_BODY_BYTES:
        raise InvalidValueException(detail="The request body is too large for one User.")
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidSyntaxException(detail=f"The body is not JSON: {error}.") from None
    if not isinstance(payload, dict):
        raise InvalidSyntaxException(detail="The body must be a JSON object.")
    return payload


def scim_user_read(payload: dict[str, Any]) -> ScimUser:
    """A User from a POST or PUT body; a malformed one raises a SCIM error."""
    return _validated(ScimUser, _with_manager_refs(payload), Context.RESOURCE_CREATION_REQUEST)


def patch_read(payload: dict[str, Any]) -> PatchOp[ScimUser]:
    operations = payload.get("Operations")
    if isinstance(operations, list):
        payload = {**payload, "Operations": [_patch_operation(op) for op in operations]}
    patch_type = PatchOp[ScimUser]
    return _validated(patch_type, payload, Context.RESOURCE_PATCH_REQUEST)


def _validated(model: Any, payload: dict[str, Any], context: Context) -> Any:
    try:
        return model.model_validate(payload, scim_ctx=context)
    except ValidationError as error:
        raise SCIMException.from_error(Error.from_validation_errors(error)[0]) from None


def _with_manager_refs(payload: dict[str, Any]) -> dict[str, Any]:
    """RFC 7643 makes ``manager.$ref`` required, but Entra ID and Okta send only
    ``manager.value``: fill the reference in from the value."""
    extension = payload.get(ENTERPRISE_SCHEMA)
    if isinstance(extension, dict) and "manager" in extension:
        extension = {**extension, "manager": _manager_value(extension["manager"])}
        payload = {**payload, ENTERPRISE_SCHEMA: extension}
    return payload


def _manager_value(value: Any) -> Any:
    if isinstance(value, str | int):
        value = {"value": str(value)}  # Entra ID's PATCH sends the bare id
    if isinstance(value, dict) and value.get("value") and "$ref" not in value:
        return {**value, "$ref": f"Users/{value['value']}"}
    return value


def _patch_operation(operation: Any) -> Any:
    if not isinstance(operation, dict) or "value" not in operation:
        return operation
    path = str(operation.get("path") or "")
    value = operation["value"]
    if path.lower().endswith(":manager") or path.lower() == "manager":
        return {**operation, "value": _manager_value(value)}
    if not path and isinstance(value, dict):
        return {**operation, "value": _with_manager_refs(value)}
    return operation


def user_name_filter(text: str) -> str:
    """The e-mail address in ``userName eq "…"``, the one filter identity providers use
    to find a person before creating them."""
    try:
        parsed = ScimFilter[ScimUser](text)
        node = parsed.ast
    except SCIMException:
        raise
    except ValueError as error:
        raise InvalidFilterException(detail=str(error)) from None
    if (
        isinstance(node, Comparison)
        and node.attr_path.attr.lower() == "username"
        and node.attr_path.sub_attr is None
        and node.op is CompareOperator.eq
        and isinstance(node.value, str)
    ):
        if "\x00" in node.value:
            raise InvalidFilterException(detail="The filter contains a NUL character.")
        return node.value.lower()
    raise InvalidFilterException(detail='Only the filter userName eq "…" is supported.')


# ---------------------------------------------------------------- SCIM Users as people


def person_fields(scim: ScimUser, *, current: Person | None) -> PersonFields:
    """The CSV import's values for a User. Time zone and language are the person's own
    settings: a User without them keeps what the person chose."""
    enterprise = scim[EnterpriseUser] or EnterpriseUser()
    manager = enterprise.manager.value if enterprise.manager else None
    fields = _person_fields(scim, enterprise, manager, current)
    if any("\x00" in str(value) for value in vars(fields).values()):
        # PostgreSQL cannot even look such a value up: refuse it before any query.
        raise InvalidValueException(detail="A value contains a NUL character.")
    return fields


def _person_fields(
    scim: ScimUser, enterprise: EnterpriseUser, manager: str | None, current: Person | None
) -> PersonFields:
    return PersonFields(
        employee_id=(enterprise.employee_number or "").strip(),
        email=(scim.user_name or "").strip(),
        full_name=_full_name(scim),
        department=(enterprise.department or "").strip(),
        title=(scim.title or "").strip(),
        manager_pk=(manager or "").strip(),
        time_zone=(scim.timezone or (current.time_zone if current else "")).strip(),
        language=_language(scim.preferred_language, current),
        active=scim.active if scim.active is not None else True,
    )


def _full_name(scim: ScimUser) -> str:
    if scim.display_name and scim.display_name.strip():
        return scim.display_name.strip()
    if scim.name is None:
        return ""
    if scim.name.formatted and scim.name.formatted.strip():
        return scim.name.formatted.strip()
    parts = [scim.name.given_name, scim.name.family_name]
    return " ".join(part.strip() for part in parts if part and part.strip())


def _language(preferred: str | None, current: Person | None) -> str:
    if not preferred:
        return current.language if current else ""
    # "de-CH" is German to the app: the pages come in languages, not regions.
    primary = preferred.strip().replace("_", "-").split("-")[0].lower()
    supported = {code for code, _name in settings.LANGUAGES}
    return primary if primary in supported else preferred.strip()


# ---------------------------------------------------------------- discovery (RFC 7644 §4)

PAGE_SIZE_MAX = 200


def service_provider_config(*, base_url: str) -> ServiceProviderConfig:
    return ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=PAGE_SIZE_MAX),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[
            AuthenticationScheme(
                type=AuthenticationScheme.Type.oauthbearertoken,
                name="Bearer token",
                description="A token an operator creates with `manage.py scim_token create`.",
                primary=True,
            )
        ],
        meta=Meta(
            resource_type="ServiceProviderConfig",
            location=f"{base_url}/ServiceProviderConfig",
        ),
    )


def user_resource_type(*, base_url: str) -> ResourceType:
    resource_type = ResourceType.from_resource(ScimUser)
    resource_type.meta = Meta(
        resource_type="ResourceType", location=f"{base_url}/ResourceTypes/User"
    )
    return resource_type


def schemas(*, base_url: str) -> list[Schema]:
    found = [User.to_schema(), EnterpriseUser.to_schema()]
    for schema in found:
        schema.meta = Meta(resource_type="Schema", location=f"{base_url}/Schemas/{schema.id}")
    return found
