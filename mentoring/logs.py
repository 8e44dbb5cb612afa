"""Keep the secrets that travel in URLs out of every log line.

A calendar-feed token opens its owner's meetings (counterparts' names and places) to
whoever holds it; a password-reset key or an e-mail confirmation key takes over an
account; a sign-in code in a query string would too. Access logs and Django's "Not
Found: /path" warnings would otherwise write them whole. ``redact`` replaces each with
``[secret]`` and keeps the rest of the path, so a log still says which page was asked for.

``RedactSecrets`` is a logging filter (Django's LOGGING uses it); ``GunicornLogger`` is
gunicorn's logger class with that filter on its access and error logs (see Procfile).
This module imports neither Django settings nor an app, so gunicorn's master can load it.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

REDACTED = "[secret]"

# Each pattern keeps group 1 (the part of the URL that says what it is) and replaces the
# secret after it. A secret ends at a path separator, a query, a quote or white space.
_END = r"[^/?#&\s\"']+"
_PATTERNS = (
    # meetings: /meetings/calendar/<token>.ics; manager view: /team/feed/<token>.ics
    re.compile(rf"(/(?:calendar|feed)/)(?!reset/)(?!{re.escape(REDACTED)})[^/?#&\s\"'.]+"),
    # allauth: /accounts/password/reset/key/<uidb36>-<key>/, /accounts/confirm-email/<key>/
    re.compile(rf"(/password/reset/key/|/confirm-email/)(?!{re.escape(REDACTED)}){_END}"),
    # any code, key or token in a query string
    re.compile(rf"([?&](?:code|key|token|uidb36)=)(?!{re.escape(REDACTED)}){_END}", re.IGNORECASE),
)


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(rf"\g<1>{REDACTED}", text)
    return text


class RedactSecrets(logging.Filter):
    """Rewrites a record's message (arguments merged in) and its traceback text, so every
    handler after it, and every formatter, sees the redacted text only."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class GunicornLogger(Logger):
    """gunicorn's own logger with secrets redacted from its access and error logs (the
    access log line holds the request line and the referrer)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactSecrets) for f in log.filters):
                log.addFilter(RedactSecrets())
