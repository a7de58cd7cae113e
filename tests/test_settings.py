"""Settings come from the environment: bad values stop start-up with the variable's name, and the
production set passes Django's deployment checks."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "PYTEST"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be a boolean"),
        ("MAX_UPLOAD_MB", "lots", "MAX_UPLOAD_MB must be a whole number"),
        ("REMIX_MAX_ATTEMPTS", "0", "REMIX_MAX_ATTEMPTS must be at least 1"),
        ("CREDITS_PER_MINUTE", "ten", "CREDITS_PER_MINUTE must be a number"),
        ("REMIX_PROVIDER", "magic", "REMIX_PROVIDER must be"),
        ("DATABASE_URL", "nosuchdb://x", "DATABASE_URL is not a valid database URL"),
    ],
)
def test_it_refuses_to_start_with_an_invalid_setting(variable, value, message):
    result = manage("check", **{variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_it_needs_upstream_credentials_for_the_musicgpt_provider():
    result = manage("check", REMIX_PROVIDER="musicgpt")
    assert result.returncode != 0 and "MUSICGPT_API_KEY" in result.stderr


def test_the_production_settings_pass_the_deployment_checks():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50), HTTPS="1", ALLOWED_HOSTS="remix.example.com",
        SITE_URL="https://remix.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("cache_url", "expected"),
    [
        ("", "django.contrib.sessions.backends.db 0"),
        ("redis://127.0.0.1:6379/9", "django.contrib.sessions.backends.cached_db 300"),
    ],
)
def test_sessions_and_users_are_cached_only_in_a_shared_cache(cache_url, expected):
    result = manage("shell", "-c", "from django.conf import settings; "
                    "print(settings.SESSION_ENGINE, settings.USER_CACHE_SECONDS)", CACHE_URL=cache_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == expected
