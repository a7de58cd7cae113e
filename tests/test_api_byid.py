"""GET /api/public/v1/byId: the owner's task or conversion with status, documented eta, absolute
signed links, lyrics and settled cost; other accounts get 404; flagged outputs stay hidden."""
from __future__ import annotations

import io
import math
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache

from remixes import apikeys, services
from remixes.models import RemixTask
from tests.conftest import wav_bytes

URL = "/api/public/v1/byId"
pytestmark = pytest.mark.django_db

LYRICS = "It's a brand new day"
LINES = [{"text": LYRICS, "start": 0.2, "end": 0.9, "words": [
    {"word": "It's", "start": 0.2, "end": 0.35}, {"word": "a", "start": 0.35, "end": 0.4},
    {"word": "brand", "start": 0.4, "end": 0.6}, {"word": "new", "start": 0.6, "end": 0.75},
    {"word": "day", "start": 0.75, "end": 0.9}]}]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def queued_task(owner, *, webhook_url: str = "", instrumental: bool = False) -> RemixTask:
    return services.submit_remix(
        owner, services.RemixOptions(prompt="lo-fi chill beats", lyrics=LYRICS, webhook_url=webhook_url,
                                     instrumental=instrumental),
        audio_file=io.BytesIO(wav_bytes(5.0)), audio_name="song.wav",
        audio_facts=services.AudioFacts(duration=5.0, sample_rate=22050, channels=2),
    )


def finished_task(owner, outputs: dict, *, webhook_url: str = "", instrumental: bool = False,
                  flag_reason: str = "") -> RemixTask:
    """A COMPLETED task built through services (no engine run); flagged for review with a reason."""
    task = queued_task(owner, webhook_url=webhook_url, instrumental=instrumental)
    if flag_reason:
        RemixTask.objects.filter(pk=task.pk).update(is_flagged=True, flag_reason=flag_reason, review_state="pending")
    services.claim_task(task.pk)
    versions = [
        services.VersionOutput(index=i, mp3=outputs["mp3"], wav=outputs["wav"], duration=1.0,
                               lyrics="" if instrumental else LYRICS,
                               lyrics_timestamped=[] if instrumental else LINES, peaks=[0.1, 0.4, 0.2])
        for i in (1, 2)
    ]
    assert services.apply_result(task.pk, services.TaskResult(
        versions=versions, cover_png=outputs["png"], cover_thumb_png=outputs["png"], style_plan={"genre": "lo-fi"}))
    return RemixTask.objects.get(pk=task.pk)


@pytest.fixture
def api_key(owner) -> str:
    return apikeys.create_api_key(owner)[1]


def get(client, key, **params):
    return client.get(URL, {"conversionType": "REMIX", **params}, HTTP_AUTHORIZATION=key)


def fetch(client, url: str, **headers):
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "testserver"
    return client.get(parts.path, **headers)


def test_it_returns_a_completed_task_with_both_versions_and_working_links(client, owner, api_key, outputs):
    task = finished_task(owner, outputs)
    response = get(client, api_key, task_id=str(task.pk))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    conv = body["conversion"]
    assert conv["task_id"] == str(task.pk) and conv["status"] == "COMPLETED" and conv["progress"] == 100
    assert conv["eta"] == 0
    for i in (1, 2):
        assert conv[f"conversion_id_{i}"] == str(task.conversions.get(index=i).pk)
        assert conv[f"conversion_duration_{i}"] == 1.0
        assert conv[f"lyrics_{i}"] == LYRICS and conv[f"lyrics_timestamped_{i}"] == LINES
        mp3 = fetch(client, conv[f"conversion_path_{i}"])
        assert mp3.status_code == 200 and mp3["Content-Type"] == "audio/mpeg"
        assert b"".join(mp3.streaming_content) == outputs["mp3"]
        wav = fetch(client, conv[f"conversion_path_wav_{i}"])
        assert wav.status_code == 200 and wav["Content-Disposition"].startswith("attachment")
    cover = fetch(client, conv["album_cover_path"])
    assert cover.status_code == 200 and cover["Content-Type"] == "image/png"
    assert fetch(client, conv["album_cover_thumbnail"]).status_code == 200
    assert conv["createdAt"].endswith("Z") and conv["finishedAt"]


def test_it_settles_the_estimate_against_the_actual_cost(client, owner, api_key, outputs):
    before = owner.credit_balance
    task = finished_task(owner, outputs)
    conv = get(client, api_key, task_id=str(task.pk)).json()["conversion"]
    assert conv["credit_estimate"] == float(services.price_for(5.0))
    assert conv["conversion_cost"] == float(services.price_for(5.0))
    assert owner.credit_balance == before - Decimal(str(conv["conversion_cost"]))


def test_it_returns_one_version_by_conversion_id(client, owner, api_key, outputs):
    task = finished_task(owner, outputs)
    second = task.conversions.get(index=2)
    body = get(client, api_key, conversion_id=str(second.pk)).json()["conversion"]
    assert body["conversion_id"] == str(second.pk) and body["task_id"] == str(task.pk)
    assert body["lyrics_timestamped"] == LINES and body["status"] == "COMPLETED"
    assert fetch(client, body["conversion_path"]).status_code == 200
    assert "conversion_path_1" not in body


