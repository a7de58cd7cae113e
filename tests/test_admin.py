"""The admin review queue: flagged tasks filtered by review state, players and lyrics inline,
approve / reject recording the reviewer and time; rejected outputs stay hidden (their links 404)."""
from __future__ import annotations

import pytest
from django.urls import reverse

from remixes import moderation
from remixes.models import RemixTask
from tests.test_views_helpers import complete_task, submit_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged(owner, settings):
    settings.MODERATION_EXTRA_TERMS = ["forbiddenword"]
    moderation._filter.cache_clear()
    task = complete_task(submit_task(owner, prompt="a forbiddenword remix", lyrics="Hello bright morning"))
    yield task
    moderation._filter.cache_clear()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_it_lists_flagged_tasks_awaiting_review(staff_client, flagged, owner):
    clean = submit_task(owner, prompt="plain jazz")
    body = staff_client.get(reverse("admin:remixes_remixtask_changelist"), {"review_state__exact": "pending"}).content.decode()
    assert str(flagged.task_id)[:8] in body
    assert str(clean.task_id)[:8] not in body
    assert "forbiddenword" in body


def test_its_task_page_plays_both_versions_and_shows_timed_lyrics(staff_client, flagged):
    body = staff_client.get(reverse("admin:remixes_remixtask_change", args=[flagged.task_id])).content.decode()
    assert body.count("<audio controls") == 2
    assert "<code>0:00.10</code> Hello bright morning" in body
    assert 'id="review-approve"' in body and 'id="review-reject"' in body


def test_staff_can_listen_to_flagged_audio_but_the_owner_cannot(staff_client, flagged, client, owner):
    body = staff_client.get(reverse("admin:remixes_remixtask_change", args=[flagged.task_id])).content.decode()
    link = body.split('<audio controls preload="none" src="')[1].split('"')[0].replace("&amp;", "&")
    assert staff_client.get(link).status_code == 200
    client.force_login(owner)
    assert client.get(link).status_code == 404


def test_it_approves_with_the_reviewer_and_time_recorded(staff_client, flagged, staff):
    response = staff_client.post(reverse("admin:remixes_remixtask_review", args=[flagged.task_id]), {"decision": "approve"})
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.review_state == RemixTask.Review.APPROVED
    assert flagged.reviewed_by == staff and flagged.reviewed_at is not None
    assert flagged.outputs_visible


def test_it_rejects_through_the_list_action_and_the_links_then_404(staff_client, flagged, client, owner, staff):
    conv = flagged.conversions.get(index=1)
    from remixes import files

    link = files.signed_url(conv.mp3)
    response = staff_client.post(
        reverse("admin:remixes_remixtask_changelist"), {"action": "reject", "_selected_action": [str(flagged.task_id)]}
    )
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.review_state == RemixTask.Review.REJECTED and flagged.reviewed_by == staff
    client.force_login(owner)
    assert client.get(link).status_code == 404
    assert "<audio" not in client.get(reverse("job", args=[flagged.task_id])).content.decode()


def test_its_review_endpoint_is_for_staff_and_post_only(client, owner, staff, flagged):
    url = reverse("admin:remixes_remixtask_review", args=[flagged.task_id])
    client.force_login(owner)
    assert client.post(url, {"decision": "approve"}).status_code == 302  # to the admin login
    flagged.refresh_from_db()
    assert flagged.review_state == RemixTask.Review.PENDING
    client.force_login(staff)
    assert client.get(url).status_code == 405


def test_deleting_a_task_in_the_admin_removes_its_files(staff_client, flagged, django_capture_on_commit_callbacks):
    conv = flagged.conversions.get(index=1)
    storage, name = conv.mp3.storage, conv.mp3.name
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("admin:remixes_remixtask_delete", args=[flagged.task_id]), {"post": "yes"})
    assert response.status_code == 302
    assert not RemixTask.objects.filter(pk=flagged.task_id).exists()
    assert not storage.exists(name)
