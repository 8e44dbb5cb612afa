"""Recording a privileged action: the one write every app calls."""

from __future__ import annotations

from typing import Any, Protocol

from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from audit.models import Action, AuditEvent


class _Identified(Protocol):
    pk: Any


def audit_record(
    *,
    action: Action,
    actor: _Identified | None = None,
    actor_label: str = "",
    target: _Identified | None = None,
    target_type: str = "",
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one row, inside the caller's transaction (it commits or rolls back with the
    action it records).

    ``target`` gives the target's id and, unless ``target_type`` says otherwise, its model
    name. ``details`` holds counts, statuses and field names, never text a person wrote.
    ``request`` gives the address the action came from, read the way sign-in rate limits
    read it (allauth's adapter, which trusts ``DJANGO_TRUSTED_PROXY_COUNT`` proxies).
    """
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEvent.objects.create(
        action=action,
        actor_id=actor.pk if actor is not None else None,
        actor_label=actor_label,
        target_type=target_type or (target._meta.model_name if target is not None else ""),  # type: ignore[attr-defined]
        target_id=target.pk if target is not None else None,
        details=details or {},
        ip=_client_ip(request),
    )


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    try:
        return get_adapter(request).get_client_ip(request) or None
    except ImproperlyConfigured:  # fewer forwarding hops than trusted: say nothing, act anyway
        return None
