"""Run the test provider: ``python -m tests.sso.oidc_idp.serve PORT``.

The environment gives the database file, the signing key, the client and its redirect
URIs (IDP_CLIENT_ID, IDP_CLIENT_SECRET, IDP_REDIRECT_URIS, space-separated).
"""

from __future__ import annotations

import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.sso.oidc_idp.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    Application.objects.update_or_create(
        client_id=os.environ["IDP_CLIENT_ID"],
        defaults={
            "name": "Mentoring",
            "client_secret": os.environ["IDP_CLIENT_SECRET"],
            "hash_client_secret": False,
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
            "redirect_uris": os.environ["IDP_REDIRECT_URIS"],
            "post_logout_redirect_uris": os.environ.get("IDP_LOGOUT_URIS", ""),
            "algorithm": Application.RS256_ALGORITHM,
            "skip_authorization": True,
        },
    )
    port = int(sys.argv[1])
    server = make_server(
        "127.0.0.1", port, get_wsgi_application(), server_class=_Server, handler_class=_QuietHandler
    )
    print(f"ready on {port}", flush=True)  # noqa: T201 - the process log says it is up
    server.serve_forever()


if __name__ == "__main__":
    main()
