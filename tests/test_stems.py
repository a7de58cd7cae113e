"""Stems for users, server side: a provider's version stems (vocals, instrumental) and the source
song's stems (vocals, accompaniment) are stored by `apply_result`, linked from `byId` and the
conversion webhooks (null when absent), removed with a failed or deleted task; the local provider
encodes the engine's stem wav files to mp3 192 kb/s."""
from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlsplit

import numpy as np
import pytest
import soundfile as sf
from django.core.files.storage import default_storage

from remixes import apikeys, services
from remixes.models import RemixTask, WebhookDelivery
from remixes.results import TaskResult, VersionOutput
from tests.test_api_byid import LINES, LYRICS, queued_task

pytestmark = pytest.mark.django_db


def stem_result(outputs, *, instrumental: bool = False) -> TaskResult:
    def stems(i):
        found = {"instrumental": outputs["mp3"] + b"instrumental%d" % i}
        if not instrumental:
            found["vocals"] = outputs["mp3"] + b"vocals%d" % i
        return found

    return TaskResult(
        versions=[VersionOutput(index=i, mp3=outputs["mp3"], wav=outputs["wav"], duration=1.0, lyrics=LYRICS,
                                lyrics_timestamped=LINES, stems=stems(i)) for i in (1, 2)],
        cover_png=outputs["png"], cover_thumb_png=outputs["png"],
        source_stems={"vocals": outputs["mp3"] + b"src-vocals", "accompaniment": outputs["mp3"] + b"src-acc"},
    )


def completed_with_stems(owner, outputs, **kwargs) -> RemixTask:
    task = queued_task(owner, **kwargs)
    claimed = services.claim_task(task.pk)
    assert services.apply_result(task.pk, stem_result(outputs), attempt=claimed.attempts)
    return RemixTask.objects.get(pk=task.pk)


def fetch(client, url: str) -> bytes:
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200
    return response


def test_apply_result_stores_version_and_source_stems(owner, outputs):
    task = completed_with_stems(owner, outputs)
    assert task.status == "COMPLETED"
    assert default_storage.open(task.source_vocals_file.name).read().endswith(b"src-vocals")
    assert default_storage.open(task.source_accompaniment_file.name).read().endswith(b"src-acc")
    for conv in task.conversions.all():
        assert default_storage.open(conv.vocals_file.name).read().endswith(b"vocals%d" % conv.index)
        assert default_storage.open(conv.instrumental_file.name).read().endswith(b"instrumental%d" % conv.index)
        assert conv.vocals_file.name.endswith(".mp3") and conv.instrumental_file.name.endswith(".mp3")


def test_by_id_and_the_conversion_webhooks_link_the_stems(client, owner, outputs):
    key = apikeys.create_api_key(owner)[1]
    task = completed_with_stems(owner, outputs, webhook_url="https://hooks.example.com/remix")
    body = client.get("/api/public/v1/byId", {"conversionType": "REMIX", "task_id": str(task.pk)},
                      HTTP_AUTHORIZATION=key).json()["conversion"]
    assert fetch(client, body["source_path_vocals"]).getvalue().endswith(b"src-vocals")
    assert fetch(client, body["source_path_accompaniment"]).getvalue().endswith(b"src-acc")
    for i in (1, 2):
        vocals = client.get(urlsplit(body[f"conversion_path_vocals_{i}"]).path)
        assert b"".join(vocals.streaming_content).endswith(b"vocals%d" % i)
        assert vocals["Content-Disposition"] == f'attachment; filename="remix-{str(task.pk)[:8]}-v{i}-vocals.mp3"'
        assert body[f"conversion_path_instrumental_{i}"].startswith("http://testserver/files/")
    one = client.get("/api/public/v1/byId", {"conversionType": "REMIX",
                                             "conversion_id": str(task.conversions.get(index=2).pk)},
                     HTTP_AUTHORIZATION=key).json()["conversion"]
    assert one["conversion_path_vocals"] and one["source_path_vocals"]
    events = WebhookDelivery.objects.filter(task=task, event="conversion")
    assert events.count() == 2
    for delivery in events:
        payload = delivery.payload
        for name in ("conversion_path_vocals", "conversion_path_instrumental", "source_path_vocals",
                     "source_path_accompaniment"):
            assert payload[name].startswith("http")


def test_the_wav_download_name_is_the_same_in_by_id_and_the_webhook(client, owner, outputs):
    key = apikeys.create_api_key(owner)[1]
    task = completed_with_stems(owner, outputs, webhook_url="https://hooks.example.com/remix")
    body = client.get("/api/public/v1/byId", {"conversionType": "REMIX", "task_id": str(task.pk)},
                      HTTP_AUTHORIZATION=key).json()["conversion"]
    payload = WebhookDelivery.objects.get(task=task, event="conversion", payload__conversion_id=body["conversion_id_1"]).payload
    api_wav = client.get(urlsplit(body["conversion_path_wav_1"]).path)["Content-Disposition"]
    hook_wav = client.get(urlsplit(payload["conversion_path_wav"]).path)["Content-Disposition"]
    assert api_wav == hook_wav == f'attachment; filename="remix-{str(task.pk)[:8]}-v1.wav"'


