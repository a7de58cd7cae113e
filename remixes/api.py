"""The MusicGPT-compatible public API under /api/public/v1/: submit a remix (`POST /Remix`), poll it
(`GET /byId`), and the OpenAPI document with its docs page. Every answer is JSON; errors are
`{success: false, message, errors}` with the status codes the reference documents."""
from __future__ import annotations

import functools
import logging
import math
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from . import apikeys, eta, payloads, services
from .errors import UserError
from .files import signed_url
from .forms import RemixForm
from .models import ApiKey, Conversion, RemixTask
from .openapi import openapi_document

log = logging.getLogger(__name__)

SUBMIT_MESSAGE = "Remix request submitted successfully"
RATE_WINDOW = 60  # seconds
# Requests per key per minute, overridable in settings.
RATE_LIMITS = {"submit": ("API_RATE_SUBMIT_PER_MINUTE", 60), "status": ("API_RATE_STATUS_PER_MINUTE", 200)}
# Room for the text fields around the file in a multipart body.
FORM_OVERHEAD_BYTES = 1024 * 1024


def error(status: int, message: str, errors: dict | None = None, headers: dict | None = None) -> JsonResponse:
    response = JsonResponse({"success": False, "message": message, "errors": errors or {}}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _rate_limit_retry_after(key: ApiKey, scope: str, limit: int) -> int | None:
    """Count this request in the key's fixed one-minute window; seconds to wait when over the limit."""
    now = time.time()
    window_start = int(now // RATE_WINDOW) * RATE_WINDOW
    counter = f"api-rate:{scope}:{key.key_hash[:24]}:{window_start}"
    try:
        count = cache.incr(counter)  # after the window's first request: no add needed
    except ValueError:  # the window's first request, or its counter was evicted
        if cache.add(counter, 1, timeout=RATE_WINDOW + 5):
            count = 1
        else:  # another request started the window meanwhile
            try:
                count = cache.incr(counter)
            except ValueError:  # ...and its counter was evicted at once: count this request alone
                cache.set(counter, 1, timeout=RATE_WINDOW + 5)
                count = 1
    if count > limit:
        return max(1, math.ceil(window_start + RATE_WINDOW - now))
    return None


class ApiRequest(HttpRequest):
    """A request that passed `api_key_required`: `api_key` is the caller's active key."""

    api_key: ApiKey


def allow(*methods: str) -> Callable:
    """Answer other methods with a JSON 405 naming the allowed ones. Outermost: also CSRF-exempt
    (API clients authenticate with a key, not a cookie)."""

    def decorator(view: Callable) -> Callable:
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in methods:
                return error(405, f"Method {request.method} is not allowed here.", headers={"Allow": ", ".join(methods)})
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def api_key_required(view: Callable) -> Callable:
    """Answer a missing, unknown or revoked key with a JSON 401; else set `request.api_key`."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        key = apikeys.authenticate(request.headers.get("Authorization"))
        if key is None:
            return error(
                401, "A valid API key is required in the Authorization header.",
                {"Authorization": ["Missing, unknown or revoked API key."]},
            )
        request.api_key = key
        return view(request, *args, **kwargs)

    return wrapper


def rate_limited(scope: str) -> Callable:
    """Count the request against its key's per-minute limit for `scope`; a JSON 429 with Retry-After
    when over. Goes inside `api_key_required`."""
    setting, default = RATE_LIMITS[scope]

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: ApiRequest, *args, **kwargs) -> HttpResponse:
            limit = getattr(settings, setting, default)
            retry_after = _rate_limit_retry_after(request.api_key, scope, limit)
            if retry_after is not None:
                return error(
                    429, f"Rate limit of {limit} requests per minute exceeded; retry in {retry_after} s.",
                    headers={"Retry-After": str(retry_after)},
                )
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class ApiExceptionMiddleware:
    """An exception escaping a view under /api/ is logged with its traceback (as Django logs any
    crash) and answered in the API's JSON error shape; a `UserError` with its own status."""

    def __init__(self, get_response: Callable):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path.startswith("/api/"):
            return None
        if isinstance(exception, UserError):
            return error(exception.status, exception.user_message, {"non_field_errors": [exception.user_message]})
        log.error("API view crashed: %s %s", request.method, request.path, exc_info=exception)
        return error(500, "An internal error occurred. Nothing was charged; please try again.")


def _form_errors(form: RemixForm) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field, messages in form.errors.items():
        errors["non_field_errors" if field == "__all__" else field] = list(messages)
    return errors


def _first_error(errors: dict[str, list[str]]) -> str:
    field, messages = next(iter(errors.items()))
    return messages[0] if field == "non_field_errors" else f"{field}: {messages[0]}"


@allow("POST")
@api_key_required
@rate_limited("submit")
def remix(request: ApiRequest) -> JsonResponse:
    max_bytes = settings.MAX_UPLOAD_MB * 1024 * 1024
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > max_bytes + FORM_OVERHEAD_BYTES:
        return error(413, f"The request is larger than {settings.MAX_UPLOAD_MB} MB.",
                     {"audio_file": [f"The file is larger than {settings.MAX_UPLOAD_MB} MB."]})
    # Parse the file straight to disk: the probe reads it there and storage moves it into place.
    request.upload_handlers = [TemporaryFileUploadHandler(request)]
    try:
        data = request.POST.copy()
        files = request.FILES
    except RequestDataTooBig:
        return error(413, "The form fields are too large.", {"non_field_errors": ["The form fields are too large."]})
    except (MultiPartParserError, TooManyFieldsSent, TooManyFilesSent) as exc:
        return error(422, "The body could not be read as multipart/form-data.", {"non_field_errors": [str(exc)]})
    data.pop("upload", None)  # web-only re-use of an earlier upload
    owner = request.api_key.user
    form = RemixForm(data, files, owner=owner)
    if not form.is_valid():
        errors = _form_errors(form)
        too_large = any(e.code == "too_large" for e in form.errors.as_data().get("audio_file", []))
        return error(413 if too_large else 422, _first_error(errors), errors)
    try:
        task = form.submit(owner, via_api=True)
    except UserError as exc:
        field = {402: "credits"}.get(exc.status, "non_field_errors")
        return error(exc.status, exc.user_message, {field: [exc.user_message]})
    first, second = task.new_conversions
    return JsonResponse({
        "success": True,
        "message": SUBMIT_MESSAGE,
        "task_id": str(task.pk),
        "conversion_id_1": str(first.pk),
        "conversion_id_2": str(second.pk),
        "eta": int(task.eta),
        "credit_estimate": float(task.credit_estimate),
    })


# --- status -----------------------------------------------------------------------------------


def _links(request: HttpRequest, task: RemixTask) -> payloads.Links:
    return payloads.Links(task, lambda field_file, name: signed_url(field_file, request=request, download_name=name))


def _parse_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _get_task_for_key(key: ApiKey, task_id: str) -> RemixTask | None:
    pk = _parse_uuid(task_id)
    if pk is None:
        return None
    task = services.task_for_status(pk, key.user_id)
    if task is not None:
        prefetch_related_objects([task], "conversions")
    return task


def _get_conversion_for_key(key: ApiKey, conversion_id: str) -> Conversion | None:
    pk = _parse_uuid(conversion_id)
    if pk is None:
        return None
    return Conversion.objects.select_related("task__upload").filter(pk=pk, task__owner=key.user_id).first()


@allow("GET")
@api_key_required
@rate_limited("status")
def by_id(request: ApiRequest) -> JsonResponse:
    params = request.GET
    conversion_type = params.get("conversionType", "")
    if conversion_type.upper() != "REMIX":
        return error(422, "conversionType must be REMIX.", {"conversionType": ["Must be REMIX."]})
    task_id, conversion_id = params.get("task_id", "").strip(), params.get("conversion_id", "").strip()
    if bool(task_id) == bool(conversion_id):
        message = "Give exactly one of task_id or conversion_id."
        return error(422, message, {"non_field_errors": [message]})
    if task_id:
        task = _get_task_for_key(request.api_key, task_id)
        if task is None:
            return error(404, "No remix task with this task_id.", {"task_id": ["Not found."]})
        body = payloads.task_status(task, list(task.conversions.all()), _links(request, task),
                                    eta=eta.seconds_left(task))
    else:
        conv = _get_conversion_for_key(request.api_key, conversion_id)
        if conv is None:
            return error(404, "No conversion with this conversion_id.", {"conversion_id": ["Not found."]})
        body = payloads.conversion_status(conv.task, conv, _links(request, conv.task), eta=eta.seconds_left(conv.task))
    return JsonResponse({"success": True, "conversion": body})


# --- documentation ----------------------------------------------------------------------------


def _server_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/api/public/v1").rstrip("/")


@allow("GET")
def openapi_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi_document(server_url=_server_url(request)), json_dumps_params={"indent": 2})


@allow("GET", "HEAD")
def docs(request: HttpRequest) -> HttpResponse:
    document = openapi_document(server_url=_server_url(request))
    return render(request, "remixes/api_docs.html", {"doc": document, "operations": _operations(document)})


def _operations(document: dict) -> list[dict]:
    """The document's operations flattened for the docs template."""
    operations = []
    for route, methods in document["paths"].items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("multipart/form-data", {}).get("schema", {})
            if "$ref" in body:
                body = document["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
            fields = [
                {"name": name, "required": name in body.get("required", []), **schema}
                for name, schema in body.get("properties", {}).items()
            ]
            operations.append({
                "method": method.upper(), "path": route, "op": op, "fields": fields,
                "responses": sorted(op.get("responses", {}).items()),
            })
    return operations


@csrf_exempt
def not_found(request: HttpRequest, unmatched: str = "") -> JsonResponse:
    return error(404, "Not found. See /api/public/v1/docs for the endpoints.")


urlpatterns = [
    path("Remix", remix, name="api_remix"),
    path("byId", by_id, name="api_by_id"),
    path("openapi.json", openapi_json, name="api_openapi"),
    path("docs", docs, name="api_docs"),
    re_path(r"^(?P<unmatched>.*)$", not_found),
]
