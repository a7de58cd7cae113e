"""The job page: ownership, the polling status partial (HTTP 286 once finished), results swapped
in out of band, failure with refund, flagged tasks that serve no audio (polled slowly until a
moderator decides), and lyrics downloads."""
from __future__ import annotations

import html
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from remixes import services
from remixes.models import RemixTask
from tests.test_views_helpers import complete_task, submit_task

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def task(owner):
    return submit_task(owner, lyrics="Hello bright morning")


@pytest.fixture
def done_task(task):
    return complete_task(task)


def test_it_shows_the_owner_a_queued_task_with_its_position(owner_client, owner, task):
    other = submit_task(owner)
    response = owner_client.get(reverse("job", args=[other.task_id]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "1 remix ahead of yours" in body
    assert 'hx-trigger="every 2s"' in body
    assert 'aria-live="polite"' in body


def test_it_hides_other_users_tasks(client, other_user, task):
    client.force_login(other_user)
    for name in ("job", "job_chip"):
        assert client.get(reverse(name, args=[task.task_id])).status_code == 404
    assert client.post(reverse("job_delete", args=[task.task_id])).status_code == 404
    assert client.get(reverse("lyrics_json", args=[task.task_id, 1])).status_code == 404


def test_it_sends_anonymous_visitors_to_the_login_page(client, task):
    response = client.get(reverse("job", args=[task.task_id]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_rejects_wrong_methods(owner_client, task):
    assert owner_client.post(reverse("job", args=[task.task_id])).status_code == 405
    assert owner_client.post(reverse("job_chip", args=[task.task_id])).status_code == 405
    assert owner_client.get(reverse("job_delete", args=[task.task_id])).status_code == 405


def test_its_status_partial_keeps_polling_while_the_task_runs(owner_client, task):
    claimed = services.claim_task(task.task_id)
    services.report_progress(task.task_id, claimed.attempts, "Rendering the band", 42)
    response = owner_client.get(reverse("job", args=[task.task_id]), **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="42"' in body
    assert "Rendering the band" in body
    assert "<html" not in body
    assert 'id="results"' not in body


def test_its_status_partial_stops_polling_and_swaps_in_results_when_finished(owner_client, done_task):
    response = owner_client.get(reverse("job", args=[done_task.task_id]), **HTMX)
    assert response.status_code == 286
    body = response.content.decode()
    assert 'id="results"' in body and 'hx-swap-oob="true"' in body
    assert body.count("data-peaks=") == 2  # two version players (and the original's)
    assert body.count("<audio") == 3
    assert "/files/" in body
    assert "Lo-fi hip hop at 80 BPM" in body
    assert "banana" in body and "No vocal found to keep." in body
    assert body.count('class="word"') == 2 * 6


def test_the_finished_page_has_players_downloads_and_timed_lyrics(owner_client, done_task):
    response = owner_client.get(reverse("job", args=[done_task.task_id]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'hx-trigger="every 2s"' not in body
    assert body.count("<audio") == 3  # two versions and the original
    assert body.count('role="slider"') == 3
    assert reverse("lyrics_lrc", args=[done_task.task_id, 1]) in body
    assert reverse("lyrics_json", args=[done_task.task_id, 2]) in body
    assert 'data-start="0.550"' in body
    assert 'id="peaks-1"' in body and 'id="peaks-2"' in body


def test_the_results_reserve_the_same_boxes_before_and_after_they_arrive(owner_client, task):
    before = owner_client.get(reverse("job", args=[task.task_id])).content.decode()
    done = complete_task(task)
    after = owner_client.get(reverse("job", args=[done.task_id])).content.decode()
    for marker in ('id="version-1"', 'id="version-2"', 'class="cover"', 'class="card understood"', 'class="lyrics'):
        assert marker in before and marker in after


def test_it_serves_lyrics_as_lrc_and_json(owner_client, done_task):
    lrc = owner_client.get(reverse("lyrics_lrc", args=[done_task.task_id, 1]))
    assert lrc.status_code == 200
    assert "attachment" in lrc["Content-Disposition"]
    assert lrc.content.decode().splitlines() == ["[00:00.10]Hello bright morning", "[00:00.55]We sing along"]
    data = json.loads(owner_client.get(reverse("lyrics_json", args=[done_task.task_id, 2])).content)
    assert data["lyrics_timestamped"][1]["words"][2] == {"word": "along", "start": 0.8, "end": 0.95}


def test_it_shows_a_failed_tasks_reason_and_refund(owner_client, task):
    services.fail_task(task.task_id, "The song could not be decoded.")
    response = owner_client.get(reverse("job", args=[task.task_id]), **HTMX)
    assert response.status_code == 286
    body = response.content.decode()
    assert "The song could not be decoded." in body
    assert f"{task.credit_estimate} credits were refunded" in body
    assert "<audio" not in body


@pytest.fixture
def flagged_task(owner, settings):
    settings.MODERATION_EXTRA_TERMS = ["forbiddenword"]
    from remixes import moderation

    moderation._filter.cache_clear()
    task = submit_task(owner, prompt="make it forbiddenword style")
    yield complete_task(task)
    moderation._filter.cache_clear()


def test_a_flagged_task_awaits_review_and_serves_no_audio(owner_client, flagged_task):
    assert flagged_task.review_state == RemixTask.Review.PENDING
    body = owner_client.get(reverse("job", args=[flagged_task.task_id])).content.decode()
    assert "awaiting review" in body
    assert "<audio" not in body and "/files/" not in body
    assert owner_client.get(reverse("lyrics_lrc", args=[flagged_task.task_id, 1])).status_code == 404


def test_an_approved_task_serves_its_audio(owner_client, flagged_task, staff):
    services.review_task(flagged_task, staff, approve=True)
    body = owner_client.get(reverse("job", args=[flagged_task.task_id])).content.decode()
    assert body.count("<audio") == 3  # two versions and the original
    assert "Approved by a moderator after review." in body
    assert "flagged terms" not in body  # the matched words are the moderator's business once decided


def poll_of(body: str) -> tuple[str, str]:
    """The status poller's URL and trigger, as the browser would read them."""
    match = re.search(r'<div id="status-poll"[^>]*hx-get="([^"]+)"[^>]*hx-trigger="([^"]+)"', body)
    assert match, "no status poller in the page"
    return html.unescape(match.group(1)), match.group(2)


def test_a_task_awaiting_review_is_polled_slowly_from_the_page(owner_client, flagged_task):
    body = owner_client.get(reverse("job", args=[flagged_task.task_id])).content.decode()
    url, trigger = poll_of(body)
    assert trigger == "every 10s"
    assert url.startswith(reverse("job", args=[flagged_task.task_id])) and "?shown=" in url


def test_a_running_page_is_told_once_that_its_task_awaits_review_and_to_poll_slowly(owner_client, flagged_task):
    running_poll = reverse("job", args=[flagged_task.task_id])  # what a page opened while it ran polls
    response = owner_client.get(running_poll, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "awaiting review" in body
    assert 'id="results"' in body and "Audio is held until a moderator approves it." in body
    assert "<audio" not in body and "/files/" not in body
    assert 'id="status-poll"' in body and body.count('hx-swap-oob="true"') == 2
    assert poll_of(body)[1] == "every 10s"


def test_the_slow_poll_changes_nothing_and_costs_what_a_running_poll_costs(owner_client, owner, flagged_task):
    slow_poll, _ = poll_of(owner_client.get(reverse("job", args=[flagged_task.task_id])).content.decode())
    running = submit_task(owner)
    running_poll = reverse("job", args=[running.task_id])
    owner_client.get(running_poll, **HTMX)
    with CaptureQueriesContext(connection) as running_queries:
        assert owner_client.get(running_poll, **HTMX).status_code == 200
    with CaptureQueriesContext(connection) as slow_queries:
        response = owner_client.get(slow_poll, **HTMX)
    assert response.status_code == 204 and response.content == b""
    assert len(slow_queries) == len(running_queries)


def test_the_slow_poll_swaps_in_the_results_and_stops_once_approved(owner_client, flagged_task, staff):
    slow_poll, _ = poll_of(owner_client.get(reverse("job", args=[flagged_task.task_id])).content.decode())
    services.review_task(flagged_task, staff, approve=True)
    response = owner_client.get(slow_poll, **HTMX)
    assert response.status_code == 286
    body = response.content.decode()
    assert 'id="results"' in body and 'hx-swap-oob="true"' in body
    assert body.count("data-peaks=") == 2 and body.count("<audio") == 3  # two versions and the original
    assert reverse("lyrics_lrc", args=[flagged_task.task_id, 1]) in body and "/files/" in body
    assert "Lo-fi hip hop at 80 BPM" in body
    assert "awaiting review" not in body and 'id="status-poll"' not in body


def test_the_slow_poll_shows_a_rejection_and_stops(owner_client, flagged_task, staff):
    slow_poll, _ = poll_of(owner_client.get(reverse("job", args=[flagged_task.task_id])).content.decode())
    services.review_task(flagged_task, staff, approve=False)
    response = owner_client.get(slow_poll, **HTMX)
    assert response.status_code == 286
    body = response.content.decode()
    assert "A moderator rejected this remix; its audio will not be served." in body
    assert 'id="results"' in body and body.count("Not available.") == 3  # the plan and both versions
    assert "Shown once the remix is approved." not in body
    assert "<audio" not in body and "/files/" not in body
    assert reverse("lyrics_lrc", args=[flagged_task.task_id, 1]) not in body
    assert 'id="status-poll"' not in body
    page = owner_client.get(reverse("job", args=[flagged_task.task_id])).content.decode()
    assert 'id="status-poll"' not in page


def test_it_renders_prompts_and_lyrics_with_html_as_text(owner_client, owner):
    script = "<script>alert(1)</script>"
    task = submit_task(owner, prompt=f"lofi {script}")
    lines = [{"text": script, "start": 0.1, "end": 0.9, "words": [{"word": script, "start": 0.1, "end": 0.9}]}]
    complete_task(task, lines=lines, plan={"summary": script, "understood": [script], "ignored_words": [script]})
    body = owner_client.get(reverse("job", args=[task.task_id])).content.decode()
    assert script not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_the_history_chip_stops_polling_when_the_task_finishes(owner_client, task):
    running = owner_client.get(reverse("job_chip", args=[task.task_id]), **HTMX)
    assert running.status_code == 200 and "In queue" in running.content.decode()
    complete_task(task)
    finished = owner_client.get(reverse("job_chip", args=[task.task_id]), **HTMX)
    assert finished.status_code == 286 and "Completed" in finished.content.decode()


def test_it_deletes_a_finished_task_and_its_files(owner_client, done_task, django_capture_on_commit_callbacks):
    conv = done_task.conversions.get(index=1)
    storage, names = conv.mp3.storage, [conv.mp3.name, conv.wav.name, done_task.cover.name]
    assert all(storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("job_delete", args=[done_task.task_id]))
    assert response.status_code == 302 and response["Location"] == reverse("history")
    assert not RemixTask.objects.filter(pk=done_task.task_id).exists()
    assert not any(storage.exists(name) for name in names)


def test_it_removes_a_deleted_row_from_the_history_list_in_place(owner_client, done_task):
    response = owner_client.post(
        reverse("job_delete", args=[done_task.task_id]), HTTP_HX_REQUEST="true", HTTP_HX_TARGET=f"task-{done_task.task_id}"
    )
    assert response.status_code == 200 and response.content == b""


def test_it_refuses_to_delete_a_running_task(owner_client, task):
    response = owner_client.post(reverse("job_delete", args=[task.task_id]), **HTMX)
    assert response.status_code == 409
    assert RemixTask.objects.filter(pk=task.task_id).exists()


@pytest.mark.parametrize(
    "name, method, args, owner_status",
    [
        ("job", "get", [], 200),
        ("job_chip", "get", [], 286),
        ("lyrics_lrc", "get", [1], 200),
        ("lyrics_json", "get", [2], 200),
        ("job_delete", "post", [], 302),
    ],
)
def test_every_task_view_answers_owner_stranger_visitor_and_wrong_method(
    client, owner, other_user, done_task, name, method, args, owner_status
):
    url = reverse(name, args=[done_task.task_id, *args])
    wrong = client.post if method == "get" else client.get
    anonymous = getattr(client, method)(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    client.force_login(other_user)
    assert getattr(client, method)(url).status_code == 404
    client.force_login(owner)
    assert wrong(url).status_code == 405
    assert getattr(client, method)(url).status_code == owner_status


def test_the_original_songs_player_draws_its_waveform_once_the_worker_has_it(owner_client, done_task):
    page = owner_client.get(reverse("job", args=[done_task.task_id])).content.decode()
    assert 'id="original-peaks"' not in page  # not drawn yet: a plain track
    services.record_source_peaks(done_task.upload_id, [0.0, 0.5, 1.0])
    page = owner_client.get(reverse("job", args=[done_task.task_id])).content.decode()
    original = page[page.index('id="original"'):page.index('class="versions"')]
    assert 'data-peaks="original-peaks"' in original
    assert json.loads(re.search(r'id="original-peaks"[^>]*>(.*?)</script>', original).group(1)) == [0.0, 0.5, 1.0]