def test_it_hides_other_users_tasks(client, owner, other_user, outputs):
    task = finished_task(owner, outputs)
    intruder = apikeys.create_api_key(other_user)[1]
    assert get(client, intruder, task_id=str(task.pk)).status_code == 404
    assert get(client, intruder, conversion_id=str(task.conversions.first().pk)).status_code == 404


def test_it_reports_a_queued_task_with_the_documented_eta(client, owner, api_key, settings):
    settings.REMIX_WORKER_CONCURRENCY = 1
    queued_task(owner)
    second = queued_task(owner)
    conv = get(client, api_key, task_id=str(second.pk)).json()["conversion"]
    assert conv["status"] == "IN_QUEUE" and conv["conversion_path_1"] is None
    # one task ahead, one worker, 5 s song at the default rate 0.4: (1/1 + 1) x (10 + 0.4 x 5) = 24
    assert conv["eta"] == 24
    assert conv["conversion_cost"] is None


def test_it_reports_the_remaining_share_of_a_processing_task(client, owner, api_key):
    task = queued_task(owner)
    claimed = services.claim_task(task.pk)
    services.report_progress(task.pk, claimed.attempts, "Arranging", 50)
    conv = get(client, api_key, task_id=str(task.pk)).json()["conversion"]
    assert conv["status"] == "PROCESSING" and conv["progress"] == 50 and conv["stage"] == "Arranging"
    assert conv["eta"] == math.ceil((10 + 0.4 * 5) * 0.5)


def test_it_names_an_engine_stage_in_words_as_the_job_page_does(client, owner, api_key):
    task = queued_task(owner)
    claimed = services.claim_task(task.pk)
    services.report_progress(task.pk, claimed.attempts, "separate", 30)
    conv = get(client, api_key, task_id=str(task.pk)).json()["conversion"]
    assert conv["stage"] == "Separating vocals"


def test_it_reports_a_failed_task_with_its_reason_and_no_charge(client, owner, api_key):
    task = queued_task(owner)
    services.fail_task(task.pk, "The audio could not be decoded.")
    conv = get(client, api_key, task_id=str(task.pk)).json()["conversion"]
    assert conv["status"] == "FAILED" and conv["reason"] == "The audio could not be decoded."
    assert conv["conversion_cost"] == 0.0


def test_it_hides_files_of_flagged_tasks_until_approved(client, owner, staff, api_key, outputs):
    task = finished_task(owner, outputs)
    earlier_link = get(client, api_key, task_id=str(task.pk)).json()["conversion"]["conversion_path_1"]
    RemixTask.objects.filter(pk=task.pk).update(is_flagged=True, flag_reason="Offensive lyrics", review_state="pending")
    conv = get(client, api_key, task_id=str(task.pk)).json()["conversion"]
    assert conv["is_flagged"] is True and conv["reason"] == "Offensive lyrics"
    assert all(conv[f] is None for f in ("conversion_path_1", "conversion_path_wav_2", "album_cover_path"))
    assert fetch(client, earlier_link).status_code == 404
    services.review_task(task, staff, approve=True)
    conv = get(client, api_key, task_id=str(task.pk)).json()["conversion"]
    assert conv["conversion_path_1"] and fetch(client, conv["conversion_path_1"]).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"task_id": "00000000-0000-0000-0000-000000000000"},
        {"task_id": "not-a-uuid"},
        {"conversion_id": "00000000-0000-0000-0000-000000000000"},
    ],
)
def test_it_answers_404_for_unknown_ids(client, api_key, params):
    response = get(client, api_key, **params)
    assert response.status_code == 404 and response.json()["success"] is False


@pytest.mark.parametrize(
    "params",
    [
        {"conversionType": "", "task_id": "00000000-0000-0000-0000-000000000000"},
        {"conversionType": "MUSIC_AI", "task_id": "00000000-0000-0000-0000-000000000000"},
        {},
        {"task_id": "00000000-0000-0000-0000-000000000000", "conversion_id": "00000000-0000-0000-0000-000000000000"},
    ],
)
def test_it_answers_422_for_bad_queries(client, api_key, params):
    response = get(client, api_key, **params)
    assert response.status_code == 422 and response.json()["errors"]


def test_it_accepts_a_lower_case_conversion_type(client, owner, api_key):
    task = queued_task(owner)
    assert client.get(URL, {"conversionType": "remix", "task_id": str(task.pk)},
                      HTTP_AUTHORIZATION=api_key).status_code == 200


def test_it_requires_a_key(client, owner):
    task = queued_task(owner)
    assert client.get(URL, {"conversionType": "REMIX", "task_id": str(task.pk)}).status_code == 401


def test_it_answers_405_for_post(client, api_key):
    response = client.post(URL, HTTP_AUTHORIZATION=api_key)
    assert response.status_code == 405 and response["Allow"] == "GET"


def test_it_limits_status_requests_per_key_per_minute(client, owner, api_key, settings):
    settings.API_RATE_STATUS_PER_MINUTE = 5
    task = queued_task(owner)
    for _ in range(5):
        assert get(client, api_key, task_id=str(task.pk)).status_code == 200
    response = get(client, api_key, task_id=str(task.pk))
    assert response.status_code == 429 and 1 <= int(response["Retry-After"]) <= 60
