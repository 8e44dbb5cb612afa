"""The one settings module. Every deployment-specific value comes from the environment.

The defaults give the embedded setup (SQLite, a filesystem Celery broker, e-mail
written to files) so that a fresh clone runs with nothing installed; setting
``DATABASE_URL``, ``CELERY_BROKER_URL`` and ``EMAIL_HOST`` switches to
PostgreSQL, Redis and real mail. Nothing here exists only for production.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from lib import sso
from lib.env import (
    env_bool,
    env_int,
    env_list,
    env_secret_key,
    env_str,
    env_time_zone,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("MENTORING_VAR_DIR", str(BASE_DIR / "var")))
# Local state of the embedded setup (database, broker queue, mail, cache) lives here.
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
# People's own-data archives: under VAR_DIR, never under static files or anything served.
MENTORING_PRIVATE_DIR = VAR_DIR / "private"

# ---------------------------------------------------------------- core
HTTPS = env_bool("DJANGO_HTTPS", False)
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
BASE_URL = env_url("MENTORING_BASE_URL", "http://127.0.0.1:8000", schemes={"http", "https"})
# The public default key is only for a laptop and the tests: a setup that looks like
# production (HTTPS, a reverse proxy, an https base URL) refuses to start without its own.
SECRET_KEY = env_secret_key(
    "DJANGO_SECRET_KEY",
    "django-insecure-local-only-set-DJANGO_SECRET_KEY",
    required=HTTPS or BEHIND_PROXY or BASE_URL.startswith("https:"),
)
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "csp",
    "mentoring",
    "people",
    "notifications",
    "programs",
    "matching",
    "meetings",
    "checkins",
    "journal",
    "manager_view",
    "hr_view",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "mentoring.access_policy.AccessPolicyMiddleware",
    "mentoring.middleware.viewer_preferences",
    "mentoring.middleware.no_store_when_signed_in",
]

ROOT_URLCONF = "mentoring.urls"
WSGI_APPLICATION = "mentoring.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "mentoring.context_processors.navigation",
                "mentoring.context_processors.sign_in",
            ],
        },
    },
]

# ---------------------------------------------------------------- database
DATABASES = {
    "default": dj_database_url.parse(
        env_url(
            "DATABASE_URL",
            f"sqlite:///{VAR_DIR / 'mentoring.sqlite3'}",
            schemes={"sqlite", "postgres", "postgresql", "postgis"},
        ),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share one file: WAL lets readers run
    # beside a writer, IMMEDIATE takes the write lock up front so transactions do
    # not fail half-way with "database is locked", and the timeout waits for it.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"

# ---------------------------------------------------- cache (rate limits, shared by processes)
_cache_url = env_url(
    "CACHE_URL", f"file://{VAR_DIR / 'cache'}", schemes={"file", "redis", "rediss", "locmem"}
)
if _cache_url.startswith("redis"):
    CACHES: dict[str, dict[str, object]] = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
        }
    }
elif _cache_url.startswith("locmem"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": _cache_url.removeprefix("file://"),
        }
    }

# Rendered pages (lib.page_cache): in each process's memory on purpose, since a
# stored page carries a placeholder that only its own process fills in.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "mentoring-pages",
    "TIMEOUT": 600,
    "OPTIONS": {"MAX_ENTRIES": 300},
}

# ---------------------------------------------------------------- authentication (django-allauth)
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "people.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "people.forms.SignupForm"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults (65.x, with e-mail verification by code), stated so that they
    # are visibly on; "login_failed" also guards the admin, whose login goes through
    # allauth (see urls.py). "confirm_email" is one verification e-mail per address per
    # 10 seconds: a longer window turns each sign-in of an unverified person within it
    # into "Too many failed login attempts", since a code must be sent for the session.
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/10s/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Mentoring] "
MENTORING_OPEN_SIGNUP = env_bool("MENTORING_OPEN_SIGNUP", False)

# ---------------------------------------------------------------- home page
# Lines that apps the project package may not import add to a person's own home page,
# named by dotted path the way URLconfs are included (lib/home_notices.py).
MENTORING_HOME_NOTICES = ["journal.home.stale_goal_notices"]
# What the programs pages ask matching, which lies above them: which enrolments are paired.
MENTORING_PAIRED_ENROLMENTS = "matching.membership.paired_enrolment_ids"
# What the meetings' retention asks the journal, which lies above it: the pairs whose
# session content its own retention deleted (a meeting's deletion would take its notes
# with it, before their notice).
MENTORING_CONTENT_GONE_PAIRS = "journal.retention.pairs_content_gone"

# ---------------------------------------------------------------- MFA and passkeys (allauth.mfa)
# Authenticator apps (TOTP, with a QR code), security keys and passkeys (WebAuthn) and
# recovery codes. Required for HR admins and operators (the access policy sends them to
# set it up), optional for everyone else; see docs/mfa.md.
INSTALLED_APPS += ["allauth.mfa", "django.contrib.humanize"]  # humanize: its key list
MFA_ADAPTER = "people.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Mentoring"
# One step either side of now: a phone whose clock is a few seconds off still signs in.
MFA_TOTP_TOLERANCE = 1
# Browsers allow WebAuthn on plain http only for localhost; allauth must agree, but only
# for a local address that is not served over HTTPS (the demo, the browser tests).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not HTTPS and BASE_URL.startswith(
    ("http://127.0.0.1", "http://localhost")
)

# ------------------------------------------------ single sign-on (allauth socialaccount)
# The organisation's identity provider, OpenID Connect and/or SAML, from the environment
# (lib/sso.py, README "Single sign-on"). Nothing configured: sign-in as before.
INSTALLED_APPS += [
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
]
SOCIALACCOUNT_PROVIDERS = sso.socialaccount_providers()
MENTORING_SSO_NAME = env_str("MENTORING_SSO_NAME", "").strip()
# SSO only: passwords and e-mailed codes are refused, except for operators (staff and
# superusers), whose password stays as the break-glass way in when the IdP is down.
MENTORING_SSO_ONLY = env_bool("MENTORING_SSO_ONLY", False)
if MENTORING_SSO_ONLY:
    ACCOUNT_LOGIN_BY_CODE_ENABLED = False
SOCIALACCOUNT_ADAPTER = "people.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # land in the account HR made, by its e-mail,
# ...and keep the IdP's subject (SocialAccount.uid) for the next sign-in.
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_REQUIRED = True

# ---------------------------------------------------------------- internationalisation
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("de", _("German")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("nl", _("Dutch")),
]
TIME_ZONE = env_time_zone("MENTORING_DEFAULT_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# One set of date and time formats per language, used by pages, e-mails and calendar text.
FORMAT_MODULE_PATH = ["lib.formats"]

# ---------------------------------------------------------------- static files (served by the app)
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True

# ---------------------------------------------------------------- e-mail
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Mentoring <mentoring@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
else:
    # Embedded default: each message is a file a person can open.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# ---------------------------------------------------------------- Celery
CELERY_BROKER_URL = env_url(
    "CELERY_BROKER_URL", "filesystem://", schemes={"filesystem", "redis", "rediss", "memory"}
)
if CELERY_BROKER_URL.startswith("filesystem"):
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),  # fanout: worker pings
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240, minimum=1)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
MENTORING_HEARTBEAT_SECONDS = env_int("MENTORING_HEARTBEAT_SECONDS", 60, minimum=1)
MENTORING_DISPATCH_SECONDS = env_int("MENTORING_DISPATCH_SECONDS", 60, minimum=1)
MENTORING_REMINDER_STALE_SECONDS = env_int("MENTORING_REMINDER_STALE_SECONDS", 600, minimum=1)
MENTORING_SWEEP_SECONDS = env_int("MENTORING_SWEEP_SECONDS", 300, minimum=1)
# 0 runs the retention tasks daily at night; a number of seconds runs them that often
# (the fault test, tests/integration/test_retention_faults.py).
MENTORING_RETENTION_SECONDS = env_int("MENTORING_RETENTION_SECONDS", 0, minimum=0)
# How long the audit log keeps a row (days); its daily retention run deletes older ones.
MENTORING_AUDIT_RETENTION_DAYS = env_int("MENTORING_AUDIT_RETENTION_DAYS", 730, minimum=30)
# People a department needs on HR's health page to be shown on its own (lib/suppression.py).
MENTORING_BREAKDOWN_THRESHOLD = env_int("MENTORING_BREAKDOWN_THRESHOLD", 5, minimum=5)
# How long HR's health figures, once counted, are served before a request counts them again
# (hr_view/health.py; 0 counts on every request).
MENTORING_HEALTH_FRESH_SECONDS = env_int("MENTORING_HEALTH_FRESH_SECONDS", 300, minimum=0)
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {
        "task": "mentoring.heartbeat",
        "schedule": float(MENTORING_HEARTBEAT_SECONDS),
        "options": {"expires": MENTORING_HEARTBEAT_SECONDS},
    },
    "dispatch-reminders": {
        "task": "meetings.dispatch_reminders",
        "schedule": float(MENTORING_DISPATCH_SECONDS),
        "options": {"expires": MENTORING_DISPATCH_SECONDS},
    },
    "sweep-reminders": {
        "task": "meetings.sweep_reminders",
        "schedule": float(MENTORING_SWEEP_SECONDS),
        "options": {"expires": MENTORING_SWEEP_SECONDS},
    },
    "deliver-meeting-mail": {  # nudges: planned below, sent when due
        "task": "meetings.deliver_mail",
        "schedule": float(MENTORING_DISPATCH_SECONDS),
        "options": {"expires": MENTORING_DISPATCH_SECONDS},
    },
    "deliver-hr-digest": {  # the HR digest: planned below, sent when due
        "task": "hr_view.deliver_digests",
        "schedule": float(MENTORING_DISPATCH_SECONDS),
        "options": {"expires": MENTORING_DISPATCH_SECONDS},
    },
    "deliver-request-reminders": {
        "task": "matching.deliver_mail",
        "schedule": float(MENTORING_DISPATCH_SECONDS),
        "options": {"expires": MENTORING_DISPATCH_SECONDS},
    },
    "deliver-retention-notices": {
        "task": "journal.deliver_mail",
        "schedule": float(MENTORING_DISPATCH_SECONDS),
        "options": {"expires": MENTORING_DISPATCH_SECONDS},
    },
    "deliver-checkin-mail": {  # pulse e-mails and survey invitations
        "task": "checkins.deliver_mail",
        "schedule": float(MENTORING_DISPATCH_SECONDS),
        "options": {"expires": MENTORING_DISPATCH_SECONDS},
    },
    "plan-checkin-mail": {
        "task": "checkins.plan_mail",
        "schedule": 15 * 60.0,
        "options": {"expires": 15 * 60},
    },
    "plan-nudges": {
        "task": "meetings.plan_nudges",
        "schedule": 6 * 60 * 60.0,
        "options": {"expires": 60 * 60},
    },
    "audit-retention": {
        "task": "audit.retention",
        "schedule": crontab(minute=30, hour=3),
        "options": {"expires": 6 * 60 * 60},
    },
    "hr-digest": {
        "task": "hr_view.send_hr_digest",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
        "options": {"expires": 6 * 60 * 60},
    },
    "forget-old-notifications": {  # read notifications past their keeping time
        "task": "notifications.forget_old",
        "schedule": crontab(minute=30, hour=3),
        "options": {"expires": 6 * 60 * 60},
    },
    "expire-mentorship-requests": {
        "task": "matching.expire_requests",
        "schedule": 15 * 60.0,
        "options": {"expires": 15 * 60},
    },
    "remind-mentors-of-requests": {
        "task": "matching.remind_mentors",
        "schedule": 60 * 60.0,
        "options": {"expires": 60 * 60},
    },
    # Daily deletions by retention period (issue 18); each is idempotent and resumable.
    "journal-retention": {
        "task": "journal.retention_run",
        "schedule": float(MENTORING_RETENTION_SECONDS) or crontab(minute=0, hour=3),
        "options": {"expires": 6 * 60 * 60},
    },
    "meeting-retention": {
        "task": "meetings.retention_run",
        "schedule": float(MENTORING_RETENTION_SECONDS) or crontab(minute=30, hour=3),
        "options": {"expires": 6 * 60 * 60},
    },
    "expire-data-exports": {
        "task": "people.expire_data_exports",
        "schedule": crontab(minute=0, hour=4),
        "options": {"expires": 6 * 60 * 60},
    },
}

# ------------------------------------- security (same code everywhere, switched by HTTPS)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [
    "security.W021",  # HSTS preload binds every subdomain for years: the domain owner opts in.
]
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The client address for allauth's rate limits: behind the proxy it is the entry the
# proxies we run added to X-Forwarded-For (counted from the right, so what a client
# wrote there itself is never used); without one it is the socket address and the
# header is ignored, since any client could forge it.
ALLAUTH_TRUSTED_PROXY_COUNT = (
    env_int("DJANGO_TRUSTED_PROXY_COUNT", 1, minimum=1) if BEHIND_PROXY else 0
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        # The sign-in and sign-out forms are redirected to the IdP (lib/sso.py).
        "form-action": [SELF, *sso.form_action_origins()],
        "frame-ancestors": [NONE],
    },
}

# ---------------------------------------------------------------- logging
# Feed tokens, reset keys and sign-in codes in URLs never reach a log (mentoring.logs):
# the filter sits on the handler and on the loggers that write request paths (django.request
# logs "Not Found: /path" and 500s; django.server is runserver's request log).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "mentoring.logs.RedactSecrets"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        }
    },
    "loggers": {
        "django.request": {"filters": ["redact_secrets"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
