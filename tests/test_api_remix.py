"""POST /api/public/v1/Remix: the reference's 200 body, and each error code with a JSON body that
names the field and the reason."""
from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from remixes import apikeys, services
from remixes.models import ApiKey, CreditEntry, RemixTask
from tests.conftest import wav_bytes

URL = "/api/public/v1/Remix"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_key(owner) -> str:
    return apikeys.create_api_key(owner, "tests")[1]


@pytest.fixture(scope="module")
def song() -> bytes:
    return wav_bytes(5.0)


def upload(song: bytes, name: str = "song.wav") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, song, content_type="audio/wav")


def post(client, key: str | None, data: dict, **extra):
    headers = {"HTTP_AUTHORIZATION": key} if key is not None else {}
    return client.post(URL, data, **headers, **extra)


def assert_error(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["success"] is False
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], dict)
    if field:
        assert field in body["errors"], body
    return body


def test_it_accepts_a_file_upload_and_answers_like_the_reference(client, owner, api_key, song):
    response = post(client, api_key, {
        "audio_file": upload(song), "prompt": "Make it sound like Lo-fi with chill beats",
        "lyrics": "It's a brand new day", "gender": "female", "webhook_url": "https://example.com/my-webhook",
    })
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"success", "message", "task_id", "conversion_id_1", "conversion_id_2", "eta", "credit_estimate"}
    assert body["success"] is True
    assert body["message"] == "Remix request submitted successfully"
    assert isinstance(body["eta"], int) and body["eta"] > 0
    assert isinstance(body["credit_estimate"], float)
    assert body["credit_estimate"] == float(services.price_for(5.0))
    task = RemixTask.objects.get(pk=uuid.UUID(body["task_id"]))
    assert task.owner == owner and task.via_api and task.status == RemixTask.Status.IN_QUEUE
    assert task.gender == "female" and task.webhook_url == "https://example.com/my-webhook"
    assert {str(c.pk) for c in task.conversions.all()} == {body["conversion_id_1"], body["conversion_id_2"]}
    assert task.conversions.get(index=1).pk == uuid.UUID(body["conversion_id_1"])
    hold = CreditEntry.objects.get(task=task, kind="hold")
    assert hold.amount == -Decimal(str(body["credit_estimate"]))


def test_a_submit_costs_a_key_lookup_and_one_transaction(client, api_key, song, django_assert_num_queries):
    post(client, api_key, {"audio_file": upload(song), "prompt": "warm-up"})  # marks the key used, measures the rate
    # The key; then in one transaction: lock the account, its balance, the upload, the queue length
    # (for the eta), the task, its two conversions, the hold. The answer's ids are not read back.
    with django_assert_num_queries(8 + 2):  # + the transaction's begin and end
        response = post(client, api_key, {"audio_file": upload(song), "prompt": "lo-fi"})
    assert response.status_code == 200, response.content


def test_it_moves_the_uploaded_file_into_storage_instead_of_copying_it(client, api_key, song, monkeypatch):
    spooled_inodes = []
    real_store_upload = services.store_upload

    def recording_store_upload(owner, fileobj, *args):
        spooled_inodes.append(Path(fileobj.temporary_file_path()).stat().st_ino)
        return real_store_upload(owner, fileobj, *args)

    monkeypatch.setattr(services, "store_upload", recording_store_upload)
    body = post(client, api_key, {"audio_file": upload(song), "prompt": "lo-fi"}).json()
    stored = RemixTask.objects.get(pk=body["task_id"]).upload.file
    assert Path(stored.path).stat().st_ino == spooled_inodes[0]  # a small file too is parsed to disk, then moved
    assert stored.read() == song


def test_it_accepts_an_audio_url_and_holds_the_default_estimate(client, api_key, settings):
    response = post(client, f"Bearer {api_key}", {"audio_url": "https://93.184.216.34/song.mp3", "prompt": "jazz"})
    assert response.status_code == 200, response.content
    assert response.json()["credit_estimate"] == float(services.price_for(settings.REMIX_URL_ESTIMATE_SECONDS))
    task = RemixTask.objects.get(pk=response.json()["task_id"])
    assert task.upload.source_url == "https://93.184.216.34/song.mp3"


