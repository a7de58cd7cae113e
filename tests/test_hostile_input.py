"""Hostile input, table-driven: every case names its request, the status it must get and the
message it must carry. Nothing may answer 500, hang, show one account's data to another, or write
outside the media root."""
from __future__ import annotations

import io
import json
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from django.conf import settings
from django.core import signing
from django.db import connection
from django.test import Client

from remixes import apikeys, services
from remixes.engine import EngineError, encode_mp3, encode_wav
from remixes.engine.decode import decode
from remixes.files import SALT, signed_url
from remixes.models import ApiKey, ProviderEvent, RemixTask, Upload

from .conftest import chord_clip

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(60)]

REMIX = "/api/public/v1/Remix"
UNREADABLE = "audio_file: The file could not be read as audio. Upload an mp3, wav, ogg, flac or m4a file."


# --- generated files --------------------------------------------------------------------------


def wav(seconds: float = 4.0, rate: int = 22050, channels: int = 2, fmt: str = "WAV", subtype: str | None = None) -> bytes:
    frames = int(seconds * rate)
    t = np.arange(frames) / rate
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    buffer = io.BytesIO()
    sf.write(buffer, np.repeat(tone[:, None], channels, axis=1), rate, format=fmt, subtype=subtype)
    return buffer.getvalue()


def two_hour_flac() -> bytes:
    """Two hours of 8 kHz mono silence: a few hundred kB of FLAC whose header says 7200 s."""
    buffer = io.BytesIO()
    block = np.zeros(8000 * 60, np.int16)
    with sf.SoundFile(buffer, "w", samplerate=8000, channels=1, format="FLAC", subtype="PCM_16") as out:
        for _ in range(120):
            out.write(block)
    return buffer.getvalue()


