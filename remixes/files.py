"""Links to stored files: absolute, expiring URLs signed with Django's signing (local storage) or
presigned by S3, and the view that serves the local ones with HTTP Range support (players seek).
Files of a task whose outputs are hidden (flagged and not approved, or rejected) answer 404, except
to staff reviewing them."""
from __future__ import annotations

import mimetypes
import re
import time
from pathlib import PurePosixPath

from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from .models import Conversion, RemixTask

SALT = "remixes.files"
CHUNK = 64 * 1024
RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _task_id_of(instance) -> str | None:
    if isinstance(instance, RemixTask):
        return str(instance.pk)
    if isinstance(instance, Conversion):
        return str(instance.task_id)
    return None


def _is_local(storage) -> bool:
    return isinstance(storage, FileSystemStorage)


def signed_url(
    field_file: FieldFile, *, request: HttpRequest | None = None, download_name: str | None = None,
    expires_in: int | None = None,
) -> str:
    """An absolute link to `field_file` valid for `expires_in` seconds (FILE_URL_MAX_AGE by default).
    With `download_name` the browser saves the file under that name instead of playing it."""
    if not field_file:
        raise ValueError("signed_url needs a stored file")
    expires_in = int(expires_in or settings.FILE_URL_MAX_AGE)
    storage = field_file.storage
    if not _is_local(storage):
        parameters = {}
        if download_name:
            parameters["ResponseContentDisposition"] = content_disposition_header(True, download_name)
        return storage.url(field_file.name, parameters=parameters or None, expire=expires_in)
    payload = {"n": field_file.name, "e": int(time.time()) + expires_in}
    task_id = _task_id_of(getattr(field_file, "instance", None))
    if task_id:
        payload["t"] = task_id
    if download_name:
        payload["d"] = download_name
    token = signing.dumps(payload, salt=SALT, compress=True)
    link = reverse("signed_file", args=[token, PurePosixPath(field_file.name).name])
    return request.build_absolute_uri(link) if request is not None else settings.SITE_URL + link


def _read_token(token: str) -> dict:
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise Http404("No such file") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("n"), str) or payload.get("e", 0) < time.time():
        raise Http404("No such file")
    return payload


def _may_see(request: HttpRequest, task_id: str | None) -> bool:
    if task_id is None:
        return True
    task = RemixTask.objects.filter(pk=task_id).only("review_state").first()
    if task is None:
        return False
    return task.outputs_visible or (request.user.is_authenticated and request.user.is_staff)


class _Unsatisfiable(Exception):
    pass


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The inclusive byte range a `Range` header asks for, or None to send the whole file.
    Raises _Unsatisfiable for a range that starts past the end."""
    match = RANGE_RE.match(header.strip()) if header else None
    if not match or match.groups() == ("", ""):
        return None  # absent, multi-range or malformed: RFC 9110 lets us answer 200 with everything
    first, last = match.groups()
    if first == "":
        length = int(last)
        if length == 0:
            raise _Unsatisfiable
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        raise _Unsatisfiable
    return start, end


def _iter_slice(fh, start: int, length: int):
    try:
        fh.seek(start)
        while length > 0:
            chunk = fh.read(min(CHUNK, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
    finally:
        fh.close()


@require_http_methods(["GET", "HEAD"])
def serve_file(request: HttpRequest, token: str, filename: str) -> HttpResponse:
    payload = _read_token(token)
    if not _may_see(request, payload.get("t")):
        raise Http404("No such file")
    name = payload["n"]
    storage = FileSystemStorage(location=settings.MEDIA_ROOT)
    try:
        size = storage.size(name)
        fh = storage.open(name, "rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404("No such file") from None
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    download_name = payload.get("d")
    disposition = content_disposition_header(bool(download_name), download_name or PurePosixPath(name).name)
    try:
        byte_range = parse_range(request.headers.get("Range", ""), size)
    except _Unsatisfiable:
        fh.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    if byte_range is None:
        response = FileResponse(fh, content_type=content_type)
        response["Content-Length"] = str(size)
    else:
        start, end = byte_range
        response = StreamingHttpResponse(_iter_slice(fh, start, end - start + 1), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = f"private, max-age={max(0, int(payload['e'] - time.time()))}"
    return response


urlpatterns = [
    path("<str:token>/<str:filename>", serve_file, name="signed_file"),
]