def test_it_accepts_our_documented_extras(client, api_key, song):
    response = post(client, api_key, {"audio_file": upload(song), "prompt": "calm piano", "seed": "42",
                                      "strength": "0.8", "instrumental": "true"})
    assert response.status_code == 200, response.content
    task = RemixTask.objects.get(pk=response.json()["task_id"])
    assert task.options == {"seed": 42, "strength": 0.8, "instrumental": True}


def test_it_ignores_the_web_only_upload_field(client, owner, api_key, song):
    first = post(client, api_key, {"audio_file": upload(song), "prompt": "a"}).json()
    earlier_upload = RemixTask.objects.get(pk=first["task_id"]).upload
    response = post(client, api_key, {"upload": str(earlier_upload.pk), "prompt": "b"})
    assert_error(response, 422, "non_field_errors")


# --- 401 ---------------------------------------------------------------------------------------


def test_it_rejects_a_missing_key(client, song):
    assert_error(post(client, None, {"audio_file": upload(song), "prompt": "x"}), 401, "Authorization")


def test_it_rejects_an_unknown_key(client, song):
    assert_error(post(client, "rmx_not-a-key", {"audio_file": upload(song), "prompt": "x"}), 401)
    assert_error(post(client, "Bearer ", {"prompt": "x"}), 401)


def test_it_rejects_a_revoked_key(client, owner, song):
    key, raw = apikeys.create_api_key(owner)
    apikeys.revoke_api_key(key)
    assert_error(post(client, raw, {"audio_file": upload(song), "prompt": "x"}), 401)
    assert not RemixTask.objects.exists()


def test_it_records_when_a_key_was_last_used_at_most_once_a_minute(client, owner, api_key, song):
    post(client, api_key, {"prompt": "x"})
    first = ApiKey.objects.get(user=owner).last_used_at
    assert first is not None
    post(client, api_key, {"prompt": "x"})
    assert ApiKey.objects.get(user=owner).last_used_at == first


# --- 402 ---------------------------------------------------------------------------------------


def test_it_answers_402_when_credits_do_not_cover_the_estimate(client, make_user, song):
    poor = make_user("poor", credits=Decimal("1"))
    raw = apikeys.create_api_key(poor)[1]
    body = assert_error(post(client, raw, {"audio_file": upload(song), "prompt": "x"}), 402, "credits")
    assert "credits" in body["message"]
    assert not RemixTask.objects.exists()
    assert poor.credit_balance == Decimal("1")


# --- 413 ---------------------------------------------------------------------------------------


def test_it_answers_413_for_a_body_over_the_limit_before_reading_it(client, api_key, settings):
    settings.MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("big.wav", b"\0" * (2 * 1024 * 1024 + 10), content_type="audio/wav")
    assert_error(post(client, api_key, {"audio_file": big, "prompt": "x"}), 413, "audio_file")
    assert not RemixTask.objects.exists()


def test_it_answers_413_for_a_file_over_the_limit_inside_the_allowance(client, api_key, settings):
    settings.MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("big.wav", wav_bytes(30.0)[: 1024 * 1024 + 5000], content_type="audio/wav")
    assert_error(post(client, api_key, {"audio_file": big, "prompt": "x"}), 413, "audio_file")


# --- 422 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"audio_url": "https://93.184.216.34/a.mp3"}, "prompt"),
        ({"audio_url": "https://93.184.216.34/a.mp3", "prompt": "   "}, "prompt"),
        ({"prompt": "lo-fi"}, "non_field_errors"),
        ({"audio_url": "https://93.184.216.34/a.mp3", "prompt": "x", "lyrics": "la " * 700}, "lyrics"),
        ({"audio_url": "https://93.184.216.34/a.mp3", "prompt": "x", "gender": "robot"}, "gender"),
        ({"audio_url": "file:///etc/passwd", "prompt": "x"}, "audio_url"),
        ({"audio_url": "gopher://example.com/", "prompt": "x"}, "audio_url"),
        ({"audio_url": "http://169.254.169.254/latest/meta-data/", "prompt": "x"}, "audio_url"),
        ({"audio_url": "http://[::1]/a.mp3", "prompt": "x"}, "audio_url"),
        ({"audio_url": "https://93.184.216.34/a.mp3", "prompt": "x", "webhook_url": "http://10.0.0.1/hook"},
         "webhook_url"),
        ({"audio_url": "https://93.184.216.34/a.mp3", "prompt": "x", "webhook_url": "ftp://example.com/"},
         "webhook_url"),
        ({"audio_url": "https://93.184.216.34/a.mp3", "prompt": "x", "seed": "-1"}, "seed"),
        ({"audio_url": "https://93.184.216.34/a.mp3", "prompt": "x", "strength": "2"}, "strength"),
    ],
)
def test_it_answers_422_naming_the_field(client, api_key, data, field):
    body = assert_error(post(client, api_key, data), 422, field)
    assert body["errors"][field][0]
    assert not RemixTask.objects.exists()


