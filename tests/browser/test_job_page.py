"""The job page of a remix held for review, in a real browser: it says so as soon as the task
finishes, keeps asking slowly without touching the page, and swaps the players in by itself once a
moderator approves it, with nothing moving."""
from __future__ import annotations

import time

import pytest

from remixes import moderation, services, views
from tests.browser.conftest import in_background, log_in, shoot
from tests.browser.test_remix_flow import finish_like_a_worker
from tests.test_views_helpers import submit_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLOW_POLL_SECONDS = 3  # the real 10 s would make this test wait half a minute; its value is checked in test_views_job


@pytest.fixture
def flagging(settings):
    settings.MODERATION_EXTRA_TERMS = ["forbiddenword"]
    moderation._filter.cache_clear()
    yield
    moderation._filter.cache_clear()


def test_an_approved_remix_appears_without_a_reload(page, make_user, flagging, monkeypatch):
    monkeypatch.setattr(views, "REVIEW_POLL_SECONDS", SLOW_POLL_SECONDS)
    owner = make_user("singer")
    moderator = make_user("moderator", staff=True)
    task = submit_task(owner, prompt="a forbiddenword remix", lyrics="Hello bright morning")
    log_in(page, "singer")
    page.goto(f"/remixes/{task.task_id}/")
    assert page.get_attribute("#status-poll", "hx-trigger") == "every 2s"
    before = page.locator("#version-2").bounding_box()
    page.evaluate("window.__notReloaded = true")
    polls: list[int] = []
    page.on("response", lambda r: polls.append(r.status) if r.request.headers.get("hx-request") else None)

    in_background(lambda: finish_like_a_worker(task.task_id, steps=(("Rendering the band", 50),), pause=0.5))
    page.wait_for_function("() => document.querySelector('#status').textContent.includes('awaiting review')")
    assert page.get_attribute("#status-poll", "hx-trigger") == f"every {SLOW_POLL_SECONDS}s"
    assert "Audio is held until a moderator approves it." in page.inner_text("#version-1")
    assert page.locator("audio").count() == 0
    page.evaluate("window.__results = document.getElementById('results')")
    status_text = page.inner_text("#status")
    with page.expect_response(lambda r: "shown=" in r.url and r.status == 204, timeout=(SLOW_POLL_SECONDS + 3) * 1000):
        pass
    assert page.evaluate("document.getElementById('results') === window.__results")  # a slow poll re-renders nothing
    assert page.inner_text("#status") == status_text
    assert page.locator("#version-2").bounding_box() == before
    shoot(page, "14-job-awaiting-review-live")

    services.review_task(task, moderator, approve=True)
    page.wait_for_selector("#version-2[data-player]", timeout=(SLOW_POLL_SECONDS + 3) * 1000)
    assert page.evaluate("window.__notReloaded") is True
    assert page.locator(".version audio").count() == 2 and page.locator("#original-audio").count() == 1
    assert page.inner_text("#status .chip") == "Completed" and "awaiting review" not in page.inner_text("#status")
    after = page.locator("#version-2").bounding_box()
    assert abs(after["y"] - before["y"]) < 1 and abs(after["height"] - before["height"]) < 1  # no layout shift
    # The players swapped in by htmx work, A/B switch included (PLAN has no stretch: same seconds).
    page.wait_for_function("""() => document.querySelector('#version-2 audio').readyState >= 1
                                    && document.getElementById('original-audio').readyState >= 1""")
    page.focus("#version-2 canvas.wave")
    page.keyboard.press("ArrowRight")
    version_time = page.evaluate("document.querySelector('#version-2 audio').currentTime")
    assert version_time > 1
    page.keyboard.press("a")
    assert page.get_attribute("#version-2 button.ab", "aria-pressed") == "true"
    assert abs(page.evaluate("document.getElementById('original-audio').currentTime") - version_time) < 0.02
    stopped_at = len(polls)
    assert polls[-1] == 286
    time.sleep(SLOW_POLL_SECONDS + 0.5)
    assert len(polls) == stopped_at  # 286 stopped the polling
    shoot(page, "15-job-approved-live")
    assert not [e for e in page.js_errors if "favicon" not in e], page.js_errors
