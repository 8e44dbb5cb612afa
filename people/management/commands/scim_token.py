"""Create, list and revoke the bearer tokens identity providers use for SCIM provisioning."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError

from people.models import ScimToken
from people.scim.services import scim_token_create, scim_token_revoke


class Command(BaseCommand):
    # Help texts stay English like Django's own commands': they are read at import time.
    help = "Create, list or revoke SCIM bearer tokens. A new token's secret is printed once."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token and print its secret.")
        create.add_argument("name", help="Which identity provider holds it, e.g. 'Entra ID'.")
        actions.add_parser("list", help="List tokens (names and dates; secrets are not kept).")
        revoke = actions.add_parser("revoke", help="Revoke a token: refused from now on.")
        revoke.add_argument("name")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "create":
            self._create(options["name"])
        elif action == "revoke":
            self._revoke(options["name"])
        else:
            for token in ScimToken.objects.all():
                state = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "live"
                self.stdout.write(
                    f"{token.name}\tcreated {token.created_at:%Y-%m-%d %H:%M}\t{state}"
                )

    def _create(self, name: str) -> None:
        if not name.strip() or len(name.strip()) > ScimToken._meta.get_field("name").max_length:  # type: ignore[operator]
            raise CommandError("Give the token a name of 1 to 60 characters.")
        try:
            _token, secret = scim_token_create(name=name)
        except IntegrityError:
            raise CommandError(f"A token named {name!r} exists already.") from None
        self.stdout.write(f"Token {name!r} created. Give the identity provider this secret;")
        self.stdout.write("it is shown only now:")
        self.stdout.write(secret)

    def _revoke(self, name: str) -> None:
        token = ScimToken.objects.filter(name=name).first()
        if token is None:
            raise CommandError(f"No token is named {name!r}.")
        scim_token_revoke(token=token)
        self.stdout.write(f"Token {name!r} is revoked.")
