from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from lib.env import env_bool, env_int, env_list, env_time_zone, env_url

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "p" * 20 + "-a-long-random-production-secret-" + "q" * 20,
    "DJANGO_HTTPS": "true",
    "DJANGO_ALLOWED_HOSTS": "mentoring.example.com",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://mentoring.example.com",
    "MENTORING_BASE_URL": "https://mentoring.example.com",
    "DJANGO_BEHIND_PROXY": "true",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not reach a deployment check.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full_env = {**inherited, **env}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_passes_with_the_documented_production_variables() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_without_a_secret_key() -> None:
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}
    env.pop("DJANGO_SECRET_KEY")
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def test_malformed_variable_stops_start_up_naming_it() -> None:
    result = _manage("check", env={"DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


@pytest.mark.parametrize(
    ("helper", "name", "raw", "message"),
    [
        (lambda n: env_bool(n, False), "X_BOOL", "sometimes", "true or false"),
        (lambda n: env_int(n, 1), "X_INT", "ten", "whole number"),
        (lambda n: env_int(n, 1, minimum=1), "X_INT", "0", "at least 1"),
        (lambda n: env_url(n, "redis://", schemes={"redis"}), "X_URL", "amqp://x", "start with"),
        (lambda n: env_time_zone(n, "UTC"), "X_TZ", "Mars/Olympus", "IANA time zone"),
    ],
)
def test_env_helpers_refuse_malformed_values(
    monkeypatch: pytest.MonkeyPatch, helper: object, name: str, raw: str, message: str
) -> None:
    monkeypatch.setenv(name, raw)
    with pytest.raises(ImproperlyConfigured, match=message):
        helper(name)  # type: ignore[operator]


def test_env_helpers_read_good_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BOOL", "Yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a.example, b.example,")
    monkeypatch.setenv("X_TZ", "Europe/Berlin")
    assert env_bool("X_BOOL", False) is True
    assert env_int("X_INT", 1) == 42
    assert env_list("X_LIST", []) == ["a.example", "b.example"]
    assert env_time_zone("X_TZ", "UTC") == "Europe/Berlin"
    assert env_bool("X_UNSET", True) is True


def _setting(name: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = f"from django.conf import settings; print(settings.{name})"
    return _manage("shell", "--no-imports", "-c", code, env=env)


@pytest.mark.parametrize(
    "production_hint",
    [
        {"DJANGO_HTTPS": "true"},
        {"DJANGO_BEHIND_PROXY": "true"},
        {"MENTORING_BASE_URL": "https://mentoring.example.com"},
    ],
)
def test_a_production_setup_without_a_secret_key_refuses_to_start(
    production_hint: dict[str, str],
) -> None:
    result = _manage("check", env={"DJANGO_SECRET_KEY": "", **production_hint})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_the_public_default_key_does_not_count_as_set() -> None:
    public = "django-insecure-local-only-set-DJANGO_SECRET_KEY"
    result = _manage("check", env={"DJANGO_SECRET_KEY": public, "DJANGO_HTTPS": "true"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_a_laptop_starts_without_a_secret_key() -> None:
    env = {"DJANGO_SECRET_KEY": "", "DJANGO_HTTPS": "", "DJANGO_BEHIND_PROXY": ""}
    result = _manage("check", env={**env, "MENTORING_BASE_URL": "http://127.0.0.1:8000"})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "count"),
    [
        ({"DJANGO_BEHIND_PROXY": "false"}, "0"),
        ({"DJANGO_BEHIND_PROXY": "false", "DJANGO_TRUSTED_PROXY_COUNT": "2"}, "0"),
        ({"DJANGO_BEHIND_PROXY": "true"}, "1"),
        ({"DJANGO_BEHIND_PROXY": "true", "DJANGO_TRUSTED_PROXY_COUNT": "2"}, "2"),
    ],
)
def test_sign_in_rate_limits_trust_forwarded_for_only_behind_the_proxy(
    env: dict[str, str], count: str
) -> None:
    """The client address of allauth's rate limits: with DJANGO_BEHIND_PROXY the entry
    the proxy added to X-Forwarded-For (tests/people/test_sign_in.py shows the effect),
    otherwise the socket address, never a header a client wrote."""
    result = _setting("ALLAUTH_TRUSTED_PROXY_COUNT", {**PRODUCTION_ENV, **env})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == count


def test_a_trusted_proxy_count_below_one_stops_start_up() -> None:
    env = {**PRODUCTION_ENV, "DJANGO_TRUSTED_PROXY_COUNT": "0"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_TRUSTED_PROXY_COUNT must be at least 1" in result.stderr
