"""Signed file links: absolute, expiring, unforgeable, Range-capable, and hidden for flagged tasks."""
from __future__ import annotations

import time
import types
from urllib.parse import urlsplit

import pytest
from storages.backends.s3 import S3Storage

from remixes import files
from remixes.models import RemixTask
from tests.test_api_byid import finished_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(owner, outputs):  # noqa: F811
    return finished_task(owner, outputs)


def path_of(url: str) -> str:
    return urlsplit(url).path


def test_links_are_absolute_on_the_site_url_without_a_request(task, settings):
    settings.SITE_URL = "https://remix.example.org"
    url = files.signed_url(task.conversions.get(index=1).mp3)
    assert url.startswith("https://remix.example.org/files/") and url.endswith(".mp3")


def test_links_use_the_request_host_when_given(task, rf):
    url = files.signed_url(task.cover, request=rf.get("/", HTTP_HOST="testserver"))
    assert url.startswith("http://testserver/files/")


def test_the_whole_file_is_served_with_accept_ranges(client, task, outputs):  # noqa: F811
    response = client.get(path_of(files.signed_url(task.conversions.get(index=1).mp3)))
    assert response.status_code == 200 and response["Accept-Ranges"] == "bytes"
    assert int(response["Content-Length"]) == len(outputs["mp3"])
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == outputs["mp3"]


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-99", 0, 99), ("bytes=100-", 100, None), ("bytes=-50", None, None), ("bytes=10-10", 10, 10)],
)
def test_it_answers_range_requests_with_206(client, task, outputs, header, start, end):  # noqa: F811
    data = outputs["mp3"]
    size = len(data)
    if start is None:
        start, end = size - 50, size - 1
    end = size - 1 if end is None else end
    response = client.get(path_of(files.signed_url(task.conversions.get(index=1).mp3)), HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/{size}"
    assert int(response["Content-Length"]) == end - start + 1
    assert b"".join(response.streaming_content) == data[start:end + 1]


def test_it_answers_416_for_a_range_past_the_end(client, task, outputs):  # noqa: F811
    size = len(outputs["mp3"])
    response = client.get(path_of(files.signed_url(task.conversions.get(index=1).mp3)), HTTP_RANGE=f"bytes={size}-")
    assert response.status_code == 416 and response["Content-Range"] == f"bytes */{size}"


def test_it_serves_everything_for_multiple_ranges(client, task):
    response = client.get(path_of(files.signed_url(task.cover)), HTTP_RANGE="bytes=0-1,5-6")
    assert response.status_code == 200


def test_download_names_make_attachments(client, task):
    url = files.signed_url(task.conversions.get(index=2).wav, download_name="my remix.wav")
    response = client.get(path_of(url))
    assert response["Content-Disposition"].startswith("attachment") and "my remix.wav" in response["Content-Disposition"]
    assert response["Content-Type"] in ("audio/x-wav", "audio/wav")


def test_forged_tokens_answer_404(client, task):
    url = path_of(files.signed_url(task.cover))
    token = url.split("/")[2]
    forged = url.replace(token, token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"))
    assert client.get(forged).status_code == 404
    assert client.get("/files/not-a-token/cover.png").status_code == 404


def test_expired_links_answer_404(client, task, monkeypatch):
    url = path_of(files.signed_url(task.cover, expires_in=60))
    assert client.get(url).status_code == 200
    later = time.time() + 61
    monkeypatch.setattr(files.time, "time", lambda: later)
    assert client.get(url).status_code == 404


def test_files_of_flagged_tasks_answer_404_except_to_staff(client, task, staff):
    url = path_of(files.signed_url(task.conversions.get(index=1).mp3))
    RemixTask.objects.filter(pk=task.pk).update(is_flagged=True, review_state="pending")
    assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.get(url).status_code == 200
    client.logout()
    RemixTask.objects.filter(pk=task.pk).update(review_state="rejected")
    assert client.get(url).status_code == 404


def test_files_of_deleted_tasks_answer_404(client, task):
    url = path_of(files.signed_url(task.conversions.get(index=1).mp3))
    task.delete()
    assert client.get(url).status_code == 404


def test_only_get_and_head_are_allowed(client, task):
    url = path_of(files.signed_url(task.cover))
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def test_s3_storage_gets_presigned_urls():
    storage = S3Storage(bucket_name="remix-bucket", access_key="AKIDEXAMPLE", secret_key="secret",
                        region_name="us-east-1", endpoint_url="https://s3.example.com")
    stored = types.SimpleNamespace(name="results/abc/remix-1.mp3", storage=storage, instance=None)
    url = files.signed_url(stored, expires_in=600, download_name="remix.mp3")
    parts = urlsplit(url)
    assert parts.scheme == "https" and "remix-1.mp3" in parts.path
    query = dict(pair.split("=", 1) for pair in parts.query.split("&"))
    assert "Signature" in query or "X-Amz-Signature" in query
    if "Expires" in query:  # signature v2: an absolute expiry time
        assert abs(int(query["Expires"]) - (time.time() + 600)) < 5
    else:
        assert query["X-Amz-Expires"] == "600"
    assert "response-content-disposition=attachment" in parts.query
