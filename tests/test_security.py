"""Security settings that must hold on every deploy: hardening headers with a CSP that allows no
inline script, over-sized bodies refused before they are read, secure cookies and HSTS under
production settings, login throttling, hashed API keys, an admin only staff can use, and uploads
that stream to disk."""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db import connection

from remixes import apikeys, security
from remixes.models import ApiKey

from .conftest import wav_bytes

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


class ExplodingInput:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


# --- headers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/public/v1/openapi.json", "/api/public/v1/byId", "/nope/"])
def test_every_answer_carries_the_hardening_headers(client, path):
    response = client.get(path)
    assert response.status_code < 500
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    directives = csp_directives(response)
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]


def test_the_csp_allows_no_inline_or_evaluated_script(client):
    directives = csp_directives(client.get("/accounts/login/"))
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    policy = " ".join(sum(directives.values(), []))
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy and "*" not in directives["script-src"]


class ScriptAudit(HTMLParser):
    """Collects inline scripts and inline event-handler attributes, which the CSP would block."""

    def __init__(self):
        super().__init__()
        self.inline_scripts: list[str] = []
        self.handlers: list[str] = []
        self._in_inline = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.handlers += [f"{tag}[{name}]" for name in attrs if name.startswith("on")]
        self.handlers += [f"{tag}[{name}]" for name, value in attrs.items() if (value or "").lower().startswith("javascript:")]
        data_only = (attrs.get("type") or "").lower() in {"application/json", "application/ld+json"}
        self._in_inline = tag == "script" and not attrs.get("src") and not data_only

    def handle_data(self, data):
        if self._in_inline and data.strip():
            self.inline_scripts.append(data.strip()[:80])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline = False


def assert_no_inline_script(response):
    assert response.status_code == 200
    audit = ScriptAudit()
    audit.feed(response.content.decode())
    assert audit.inline_scripts == [] and audit.handlers == [], (audit.inline_scripts, audit.handlers)


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/"])
def test_public_pages_contain_no_inline_script_the_csp_would_block(client, path):
    assert_no_inline_script(client.get(path))


@pytest.mark.parametrize("path", ["/", "/remixes/", "/account/"])
def test_account_pages_contain_no_inline_script_the_csp_would_block(owner_client, path):
    assert_no_inline_script(owner_client.get(path))


# --- body size cap ----------------------------------------------------------------------------


def test_an_api_body_declared_too_large_is_refused_with_json_before_it_is_read(client):
    too_big = security.max_request_bytes() + 1
    response = client.generic(
        "POST", "/api/public/v1/Remix", b"x", content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(too_big), **{"wsgi.input": ExplodingInput()},
    )
    assert response.status_code == 413
    body = response.json()
    assert body["success"] is False
    assert body["message"] == f"The request is larger than {settings.MAX_UPLOAD_MB} MB."
    assert response.headers["Connection"] == "close"


def test_a_page_body_declared_too_large_is_refused_with_a_page_before_it_is_read(owner_client):
    response = owner_client.generic(
        "POST", "/remixes/new/", b"x", content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(10 * 1024**3), **{"wsgi.input": ExplodingInput()},
    )
    assert response.status_code == 413
    assert response.headers["Content-Type"].startswith("text/html")
    assert b"413 Request too large" in response.content


def test_a_body_at_the_cap_reaches_the_view(client, settings):
    settings.MAX_UPLOAD_MB = 1
    body = b"x" * 100
    response = client.generic("POST", "/api/public/v1/Remix", body, content_type="text/plain",
                              CONTENT_LENGTH=str(len(body)))
    assert response.status_code == 401  # the view answered: no key


def test_uploads_over_two_megabytes_stream_to_a_temporary_file():
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2 * 1024 * 1024
    assert "django.core.files.uploadhandler.TemporaryFileUploadHandler" in settings.FILE_UPLOAD_HANDLERS


def test_a_three_megabyte_upload_reaches_the_form_as_a_temporary_file(owner, monkeypatch, client):
    _, raw = apikeys.create_api_key(owner)
    seen = {}
    from remixes import forms

    original = forms.probe_uploaded_file

    def spy(uploaded):
        seen["on_disk"] = hasattr(uploaded, "temporary_file_path")
        return original(uploaded)

    monkeypatch.setattr(forms, "probe_uploaded_file", spy)
    audio = io.BytesIO(wav_bytes(70.0))  # 70 s of 22.05 kHz stereo 16-bit: about 6 MB
    audio.name = "long.wav"
    response = client.post("/api/public/v1/Remix", {"audio_file": audio, "prompt": "lo-fi"}, HTTP_AUTHORIZATION=raw)
    assert response.status_code == 200, response.content
    assert seen == {"on_disk": True}
    assert isinstance(TemporaryFileUploadHandler(), TemporaryFileUploadHandler)


# --- production settings ----------------------------------------------------------------------


def production_settings(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "PYTEST"))}
    env.update(SECRET_KEY=secrets.token_urlsafe(50), HTTPS="1", ALLOWED_HOSTS="remix.example.com",
               SITE_URL="https://remix.example.com", **extra)
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ('SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SESSION_COOKIE_HTTPONLY', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_SSL_REDIRECT', "
        "'DEBUG', 'MIDDLEWARE', 'AUTHENTICATION_BACKENDS')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**env, "DJANGO_SETTINGS_MODULE": "remixsite.settings"},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_use_secure_cookies_hsts_and_https():
    values = production_settings()
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SECURE_SSL_REDIRECT"] and not values["DEBUG"]
    assert values["MIDDLEWARE"].index("remixes.security.SecurityHeadersMiddleware") < values["MIDDLEWARE"].index(
        "django.middleware.csrf.CsrfViewMiddleware"
    )
    assert values["AUTHENTICATION_BACKENDS"][0] == "remixes.security.LoginThrottleBackend"


def test_the_session_cookie_is_http_only_and_same_site(client, owner):
    response = client.post("/accounts/login/", {"username": "owner", "password": "correct horse battery staple"})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


# --- login throttling -------------------------------------------------------------------------


def test_it_locks_out_a_user_name_after_repeated_failed_logins(client, owner, other_user):
    statuses = [
        client.post("/accounts/login/", {"username": "owner", "password": "wrong"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the form again, then the lockout
    locked = client.post("/accounts/login/", {"username": "owner", "password": "correct horse battery staple"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked.
    response = client.post("/accounts/login/", {"username": "other", "password": "correct horse battery staple"})
    assert response.status_code == 302


def test_the_test_client_can_still_log_in_with_a_password(client, owner):
    assert client.login(username="owner", password="correct horse battery staple")
    assert not client.login(username="owner", password="wrong")


# --- API keys and admin -----------------------------------------------------------------------


def test_api_keys_are_stored_only_as_a_hash(owner):
    key, raw = apikeys.create_api_key(owner, name="ci")
    key.refresh_from_db()
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in json.dumps(list(ApiKey.objects.values()), default=str)
    assert raw.startswith(key.prefix) and len(key.prefix) <= len(raw) // 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM remixes_apikey")
        assert not any(raw in str(value) for row in cursor.fetchall() for value in row)


@pytest.mark.parametrize("path", ["/admin/", "/admin/remixes/remixtask/", "/admin/remixes/user/"])
def test_the_admin_is_closed_to_signed_in_non_staff(owner_client, path):
    response = owner_client.get(path)
    assert response.status_code == 302
    assert re.match(r"^/admin/login/", response.headers["Location"])


def test_the_admin_is_open_to_staff(client, staff):
    client.force_login(staff)
    assert client.get("/admin/remixes/remixtask/").status_code == 200
