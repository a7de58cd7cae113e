"""History: the account's remixes newest first, paginated, with live status chips, re-use and
deletion of uploads."""
from __future__ import annotations

import pytest
from django.urls import reverse

from remixes.models import RemixTask, Upload
from tests.test_views_helpers import complete_task, submit_task

pytestmark = pytest.mark.django_db


def test_it_lists_only_the_owners_remixes_newest_first(owner_client, owner, other_user):
    older = submit_task(owner, prompt="first prompt")
    newer = submit_task(owner, prompt="second prompt")
    submit_task(other_user, prompt="someone else's prompt")
    body = owner_client.get(reverse("history")).content.decode()
    assert body.index("second prompt") < body.index("first prompt")
    assert "someone else" not in body
    assert f'hx-get="{reverse("job_chip", args=[newer.task_id])}"' in body
    assert f"/?upload={older.upload_id}" in body


def test_its_chips_stop_polling_for_finished_tasks(owner_client, owner):
    done = complete_task(submit_task(owner))
    body = owner_client.get(reverse("history")).content.decode()
    assert reverse("job_chip", args=[done.task_id]) not in body
    assert "chip-completed" in body and "/files/" in body  # the cover thumbnail


def test_it_paginates(owner_client, owner):
    for i in range(12):
        submit_task(owner, prompt=f"prompt number {i:02d}")
    first = owner_client.get(reverse("history")).content.decode()
    second = owner_client.get(reverse("history"), {"page": 2}).content.decode()
    assert "prompt number 11" in first and "prompt number 00" not in first
    assert "prompt number 00" in second and "Page 2 of 2" in second


def test_it_deletes_an_upload_with_its_finished_remixes(owner_client, owner, django_capture_on_commit_callbacks):
    task = complete_task(submit_task(owner))
    upload = task.upload
    storage, name = upload.file.storage, upload.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("upload_delete", args=[upload.pk]))
    assert response.status_code == 302
    assert not Upload.objects.filter(pk=upload.pk).exists()
    assert not RemixTask.objects.filter(pk=task.pk).exists()
    assert not storage.exists(name)


def test_it_keeps_an_upload_whose_remix_is_running(owner_client, owner):
    task = submit_task(owner)
    response = owner_client.post(reverse("upload_delete", args=[task.upload_id]), HTTP_HX_REQUEST="true")
    assert response.status_code == 409 and "in progress" in response.content.decode()
    assert Upload.objects.filter(pk=task.upload_id).exists()


def test_it_will_not_delete_someone_elses_upload(client, owner, other_user):
    task = complete_task(submit_task(owner))
    client.force_login(other_user)
    assert client.post(reverse("upload_delete", args=[task.upload_id])).status_code == 404
    assert client.get(reverse("upload_delete", args=[task.upload_id])).status_code == 405
    assert Upload.objects.filter(pk=task.upload_id).exists()


def test_a_chip_awaiting_review_polls_slowly_until_the_moderators_decision(owner_client, owner, staff, settings):
    from remixes import moderation, services

    settings.MODERATION_EXTRA_TERMS = ["forbiddenword"]
    moderation._filter.cache_clear()
    task = complete_task(submit_task(owner, prompt="make it forbiddenword style"))
    chip_url = reverse("job_chip", args=[task.task_id])
    body = owner_client.get(reverse("history")).content.decode()
    assert f'hx-get="{chip_url}" hx-trigger="every 10s"' in body
    pending = owner_client.get(chip_url)
    assert pending.status_code == 200 and "Awaiting review" in pending.content.decode()
    services.review_task(task, staff, approve=True)
    decided = owner_client.get(chip_url)
    assert decided.status_code == 286 and "chip-completed" in decided.content.decode()
    moderation._filter.cache_clear()
