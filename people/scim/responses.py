"""SCIM responses: ``application/scim+json``, and errors as RFC 7644 §3.12 bodies."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from scim2_models import Error, SCIMException

from people.scim.resources import error_body

CONTENT_TYPE = "application/scim+json"


def scim_response(body: dict[str, Any] | None, *, status: int = 200) -> HttpResponse:
    content = b"" if body is None else json.dumps(body, default=str).encode()
    response = HttpResponse(content, status=status, content_type=CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response


def scim_error_response(error: SCIMException | Error) -> HttpResponse:
    body = error_body(error)
    return scim_response(body, status=int(body.get("status") or 400))
