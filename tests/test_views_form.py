"""The remix form: landing page for visitors, the form for members, htmx submission with inline
field errors from RemixForm, the credit estimate endpoint, re-use of an upload."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from remixes.models import RemixTask
from tests.conftest import wav_bytes
from tests.test_views_helpers import submit_task

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def clip(name: str = "song.wav", seconds: float = 5.0) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, wav_bytes(seconds), content_type="audio/wav")


def test_it_shows_anonymous_visitors_what_it_does_and_a_sign_up_button(client):
    body = client.get("/").content.decode()
    assert "Remix any song from a sentence" in body
    assert reverse("signup") in body
    assert 'name="prompt"' not in body


def test_it_shows_members_the_remix_form(owner_client):
    body = owner_client.get("/").content.decode()
    assert 'hx-post="/remixes/new/"' in body and 'hx-encoding="multipart/form-data"' in body
    assert 'name="audio_file"' in body and 'name="audio_url"' in body
    assert 'maxlength="2000"' in body
    assert body.count('data-prompt="') >= 4
    assert 'type="range" name="strength"' in body and "Subtle" in body and "Bold" in body
    assert 'name="seed"' in body and 'name="instrumental"' in body
    assert 'id="upload-progress"' in body
    assert "<script>" not in body  # no inline scripts: the CSP forbids them


def test_its_body_carries_the_csrf_token_for_htmx(owner_client):
    body = owner_client.get("/").content.decode()
    assert "hx-headers='{\"X-CSRFToken\": \"" in body


def test_it_submits_a_remix_and_redirects_htmx_to_the_job_page(owner_client, owner):
    response = owner_client.post(
        reverse("remix_create"), {"audio_file": clip(), "prompt": "lofi", "lyrics": "la la", "gender": "female"}, **HTMX
    )
    assert response.status_code == 200
    task = RemixTask.objects.get(owner=owner)
    assert response["HX-Redirect"] == reverse("job", args=[task.task_id])
    assert task.gender == "female" and task.lyrics == "la la"
    assert task.upload.duration == pytest.approx(5.0, abs=0.05)


def test_it_submits_without_htmx_too(owner_client, owner):
    response = owner_client.post(reverse("remix_create"), {"audio_file": clip(), "prompt": "lofi", "seed": "7", "strength": "0.8", "instrumental": "on"})
    task = RemixTask.objects.get(owner=owner)
    assert response.status_code == 302 and response["Location"] == reverse("job", args=[task.task_id])
    assert task.options == {"seed": 7, "strength": 0.8, "instrumental": True}


def test_it_shows_field_errors_inline(owner_client):
    response = owner_client.post(reverse("remix_create"), {"audio_file": clip(), "prompt": " ", "lyrics": "x" * 2001}, **HTMX)
    assert response.status_code == 422
    body = response.content.decode()
    assert "<html" not in body and 'id="remix-form"' in body
    assert "Ensure this value has at most 2000 characters" in body
    assert 'id="id_prompt_error">' in body and 'aria-invalid="true"' in body


def test_it_says_which_source_is_missing(owner_client):
    body = owner_client.post(reverse("remix_create"), {"prompt": "lofi"}, **HTMX).content.decode()
    assert "Provide either audio_file or audio_url." in body


def test_it_shows_the_engines_words_for_an_undecodable_file(owner_client):
    bad = SimpleUploadedFile("song.mp3", b"this is not audio at all" * 100, content_type="audio/mpeg")
    response = owner_client.post(reverse("remix_create"), {"audio_file": bad, "prompt": "lofi"}, **HTMX)
    assert response.status_code == 422
    assert 'id="id_audio_file_error"></div>' not in response.content.decode()


def test_it_explains_insufficient_credits(client, make_user):
    poor = make_user("poor", credits=Decimal("0"))
    client.force_login(poor)
    response = client.post(reverse("remix_create"), {"audio_file": clip(), "prompt": "lofi"}, **HTMX)
    assert response.status_code == 402
    assert "needs 5.00 credits and your balance is 0" in response.content.decode()


def test_it_reuses_an_upload(owner_client, owner):
    first = submit_task(owner)
    page = owner_client.get("/?upload=" + str(first.upload_id)).content.decode()
    assert f'value="{first.upload_id}" selected' in page
    response = owner_client.post(reverse("remix_create"), {"upload": str(first.upload_id), "prompt": "jazz"}, **HTMX)
    assert response.status_code == 200
    assert RemixTask.objects.filter(upload=first.upload).count() == 2


def test_it_will_not_reuse_someone_elses_upload(client, owner, other_user):
    theirs = submit_task(owner)
    client.force_login(other_user)
    page = client.get("/?upload=" + str(theirs.upload_id)).content.decode()
    assert str(theirs.upload_id) not in page
    response = client.post(reverse("remix_create"), {"upload": str(theirs.upload_id), "prompt": "jazz"}, **HTMX)
    assert response.status_code == 422
    assert RemixTask.objects.filter(owner=other_user).count() == 0


def test_it_estimates_credits_from_the_length_the_browser_read(owner_client):
    body = owner_client.get(reverse("remix_estimate"), {"seconds": "185.2"}, **HTMX).content.decode()
    assert "<strong>31.00</strong>" in body  # 186 started seconds at 10 credits a minute
    assert "Balance 200.00" in body


def test_it_estimates_credits_for_a_url_and_a_reused_upload(owner_client, owner, settings):
    settings.REMIX_URL_ESTIMATE_SECONDS = 240
    assert "<strong>40.00</strong>" in owner_client.get(reverse("remix_estimate"), {"source": "url"}).content.decode()
    upload = submit_task(owner, seconds=5.0).upload
    assert "<strong>5.00</strong>" in owner_client.get(reverse("remix_estimate"), {"upload": str(upload.pk)}).content.decode()


def test_it_warns_when_the_estimate_exceeds_the_balance_or_the_length_limit(owner_client, settings):
    settings.REMIX_MAX_SECONDS = 600
    body = owner_client.get(reverse("remix_estimate"), {"seconds": "3000"}).content.decode()
    assert "longer than 10 minutes" in body
    body = owner_client.get(reverse("remix_estimate"), {"seconds": "590"}).content.decode()
    assert "Not enough credits" not in body


def test_it_ignores_nonsense_estimate_input(owner_client):
    for value in ("abc", "-3", "nan", "inf"):
        response = owner_client.get(reverse("remix_estimate"), {"seconds": value})
        assert response.status_code == 200 and "Pick a song" in response.content.decode()


def test_its_form_endpoints_need_login_and_the_right_method(client, owner):
    assert client.post(reverse("remix_create")).status_code == 302
    assert client.get(reverse("remix_estimate")).status_code == 302
    owner_client = client
    owner_client.force_login(owner)
    assert owner_client.get(reverse("remix_create")).status_code == 405
    assert owner_client.post(reverse("remix_estimate")).status_code == 405
    assert owner_client.post("/").status_code == 405


def test_it_passes_a_webhook_url_and_checks_it(owner_client, owner):
    bad = owner_client.post(reverse("remix_create"), {"audio_file": clip(), "prompt": "lofi", "webhook_url": "ftp://x"}, **HTMX)
    assert bad.status_code == 422 and "webhook_url must be an http(s) URL." in bad.content.decode()
    owner_client.post(reverse("remix_create"), {"audio_file": clip(), "prompt": "lofi", "webhook_url": "https://example.com/hook"}, **HTMX)
    assert RemixTask.objects.get(owner=owner).webhook_url == "https://example.com/hook"
