"""The reference page's own client code, run against a live server with only the base URL and the
key changed (and, for cURL, the file path): a MusicGPT client works here unmodified."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from remixes import apikeys
from remixes.engine import encode_mp3
from remixes.models import RemixTask
from tests.conftest import chord_clip

# Verbatim from reference/remix-endpoint.txt (the first Python sample on the page).
REFERENCE_PYTHON = '''import requests

url = "https://api.musicgpt.com/api/public/v1/Remix"
headers = {"Authorization": "<API_KEY>"}
data = {
  "prompt": "Make it sound like Lo-fi with chill beats",
  "lyrics": "It's a brand new day",
  "gender": "female",
  "webhook_url": "https://example.com/my-webhook"
}

# Option 1: audio_url
files = {}
data["audio_url"] = "https://mybucket.s3.amazonaws.com/song.mp3"
response = requests.post(url, headers=headers, data=data, files=files)

# Option 2: File Upload
with open("song.mp3", "rb") as f:
    files = {"audio_file": f}
    response = requests.post(url, headers=headers, data=data, files=files)

print(response.json())
'''

# Verbatim from the page's cURL sample.
REFERENCE_CURL = '''curl -X POST "https://api.musicgpt.com/api/public/v1/Remix" \\
-H "accept: application/json" \\
-H "Authorization: <api_key>" \\
-F "audio_file=@/path/to/your/audio.mp3" \\
-F "prompt=Make it sound like Lo-fi with chill beats" \\
-F "lyrics=It's a brand new day" \\
-F "gender=female" \\
-F "webhook_url=https://example.com/my-webhook"
'''

REFERENCE_URL = "https://api.musicgpt.com/api/public/v1/Remix"
REFERENCE_KEYS = {"success", "message", "task_id", "conversion_id_1", "conversion_id_2", "eta", "credit_estimate"}


def the_options(snippet: str) -> tuple[str, str]:
    """The page shows two alternatives in one sample; each is run as its own program (the second on
    its own would otherwise send both audio_url and audio_file, which the contract answers with 422)."""
    common, rest = snippet.split("# Option 1: audio_url\n")
    option_1, option_2 = rest.split("# Option 2: File Upload\n")
    return common + option_1, common + option_2


@pytest.fixture
def live_key(transactional_db, make_user) -> tuple[object, str]:
    user = make_user("client")
    return user, apikeys.create_api_key(user, "reference client")[1]


@pytest.fixture
def song_mp3(tmp_path):
    path = tmp_path / "song.mp3"
    path.write_bytes(encode_mp3(chord_clip(5.0, sr=44100), 44100))
    return path


def run_python(code: str, base_url: str, key: str) -> dict:
    program = code.replace(REFERENCE_URL, base_url + "/api/public/v1/Remix").replace("<API_KEY>", key)
    namespace: dict = {}
    exec(compile(program, "reference_snippet.py", "exec"), namespace)
    response = namespace["response"]
    assert response.status_code == 200, response.text
    return response.json()


def assert_reference_body(body: dict, user) -> RemixTask:
    assert set(body) == REFERENCE_KEYS and body["success"] is True
    assert body["message"] == "Remix request submitted successfully"
    assert isinstance(body["eta"], int) and isinstance(body["credit_estimate"], float)
    task = RemixTask.objects.get(pk=body["task_id"], owner=user)
    assert task.prompt == "Make it sound like Lo-fi with chill beats" and task.lyrics == "It's a brand new day"
    assert task.gender == "female" and task.webhook_url == "https://example.com/my-webhook"
    return task


def test_the_reference_python_sample_with_audio_url_works(live_server, live_key, monkeypatch, tmp_path):
    user, key = live_key
    monkeypatch.chdir(tmp_path)
    option_1, _ = the_options(REFERENCE_PYTHON)
    task = assert_reference_body(run_python(option_1, live_server.url, key), user)
    assert task.upload.source_url == "https://mybucket.s3.amazonaws.com/song.mp3"


def test_the_reference_python_sample_with_a_file_upload_works(live_server, live_key, monkeypatch, song_mp3):
    user, key = live_key
    monkeypatch.chdir(song_mp3.parent)
    _, option_2 = the_options(REFERENCE_PYTHON)
    task = assert_reference_body(run_python(option_2, live_server.url, key), user)
    assert task.upload.original_name == "song.mp3" and 4.5 < task.upload.duration < 5.5


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_reference_curl_command_works(live_server, live_key, song_mp3):
    user, key = live_key
    command = (
        REFERENCE_CURL.replace(REFERENCE_URL, live_server.url + "/api/public/v1/Remix")
        .replace("<api_key>", key)
        .replace("/path/to/your/audio.mp3", str(song_mp3))
    )
    result = subprocess.run(["bash", "-c", command.rstrip() + " --silent --show-error --write-out '\\n%{http_code}'"],
                            capture_output=True, text=True, timeout=60)
    body_text, status = result.stdout.rsplit("\n", 1)
    assert status == "200", result.stdout + result.stderr
    assert_reference_body(json.loads(body_text), user)
