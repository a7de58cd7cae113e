"""Security middleware: a request whose declared `Content-Length` is over the upload cap is refused
with 413 before anything reads its body (JSON under /api/, a plain page elsewhere), and every
answer carries a Content-Security-Policy without inline scripts plus the other hardening headers."""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

# Room for the text fields and multipart framing around the largest allowed file.
FORM_OVERHEAD_BYTES = 1024 * 1024
API_PREFIX = "/api/"


def max_request_bytes() -> int:
    return settings.MAX_UPLOAD_MB * 1024 * 1024 + FORM_OVERHEAD_BYTES


def _origin(url: str) -> str | None:
    parts = urlsplit(url or "")
    if parts.scheme in {"http", "https"} and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def content_security_policy() -> str:
    """Scripts only from our own static files; media may also come from S3 presigned links."""
    media = ["'self'", "blob:"]
    endpoint = settings.STORAGES["default"].get("OPTIONS", {}).get("endpoint_url") or ""
    for url in (settings.SITE_URL, endpoint):
        origin = _origin(url)
        if origin and origin not in media:
            media.append(origin)
    if getattr(settings, "S3_BUCKET", ""):
        media.append("https://*.amazonaws.com")
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *media[1:]],
        "media-src": media,
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def _too_large(request: HttpRequest, limit_mb: int) -> HttpResponse:
    message = f"The request is larger than {limit_mb} MB."
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(
            {"success": False, "message": message, "errors": {"audio_file": [f"The file is larger than {limit_mb} MB."]}},
            status=413,
        )
    else:
        response = HttpResponse(
            "<!doctype html><title>Too large</title><h1>413 Request too large</h1>"
            f"<p>{message} Upload a shorter or more compressed song.</p>",
            status=413,
            content_type="text/html; charset=utf-8",
        )
    # The body was never read: the connection cannot carry another request.
    response["Connection"] = "close"
    return response


class SecurityHeadersMiddleware:
    """Put it right after Django's SecurityMiddleware, before sessions, CSRF or anything that reads POST."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.csp = content_security_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared.strip().isdigit() and int(declared) > max_request_bytes():
            response = _too_large(request, settings.MAX_UPLOAD_MB)
        else:
            response = self.get_response(request)
        return self.add_headers(response)

    def add_headers(self, response: HttpResponse) -> HttpResponse:
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY or "same-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        return response


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every login that arrives with a request (the login page, the
    admin). Calls without one (`authenticate(username=..., password=...)` from code and the test
    client's `login()`) are not requests from the network, so there is nothing to throttle."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
