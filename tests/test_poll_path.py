"""The status poll's hot path: one query for the task and its place in the queue, signed-in users
served from the cache and dropped from it on every change, and the Redis cache backend that keeps
its clients."""
from __future__ import annotations

import io
import math
import uuid

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from remixes import eta, services, webhooks
from remixes.models import RemixTask
from tests.conftest import wav_bytes
from tests.test_views_helpers import submit_task

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
Status = RemixTask.Status


@pytest.fixture
def cached_users(settings):
    """Production's arrangement: sessions and users read from the (here per-process) cache."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.USER_CACHE_SECONDS = 300


# --- one query for the task and the queue ------------------------------------------------------


def test_the_status_query_counts_the_queue_as_the_separate_queries_do(owner, other_user):
    first, second, third = (submit_task(user) for user in (owner, other_user, owner))
    services.claim_task(first.task_id)  # first is now PROCESSING: one running, second queued ahead of third
    for task in (first, second, third):
        task.refresh_from_db()
        read = services.task_for_status(task.task_id, task.owner_id)
        assert read.pk == task.pk and read.status == task.status
        # the fallbacks, which query, must agree with the annotated figures
        assert eta.queue_position(read) == RemixTask.objects.filter(
            status=Status.IN_QUEUE, created_at__lt=task.created_at).count() * (task.status == Status.IN_QUEUE)
        fresh = RemixTask.objects.get(pk=task.pk)
        assert (eta.queue_position(read), eta.tasks_ahead(read)) == (
            eta.queue_position(fresh), eta.tasks_ahead(fresh))
    third_read = services.task_for_status(third.task_id, owner.pk)
    assert (third_read.queued_before, third_read.processing_now) == (1, 1)
    assert eta.tasks_ahead(third_read) == 2
    first_read = services.task_for_status(first.task_id, owner.pk)
    assert (first_read.queued_before, first_read.processing_now) == (0, 0)
    assert eta.source_seconds(first_read) == pytest.approx(5.0)


def test_the_status_query_finds_only_the_owners_task(owner, other_user):
    task = submit_task(owner)
    assert services.task_for_status(task.task_id, other_user.pk) is None
    assert services.task_for_status(uuid.uuid4(), owner.pk) is None


def test_a_url_song_not_yet_fetched_is_priced_at_the_assumed_length(owner, settings):
    task = services.submit_remix(owner, services.RemixOptions(prompt="lo-fi"), audio_url="https://example.com/a.mp3")
    read = services.task_for_status(task.task_id, owner.pk)
    assert eta.source_seconds(read) == settings.REMIX_URL_ESTIMATE_SECONDS


def test_the_polling_partial_costs_one_query_with_sessions_and_users_cached(
    cached_users, client, owner, django_assert_num_queries
):
    ahead, task = submit_task(owner), submit_task(owner)
    client.force_login(owner)
    url = reverse("job", args=[task.task_id])
    assert client.get(url, **HTMX).status_code == 200  # the first request fills the caches
    with django_assert_num_queries(1):
        response = client.get(url, **HTMX)
    assert response.status_code == 200
    assert "1 remix ahead of yours" in response.content.decode()
    services.claim_task(ahead.task_id)
    with django_assert_num_queries(1):
        body = client.get(url, **HTMX).content.decode()
    assert "Next in line" in body


def test_without_a_shared_cache_the_partial_reads_session_user_and_task(owner_client, owner, django_assert_num_queries):
    task = submit_task(owner)
    with django_assert_num_queries(3):
        assert owner_client.get(reverse("job", args=[task.task_id]), **HTMX).status_code == 200


def test_the_polling_partial_is_404_for_another_users_task(owner_client, other_user):
    task = submit_task(other_user)
    assert owner_client.get(reverse("job", args=[task.task_id]), **HTMX).status_code == 404


# --- signed-in users from the cache --------------------------------------------------------------


def _signed_in(client) -> bool:
    return client.get(reverse("account")).status_code == 200


def test_a_cached_user_costs_no_query(cached_users, owner_client, django_assert_num_queries):
    from remixes.auth import CachedModelBackend

    user_id = owner_client.session[SESSION_KEY]
    CachedModelBackend().get_user(user_id)
    with django_assert_num_queries(0):
        assert CachedModelBackend().get_user(user_id).username == "owner"


def test_a_password_change_ends_other_sessions_at_once(cached_users, owner_client, owner):
    assert _signed_in(owner_client)
    owner.set_password("a new and different passphrase")
    owner.save()
    assert not _signed_in(owner_client)


def test_a_deactivated_user_is_signed_out_at_once(cached_users, owner_client, owner):
    assert _signed_in(owner_client)
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    assert not _signed_in(owner_client)


def test_a_deleted_user_is_signed_out_at_once(cached_users, owner_client, owner):
    assert _signed_in(owner_client)
    owner.delete()
    assert not _signed_in(owner_client)


def test_a_rotated_webhook_secret_is_shown_at_once(cached_users, owner_client, owner):
    assert _signed_in(owner_client)
    secret = webhooks.rotate_webhook_secret(owner)
    assert secret in owner_client.get(reverse("webhook_secret")).content.decode()


def test_without_a_shared_cache_users_are_read_from_the_database(owner_client, django_assert_num_queries):
    from remixes.auth import CachedModelBackend

    user_id = owner_client.session[SESSION_KEY]
    CachedModelBackend().get_user(user_id)
    with django_assert_num_queries(1):
        CachedModelBackend().get_user(user_id)


# --- the Redis cache backend ---------------------------------------------------------------------


def test_the_redis_cache_keeps_one_client_and_works(redis_url):
    from remixsite.cache import RedisCache

    cache = RedisCache(redis_url, {"KEY_PREFIX": f"poll-test-{uuid.uuid4().hex[:8]}"})
    client = cache._cache.get_client()
    assert cache._cache.get_client() is client
    assert cache._cache.get_client(write=True) is client  # one server: reads and writes share a pool
    cache.set("answer", {"n": 42}, 30)
    assert cache.get("answer") == {"n": 42}
    assert cache.add("answer-count", 1, 30)
    assert cache.incr("answer-count") == 2
    cache.delete("answer")
    assert cache.get("answer") is None
    cache.delete("answer-count")


def test_the_job_page_and_by_id_give_one_eta_and_two_tasks_ahead_is_not_less_than_a_minute(
    client, owner, other_user, settings
):
    from remixes import apikeys
    from remixes.templatetags.remix_tags import about

    settings.REMIX_WORKER_CONCURRENCY = 1
    song = services.AudioFacts(duration=180.0, sample_rate=22050, channels=2)

    def submit(user):
        return services.submit_remix(user, services.RemixOptions(prompt="lo-fi"), audio_file=io.BytesIO(wav_bytes(1.0)),
                                     audio_name="song.wav", audio_facts=song)

    running, queued, mine = submit(other_user), submit(other_user), submit(owner)
    services.claim_task(running.task_id)
    key = apikeys.create_api_key(owner)[1]
    by_id = client.get("/api/public/v1/byId", {"conversionType": "REMIX", "task_id": str(mine.task_id)},
                       HTTP_AUTHORIZATION=key).json()["conversion"]["eta"]
    read = services.task_for_status(mine.task_id, owner.pk)
    assert eta.tasks_ahead(read) == 2
    assert by_id == eta.seconds_left(read) == math.ceil(3 * (10 + 0.4 * 180))
    client.force_login(owner)
    page = client.get(reverse("job", args=[mine.task_id]), **HTMX).content.decode()
    assert f"Ready in {about(by_id)}" in page and "about 4 minutes" in page and "less than a minute" not in page
    # A running task: the page's "left" is byId's eta too.
    services.report_progress(running.task_id, 1, "Rendering", 50)
    running_eta = client.get("/api/public/v1/byId", {"conversionType": "REMIX", "task_id": str(running.task_id)},
                             HTTP_AUTHORIZATION=apikeys.create_api_key(other_user)[1]).json()["conversion"]["eta"]
    client.force_login(other_user)
    page = client.get(reverse("job", args=[running.task_id]), **HTMX).content.decode()
    assert running_eta == math.ceil((10 + 0.4 * 180) * 0.5) and f"{about(running_eta)} left" in page