def test_stems_are_null_when_absent_and_hidden_while_flagged(client, owner, outputs):
    key = apikeys.create_api_key(owner)[1]
    task = queued_task(owner)
    claimed = services.claim_task(task.pk)
    result = stem_result(outputs, instrumental=True)
    result.source_stems = {}
    services.apply_result(task.pk, result, attempt=claimed.attempts)
    body = client.get("/api/public/v1/byId", {"conversionType": "REMIX", "task_id": str(task.pk)},
                      HTTP_AUTHORIZATION=key).json()["conversion"]
    assert body["conversion_path_vocals_1"] is None and body["conversion_path_instrumental_1"]
    assert body["source_path_vocals"] is None and body["source_path_accompaniment"] is None
    RemixTask.objects.filter(pk=task.pk).update(is_flagged=True, review_state="pending")
    body = client.get("/api/public/v1/byId", {"conversionType": "REMIX", "task_id": str(task.pk)},
                      HTTP_AUTHORIZATION=key).json()["conversion"]
    assert body["conversion_path_instrumental_1"] is None and body["conversion_path_instrumental_2"] is None


def test_deleting_a_task_deletes_its_stems(owner, outputs, django_capture_on_commit_callbacks):
    task = completed_with_stems(owner, outputs)
    names = [f.name for f in task.stored_files()]
    for conv in task.conversions.all():
        names += [f.name for f in conv.audio_files()]
    assert len(names) == 2 + 2 + 2 * 4 and all(default_storage.exists(n) for n in names)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_task(task)
    assert not any(default_storage.exists(n) for n in names)


def test_a_task_failing_after_a_partial_result_removes_its_stems(owner, outputs, django_capture_on_commit_callbacks):
    task = queued_task(owner)
    claimed = services.claim_task(task.pk)
    result = stem_result(outputs)
    result.versions = result.versions[:1]  # only version 1 arrived: not complete
    services.apply_result(task.pk, result, attempt=claimed.attempts)
    conv = task.conversions.get(index=1)
    partial = [f.name for f in conv.audio_files()] + [RemixTask.objects.get(pk=task.pk).source_vocals_file.name]
    assert len(partial) == 5 and all(default_storage.exists(n) for n in partial)
    with django_capture_on_commit_callbacks(execute=True):
        services.fail_task(task.pk, "boom")
    assert not any(default_storage.exists(n) for n in partial)
    failed = RemixTask.objects.get(pk=task.pk)
    assert not failed.source_vocals_file and not failed.conversions.get(index=1).vocals_file


def _real_mp3(audio, rate):
    from remixes.engine import encode_mp3

    return encode_mp3(audio, rate)


def test_the_local_provider_encodes_the_engines_stem_wavs_to_mp3(owner, tmp_path, monkeypatch, settings):
    from remixes.providers import local

    sr = 44100
    tone = (0.3 * np.sin(2 * np.pi * 440 * np.arange(sr) / sr)).astype(np.float32)[:, None].repeat(2, axis=1)

    def wav(name):
        path = tmp_path / f"{name}.wav"
        sf.write(path, tone, sr, subtype="PCM_16")
        return path

    versions = tuple(
        SimpleNamespace(index=i, audio=tone, sample_rate=sr, duration=1.0, lyrics="", lyrics_timestamped=[],
                        peaks=[], stems={"instrumental": wav(f"v{i}-instrumental"),
                                         **({"vocals": wav(f"v{i}-vocals")} if i == 1 else {})})
        for i in (1, 2)
    )
    engine_result = SimpleNamespace(versions=versions, plan={}, cover_png=b"png", cover_thumb_png=b"png",
                                    source_duration=1.0, source_key="ab" * 32,
                                    source_stems={"vocals": wav("src-vocals"), "accompaniment": wav("src-acc")})
    monkeypatch.setattr(local, "remix", lambda *args, **kwargs: engine_result)
    settings.REMIX_CACHE_DIR = str(tmp_path / "cache")
    encoded = []
    monkeypatch.setattr(local, "encode_mp3", lambda audio, rate: encoded.append(len(audio)) or _real_mp3(audio, rate))
    song = wav("song")
    task = queued_task(owner)
    claimed = services.claim_task(task.pk)
    result = local.LocalProvider().run(claimed, song, lambda stage, percent: None)
    assert len(encoded) == 2 + 3 + 2  # the source's two stems, the versions' three, the versions themselves
    assert set(result.source_stems) == {"vocals", "accompaniment"}
    # a second remix of the same file: the source's stems as mp3 come from the stems cache, the same bytes
    again = local.LocalProvider().run(services.claim_task(queued_task(owner).pk), song, lambda stage, percent: None)
    assert len(encoded) == 7 + 3 + 2 and again.source_stems == result.source_stems
    assert set(result.versions[0].stems) == {"vocals", "instrumental"} and set(result.versions[1].stems) == {
        "instrumental"}
    for blob in [*result.source_stems.values(), *result.versions[0].stems.values()]:
        decoded, rate = sf.read(__import__("io").BytesIO(blob))
        assert rate == sr and decoded.shape[1] == 2 and abs(len(decoded) - sr) < 3000  # mp3 padding
    bitrate_kbps = len(result.versions[1].stems["instrumental"]) * 8 / 1.0 / 1000
    assert 150 < bitrate_kbps < 260  # 192 kb/s (plus the encoder's frame padding)


def test_the_admin_links_a_versions_stems(client, staff, owner, outputs):
    task = completed_with_stems(owner, outputs)
    client.force_login(staff)
    html = client.get(f"/admin/remixes/remixtask/{task.pk}/change/").content.decode()
    assert html.count(">vocals</a>") == 2 and html.count(">instrumental</a>") == 2