def test_it_answers_422_when_both_a_file_and_a_url_are_given(client, api_key, song):
    body = assert_error(post(client, api_key, {
        "audio_file": upload(song), "audio_url": "https://93.184.216.34/a.mp3", "prompt": "x"}), 422, "non_field_errors")
    assert body["message"] == "Provide only one of audio_file or audio_url, not both."


def test_it_answers_422_for_a_file_that_is_not_audio(client, api_key):
    junk = SimpleUploadedFile("song.mp3", b"this is not audio at all" * 100, content_type="audio/mpeg")
    assert_error(post(client, api_key, {"audio_file": junk, "prompt": "x"}), 422, "audio_file")


def test_it_answers_422_for_a_clip_too_short_to_remix(client, api_key):
    assert_error(post(client, api_key, {"audio_file": upload(wav_bytes(1.0)), "prompt": "x"}), 422, "audio_file")


# --- 429 ---------------------------------------------------------------------------------------


def test_it_counts_a_request_that_raced_another_to_open_the_minute(client, api_key, settings, monkeypatch):
    settings.API_RATE_SUBMIT_PER_MINUTE = 1
    real_add = cache.add

    def add_after_a_competitor(key, value, timeout=None):
        real_add(key, 1, timeout)  # the competing request counted itself first
        return real_add(key, value, timeout)

    monkeypatch.setattr(cache, "add", add_after_a_competitor)
    assert_error(post(client, api_key, {"prompt": "x"}), 429)


def test_it_limits_submissions_per_key_per_minute(client, owner, api_key, settings):
    settings.API_RATE_SUBMIT_PER_MINUTE = 3
    for _ in range(3):
        assert post(client, api_key, {"prompt": "x"}).status_code == 422
    response = post(client, api_key, {"prompt": "x"})
    assert_error(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 60
    other_key = apikeys.create_api_key(owner, "second")[1]
    assert post(client, other_key, {"prompt": "x"}).status_code == 422  # limits are per key


# --- 500 ---------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_it_answers_500_and_charges_nothing_when_queueing_fails(client, make_user, monkeypatch, song):
    user = make_user("queuer")
    raw = apikeys.create_api_key(user)[1]
    balance = user.credit_balance

    def broken_enqueue(task_id):
        raise ConnectionError("broker down")

    monkeypatch.setattr(services, "enqueue", broken_enqueue)
    assert_error(post(client, raw, {"audio_file": upload(song), "prompt": "x"}), 500)
    assert user.credit_balance == balance
    assert RemixTask.objects.get().status == RemixTask.Status.FAILED


def test_it_answers_500_as_json_when_the_view_crashes(client, api_key, monkeypatch, song):
    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("remixes.forms.RemixForm.submit", crash)
    assert_error(post(client, api_key, {"audio_file": upload(song), "prompt": "x"}), 500)


# --- 404 / 405 inside /api/ ------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
def test_it_answers_405_as_json_for_other_methods(client, api_key, method):
    response = getattr(client, method)(URL, HTTP_AUTHORIZATION=api_key)
    assert_error(response, 405)
    assert response["Allow"] == "POST"


@pytest.mark.parametrize("path", ["/api/public/v1/Nope", "/api/public/v1/Remix/", "/api/public/v1/remix/extra"])
def test_it_answers_404_as_json_for_unknown_api_paths(client, path):
    assert_error(client.get(path), 404)
    assert_error(client.post(path), 404)
