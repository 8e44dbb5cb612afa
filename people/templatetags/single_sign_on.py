from __future__ import annotations

from django import template
from django.http import HttpRequest

from people.single_sign_on import IdpSignOut, idp_sign_out

register = template.Library()


@register.simple_tag(takes_context=True)
def idp_sign_out_offer(context: template.Context) -> IdpSignOut | None:
    """On the sign-out page: the IdP's own sign-out, when this session came through one."""
    request: HttpRequest | None = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    return idp_sign_out(request)