def polyglot() -> bytes:
    """Starts as SVG/HTML with a script, carries a zip archive: a file that is many things, none audio."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("evil.html", "<script>alert(1)</script>")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.cookie)</script></svg>\n'
    return svg + b"<html><body><script>fetch('/account/')</script></body></html>\n" + archive.getvalue()


@pytest.fixture(scope="module")
def samples() -> dict[str, bytes]:
    mp3 = encode_mp3(chord_clip(5.0, 44100), 44100)
    ogg = wav(5.0, 44100, fmt="OGG", subtype="VORBIS")
    flac = wav(5.0, 44100, fmt="FLAC")
    good = wav()
    noise = np.random.default_rng(7).bytes  # seeded: every run corrupts the same way
    corrupted_mp3 = bytearray(mp3)
    corrupted_mp3[len(mp3) // 3: len(mp3) // 3 + 4096] = noise(4096)
    return {
        "good": good,
        "text": b"This is not a song. " * 500,
        "png": b"\x89PNG\r\n\x1a\n" + noise(4000),
        "elf": Path(sys.executable).read_bytes()[:65536],
        "html": b"<!doctype html><script>alert(1)</script>" * 50,
        "polyglot": polyglot(),
        "wav_plus_zip": good + polyglot(),
        "empty": b"",
        "one_sample": wav(1 / 22050),
        "two_seconds": wav(2.0),
        "two_hours": two_hour_flac(),
        "high_rate": wav(4.0, rate=384000, channels=1),
        "eight_channels": wav(4.0, channels=8),
        "mp3_header_only": mp3[:300],
        "mp3_truncated": mp3[: len(mp3) // 2],
        "mp3_corrupted": bytes(corrupted_mp3),
        "ogg_truncated": ogg[:200],
        "ogg_corrupted": ogg[:100] + noise(len(ogg) - 100),
        "flac_truncated": flac[:200],
        "flac_corrupted": flac[:42] + noise(len(flac) - 42),
        "wav_header_lies": good[:44],
    }


# --- the table --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    status: int
    message: str  # the JSON `message` must contain this
    fields: dict = field(default_factory=dict)
    file: str | None = "good"  # a key of `samples`, sent as audio_file
    filename: str = "song.mp3"


OK = "Remix request submitted successfully"
PROMPT = {"prompt": "make it lo-fi"}

UPLOAD_CASES = [
    Case("text renamed .mp3", 422, UNREADABLE, PROMPT, "text"),
    Case("png renamed .mp3", 422, UNREADABLE, PROMPT, "png"),
    Case("executable renamed .mp3", 422, UNREADABLE, PROMPT, "elf"),
    Case("html renamed .mp3", 422, UNREADABLE, PROMPT, "html"),
    Case("svg/html/zip polyglot", 422, UNREADABLE, PROMPT, "polyglot"),
    Case("polyglot named .svg", 422, UNREADABLE, PROMPT, "polyglot", "x.svg"),
    Case("wav with a zip appended", 200, OK, PROMPT, "wav_plus_zip", "song.wav"),
    Case("0-byte file", 422, "audio_file: The submitted file is empty.", PROMPT, "empty"),
    Case("1-sample wav", 422, "audio_file: The song is too short to remix (it is 0.0 s)", PROMPT, "one_sample"),
    Case("2-second wav", 422, "audio_file: The song is too short to remix (it is 2.0 s)", PROMPT, "two_seconds"),
    Case("2-hour flac", 422, "audio_file: The song is too long to remix (it is 120.0 minutes): the limit is 10 minutes.",
         PROMPT, "two_hours", "long.flac"),
    Case("384 kHz wav", 200, OK, PROMPT, "high_rate", "hi.wav"),
    Case("8-channel wav", 200, OK, PROMPT, "eight_channels", "surround.wav"),
    Case("mp3 header only", 422, "audio_file: ", PROMPT, "mp3_header_only"),
    Case("mp3 truncated in half", 200, OK, PROMPT, "mp3_truncated"),
    Case("mp3 with corrupted frames", 200, OK, PROMPT, "mp3_corrupted"),
    Case("ogg truncated to 200 bytes", 422, "audio_file: ", PROMPT, "ogg_truncated", "a.ogg"),
    Case("ogg with a corrupted body", 422, "audio_file: ", PROMPT, "ogg_corrupted", "a.ogg"),
    # Its header is intact and says 5 s; the probe compares that with the file's size.
    Case("flac truncated to 200 bytes", 422, "The file is truncated or damaged", PROMPT, "flac_truncated", "a.flac"),
    Case("flac with a corrupted body", 422, UNREADABLE, PROMPT, "flac_corrupted", "a.flac"),
    Case("wav header without data", 422, "audio_file: ", PROMPT, "wav_header_lies", "a.wav"),
    Case("filename with ../", 200, OK, PROMPT, "good", "../../../../etc/cron.d/evil.wav"),
    Case("filename with backslashes", 200, OK, PROMPT, "good", "..\\..\\windows\\evil.wav"),
    Case("filename with control characters", 200, OK, PROMPT, "good", "a\x01b\x1b[31mc\x7f.wav"),
    Case("filename with a newline", 200, OK, PROMPT, "good", "evil\r\nX-Header: 1.wav"),
    Case("filename of 1000 characters", 422, "The body could not be read as multipart/form-data.", PROMPT, "good",
         "a" * 1000 + ".wav"),
    Case("filename of 200 characters", 200, OK, PROMPT, "good", "a" * 200 + ".wav"),
    Case("filename that is only an extension", 200, OK, PROMPT, "good", ".wav"),
    Case("filename with html", 200, OK, PROMPT, "good", "<img src=x onerror=alert(1)>.wav"),
    Case("prompt of 1000 characters", 200, OK, {"prompt": "p" * 1000}),
    Case("prompt of 1001 characters", 422, "prompt: Ensure this value has at most 1000 characters (it has 1001).",
         {"prompt": "p" * 1001}),
    Case("missing prompt", 422, "prompt: This field is required.", {}),
    Case("whitespace prompt", 422, "prompt: This field is required.", {"prompt": " \t\n "}),
    Case("lyrics of 2000 characters", 200, OK, {**PROMPT, "lyrics": "la " * 666 + "la"}),
    Case("lyrics of 2001 characters", 422, "lyrics: Ensure this value has at most 2000 characters (it has 2001).",
         {**PROMPT, "lyrics": "l" * 2001}),
    Case("prompt with html and script", 200, OK, {"prompt": "<script>alert(1)</script><img src=x onerror=alert(2)>"}),
    Case("prompt with sql", 200, OK, {"prompt": "'); DROP TABLE remixes_remixtask; --"}),
    Case("lyrics with html and sql", 200, OK, {**PROMPT, "lyrics": "<b onmouseover=alert(1)>x</b>' OR 1=1 --"}),
    Case("prompt with a nul character", 422, "prompt: Null characters are not allowed.", {"prompt": "lo\x00fi"}),
    Case("prompt with bidi and zero-width characters", 200, OK, {"prompt": "lo\u202efi\u200b chill"}),
    Case("gender with sql", 422, "gender: Select a valid choice.", {**PROMPT, "gender": "male' OR '1'='1"}),
    Case("gender with html", 422, "gender: Select a valid choice.", {**PROMPT, "gender": "<script>x</script>"}),
    Case("seed that is negative", 422, "seed: Ensure this value is greater than or equal to 0.", {**PROMPT, "seed": "-1"}),
    Case("seed that overflows", 422, "seed: Ensure this value is less than or equal to 2147483647.",
         {**PROMPT, "seed": "9" * 30}),
    Case("strength that is not a number", 422, "strength: Enter a number.", {**PROMPT, "strength": "NaN"}),
    Case("both audio_file and audio_url", 422, "Provide only one of audio_file or audio_url, not both.",
         {**PROMPT, "audio_url": "https://example.com/a.mp3"}),
    Case("neither audio_file nor audio_url", 422, "Provide either audio_file or audio_url.", PROMPT, None),
    Case("upload id of the web form is ignored", 422, "Provide either audio_file or audio_url.",
         {**PROMPT, "upload": "00000000-0000-0000-0000-000000000000"}, None),
]

SSRF_TARGETS = [
    ("loopback", "http://127.0.0.1/a.mp3", "is not allowed"),
    ("loopback short form", "http://127.1/a.mp3", "is not allowed"),
    ("localhost", "http://localhost:8000/a.mp3", "is not allowed"),
    ("ipv6 loopback", "http://[::1]/a.mp3", "is not allowed"),
    ("ipv4-mapped ipv6 loopback", "http://[::ffff:127.0.0.1]/a.mp3", "is not allowed"),
    ("decimal loopback", "http://2130706433/a.mp3", "is not allowed"),
    ("hex loopback", "http://0x7f000001/a.mp3", "is not allowed"),
    ("cloud metadata", "http://169.254.169.254/latest/meta-data/", "is not allowed"),
    ("private 10/8", "http://10.0.0.1/a.mp3", "is not allowed"),
    ("private 192.168/16", "https://192.168.1.1/a.mp3", "is not allowed"),
    ("cg-nat", "http://100.64.0.1/a.mp3", "is not allowed"),
    ("unspecified", "http://0.0.0.0:6379/", "is not allowed"),
    ("ipv6 link-local", "http://[fe80::1]/a.mp3", "is not allowed"),
    ("multicast", "http://224.0.0.1/a.mp3", "is not allowed"),
    ("file scheme", "file:///etc/passwd", "must be an http(s) URL."),
    ("gopher scheme", "gopher://127.0.0.1:6379/_FLUSHALL", "must be an http(s) URL."),
    ("ftp scheme", "ftp://example.com/a.mp3", "must be an http(s) URL."),
    ("javascript scheme", "javascript:alert(1)", "must be an http(s) URL."),
    ("no scheme", "//example.com/a.mp3", "must be an http(s) URL."),
    ("credentials in url", "http://user:pass@example.com/a.mp3", "must not contain a user name or password."),
    ("bad port", "http://example.com:99999/a.mp3", "is not allowed"),
]

SSRF_CASES = [
    Case(f"audio_url {name}", 422, "audio_url", {**PROMPT, "audio_url": url}, None)
    for name, url, message in SSRF_TARGETS
] + [
    Case(f"webhook_url {name}", 422, "webhook_url", {**PROMPT, "webhook_url": url})
    for name, url, message in SSRF_TARGETS
]
SSRF_MESSAGES = {f"{field} {name}": message for name, _url, message in SSRF_TARGETS for field in ("audio_url", "webhook_url")}


@pytest.fixture
def api(owner):
    _, raw = apikeys.create_api_key(owner)
    return Client(HTTP_AUTHORIZATION=raw)


def post_case(api: Client, case: Case, samples) -> dict:
    data = dict(case.fields)
    if case.file is not None:
        upload = io.BytesIO(samples[case.file])
        upload.name = case.filename
        data["audio_file"] = upload
    response = api.post(REMIX, data)
    assert response["Content-Type"] == "application/json", response.content[:300]
    return {"status": response.status_code, **response.json()}


@pytest.mark.parametrize("case", UPLOAD_CASES + SSRF_CASES, ids=lambda c: c.name)
def test_the_remix_endpoint_answers_hostile_input_with_its_status_and_message(api, owner, samples, case):
    body = post_case(api, case, samples)
    assert body["status"] == case.status, body
    assert case.message in body["message"], body
    if case.name in SSRF_MESSAGES:
        assert SSRF_MESSAGES[case.name] in body["message"], body
    media = Path(settings.MEDIA_ROOT).resolve()
    for upload in Upload.objects.filter(owner=owner).exclude(file=""):
        stored = Path(upload.file.path).resolve()
        assert stored.is_relative_to(media) and stored.parent.name == "uploads"
        assert "/" not in upload.original_name and "\\" not in upload.original_name
        assert upload.original_name.isprintable() or upload.original_name == ""
    if body["status"] != 200:
        assert not RemixTask.objects.filter(owner=owner).exists()
        assert owner.credit_balance == settings.STARTER_CREDITS


@pytest.mark.parametrize(
    "name", ["mp3_truncated", "mp3_corrupted", "flac_truncated", "wav_plus_zip", "eight_channels", "high_rate"]
)
def test_the_engine_decodes_accepted_damaged_files_or_rejects_them_with_a_reason(samples, tmp_path, name):
    path = tmp_path / f"input.{'flac' if 'flac' in name else 'mp3' if 'mp3' in name else 'wav'}"
    path.write_bytes(samples[name])
    try:
        audio = decode(path, max_seconds=600)
    except EngineError as exc:
        assert exc.user_message
    else:
        assert audio.ndim == 2 and audio.shape[1] == 2 and np.isfinite(audio).all()


def test_text_fields_come_back_as_inert_text_everywhere(api, owner, owner_client, samples):
    payload = "<script>alert(1)</script>'); DROP TABLE remixes_remixtask; --"
    case = Case("xss", 200, OK, {"prompt": payload, "lyrics": payload})
    task_id = post_case(api, case, samples)["task_id"]
    body = api.get(f"/api/public/v1/byId?conversionType=REMIX&task_id={task_id}").json()
    assert body["conversion"]["prompt"] == payload
    page = owner_client.get(f"/remixes/{task_id}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    history = owner_client.get("/remixes/").content.decode()
    assert "<script>alert(1)</script>" not in history
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM remixes_remixtask")
        assert cursor.fetchone()[0] == 1


# --- bodies -----------------------------------------------------------------------------------


def multipart(parts: list[tuple[str, bytes, str | None]], boundary: str = "hostileboundary") -> bytes:
    chunks = []
    for name, value, filename in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        chunks.append(f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + value + b"\r\n")
    return b"".join(chunks) + f"--{boundary}--\r\n".encode()


BODY_CASES = [
    ("non-utf-8 prompt", lambda s: [("prompt", b"lo-fi \xff\xfe\x80 beats", None), ("audio_file", s["good"], "a.wav")],
     200, OK),
    ("non-utf-8 filename", lambda s: [("prompt", b"x", None), ("audio_file", s["good"], "\xff\xfe.wav")], 200, OK),
    ("2000 tiny fields", lambda s: [(f"f{i}", b"x", None) for i in range(2000)], 422,
     "The body could not be read as multipart/form-data."),
    ("150 tiny files", lambda s: [("prompt", b"x", None)] + [(f"audio_file{i}", b"x", "a.wav") for i in range(150)],
     422, "The body could not be read as multipart/form-data."),
    ("3 MB text field", lambda s: [("prompt", b"p" * (3 * 1024 * 1024), None)], 413, "The form fields are too large."),
    ("body without the closing boundary", lambda s: [("prompt", b"x", None)], 422, "audio_file or audio_url"),
]


@pytest.mark.parametrize(("name", "parts", "status", "message"), BODY_CASES,
                         ids=[c[0] if isinstance(c, tuple) else c.id for c in BODY_CASES])
def test_malformed_and_oversized_bodies_get_their_status_and_message(api, samples, name, parts, status, message):
    body = multipart(parts(samples))
    if name == "body without the closing boundary":
        body = body[: -len("--hostileboundary--\r\n")]
    response = api.generic("POST", REMIX, body, content_type="multipart/form-data; boundary=hostileboundary")
    assert response.status_code == status, response.content[:300]
    assert message in response.json()["message"]


def test_a_file_over_the_upload_limit_is_refused_with_413(api, samples, settings):
    settings.MAX_UPLOAD_MB = 1
    upload = io.BytesIO(wav(30.0))  # about 2.6 MB
    upload.name = "big.wav"
    response = api.post(REMIX, {"prompt": "x", "audio_file": upload})
    assert response.status_code == 413
    assert response.json()["message"] == "The request is larger than 1 MB."


def test_a_json_body_instead_of_multipart_is_a_validation_error(api):
    response = api.post(REMIX, json.dumps({"prompt": "x", "audio_url": "https://example.com/a.mp3"}),
                        content_type="application/json")
    assert response.status_code == 422
    assert response.json()["message"] == "prompt: This field is required."


# --- other accounts' ids ----------------------------------------------------------------------


@pytest.fixture
def others_task(other_user):
    """A completed remix of another account, with files and a revocable API key."""
    silence = np.zeros((44100, 2), np.float32)
    task = services.submit_remix(
        other_user, services.RemixOptions(prompt="secret prompt of other"),
        audio_file=io.BytesIO(wav(4.0)), audio_name="private.wav",
        audio_facts=services.AudioFacts(duration=4.0, sample_rate=22050, channels=2),
    )
    claimed = services.claim_task(task.pk)
    services.apply_result(task.pk, services.TaskResult(versions=[
        services.VersionOutput(index=i, mp3=encode_mp3(silence, 44100), wav=encode_wav(silence, 44100), duration=1.0,
                               lyrics="secret lyrics", lyrics_timestamped=[{"text": "secret lyrics", "start": 0.1,
                                                                           "end": 0.9, "words": []}], peaks=[0.0])
        for i in (1, 2)
    ], cover_png=_png(), cover_thumb_png=_png(), style_plan={"style": "x"}), attempt=claimed.attempts)
    task.refresh_from_db()
    assert task.status == RemixTask.Status.COMPLETED
    return task


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


OWNERSHIP_CASES = [
    ("GET", "/remixes/{task}/"),
    ("GET", "/remixes/{task}/chip/"),
    ("POST", "/remixes/{task}/delete/"),
    ("GET", "/remixes/{task}/lyrics/1.lrc"),
    ("GET", "/remixes/{task}/lyrics/2.json"),
    ("POST", "/uploads/{upload}/delete/"),
    ("POST", "/account/api-keys/{key}/revoke/"),
    ("GET", "/api/public/v1/byId?conversionType=REMIX&task_id={task}"),
    ("GET", "/api/public/v1/byId?conversionType=REMIX&conversion_id={conversion}"),
]


@pytest.mark.parametrize(("method", "template"), OWNERSHIP_CASES, ids=[f"{m} {t}" for m, t in OWNERSHIP_CASES])
def test_another_accounts_ids_are_not_found_anywhere(api, owner_client, others_task, other_user, method, template):
    other_key, _ = apikeys.create_api_key(other_user)
    url = template.format(task=others_task.pk, upload=others_task.upload_id, key=other_key.pk,
                          conversion=others_task.conversions.first().pk)
    client = api if url.startswith("/api/") else owner_client
    response = client.generic(method, url)
    assert response.status_code == 404
    assert b"secret" not in response.content
    assert RemixTask.objects.filter(pk=others_task.pk).exists() and Upload.objects.filter(pk=others_task.upload_id).exists()
    assert ApiKey.objects.get(pk=other_key.pk).revoked_at is None


def test_another_accounts_remixes_do_not_appear_in_lists(owner_client, others_task):
    for url in ("/", "/remixes/", "/account/"):
        content = owner_client.get(url).content
        assert str(others_task.pk).encode() not in content and b"secret prompt" not in content


# --- signed file links ------------------------------------------------------------------------


def test_signed_links_work_and_forged_or_expired_ones_are_not_found(client, others_task):
    conversion = others_task.conversions.first()
    good = signed_url(conversion.mp3)
    path = good.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    token, filename = path.split("/")[1:3]
    forged = [
        token[:-2] + ("AA" if token[-2:] != "AA" else "BB"),
        signing.dumps({"n": conversion.mp3.name, "e": 9999999999}, salt="another-salt"),
        signing.dumps({"n": conversion.mp3.name, "e": 1}, salt=SALT),  # expired
        signing.dumps({"n": conversion.mp3.name}, salt=SALT),  # no expiry
        signing.dumps(["not", "a", "dict"], salt=SALT),
        "x" * 5000,
    ]
    for bad in forged:
        assert client.get(f"/files/{bad}/{filename}").status_code == 404, bad
    for outside in ("../../../etc/passwd", "/etc/passwd", "..", "uploads/../../secret"):
        token = signing.dumps({"n": outside, "e": 9999999999}, salt=SALT)
        assert client.get(f"/files/{token}/x").status_code in (400, 404), outside


def test_files_of_a_flagged_task_are_not_served_until_approved(client, others_task, staff):
    RemixTask.objects.filter(pk=others_task.pk).update(is_flagged=True, review_state=RemixTask.Review.PENDING)
    link = signed_url(others_task.conversions.first().mp3)
    assert client.get(link).status_code == 404
    services.review_task(others_task, staff, approve=True)
    assert client.get(link).status_code == 200


# --- provider callbacks -----------------------------------------------------------------------


def test_a_replayed_provider_callback_is_recorded_once(client, others_task, settings):
    settings.PROVIDER_WEBHOOK_TOKEN = "t0ken-for-tests"
    RemixTask.objects.filter(pk=others_task.pk).update(provider="musicgpt", provider_task_id="up-1")
    body = json.dumps({"task_id": "up-1", "conversion_id": "c-1", "success": True})
    url = "/webhooks/provider/t0ken-for-tests/"
    first = client.post(url, body, content_type="application/json")
    replay = client.post(url, body, content_type="application/json")
    assert (first.status_code, first.json()["message"]) == (200, "Accepted")
    assert (replay.status_code, replay.json()["message"]) == (200, "Already received")
    assert ProviderEvent.objects.count() == 1


PROVIDER_CASES = [
    ("wrong token", "/webhooks/provider/guess/", b'{"task_id": "up-1"}', 404, "Not found"),
    ("empty token", "/webhooks/provider/%20/", b'{"task_id": "up-1"}', 404, "Not found"),
    ("not json", "/webhooks/provider/t0ken-for-tests/", b"\xff\xfe<xml/>", 400, "The body must be JSON."),
    ("json list", "/webhooks/provider/t0ken-for-tests/", b"[1, 2]", 422, "task_id is missing."),
    ("no task id", "/webhooks/provider/t0ken-for-tests/", b'{"success": true}', 422, "task_id is missing."),
    ("unknown task", "/webhooks/provider/t0ken-for-tests/", b'{"task_id": "nope"}', 200, "Unknown task; ignored."),
    ("deeply nested json", "/webhooks/provider/t0ken-for-tests/", b"[" * 100000 + b"]" * 100000, 400,
     "The body must be JSON."),
]


@pytest.mark.parametrize(("name", "url", "body", "status", "message"), PROVIDER_CASES,
                         ids=[c[0] if isinstance(c, tuple) else c.id for c in PROVIDER_CASES])
def test_the_provider_callback_refuses_bad_requests(client, settings, name, url, body, status, message):
    settings.PROVIDER_WEBHOOK_TOKEN = "t0ken-for-tests"
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == status
    assert response.json()["message"] == message
    assert ProviderEvent.objects.count() == 0


# --- API keys ---------------------------------------------------------------------------------


def _revoked_key(user) -> str:
    key, raw = apikeys.create_api_key(user)
    apikeys.revoke_api_key(key)
    return raw


def _inactive_users_key(user) -> str:
    _, raw = apikeys.create_api_key(user)
    user.is_active = False
    user.save()
    return raw


KEY_CASES = [
    ("no header", lambda user: None),
    ("empty header", lambda user: ""),
    ("unknown key", lambda user: "rmx_" + "a" * 43),
    ("bearer with unknown key", lambda user: "Bearer rmx_nope"),
    ("revoked key", _revoked_key),
    ("key of a deactivated account", _inactive_users_key),
    ("10 kB header", lambda user: "rmx_" + "a" * 10_000),
    ("non-ascii key", lambda user: "rmx_ключ"),
    ("sql in the key", lambda user: "' OR 1=1 --"),
    ("only the prefix of a real key", lambda user: apikeys.create_api_key(user)[0].prefix),
]


@pytest.mark.parametrize(("name", "make_key"), KEY_CASES, ids=[c[0] for c in KEY_CASES])
@pytest.mark.parametrize("url", [REMIX, "/api/public/v1/byId?conversionType=REMIX&task_id=x"])
def test_wrong_and_revoked_api_keys_are_refused(client, owner, name, make_key, url):
    raw = make_key(owner)
    headers = {} if raw is None else {"HTTP_AUTHORIZATION": raw}
    response = client.generic("POST" if url == REMIX else "GET", url, **headers)
    assert response.status_code == 401
    assert response.json()["message"] == "A valid API key is required in the Authorization header."


# --- CSRF -------------------------------------------------------------------------------------


CSRF_CASES = [
    ("/remixes/new/", {"prompt": "x", "audio_url": "https://example.com/a.mp3"}),
    ("/account/api-keys/", {"name": "stolen"}),
    ("/account/webhook-secret/rotate/", {}),
    ("/remixes/{task}/delete/", {}),
    ("/accounts/logout/", {}),
    ("/accounts/password_change/", {"old_password": "x", "new_password1": "y", "new_password2": "y"}),
]


@pytest.mark.parametrize(("url", "data"), CSRF_CASES, ids=[c[0] for c in CSRF_CASES])
def test_form_posts_without_a_csrf_token_are_forbidden(owner, url, data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    task = RemixTask.objects.create(owner=owner, upload=Upload.objects.create(owner=owner), prompt="x",
                                    status=RemixTask.Status.COMPLETED)
    response = client.post(url.format(task=task.pk), data)
    assert response.status_code == 403
    assert not ApiKey.objects.filter(user=owner).exists()
    assert RemixTask.objects.filter(owner=owner).count() == 1


def test_a_login_post_without_a_csrf_token_is_forbidden(owner):
    response = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"username": "owner", "password": "correct horse battery staple"}
    )
    assert response.status_code == 403
