"""A person's path through the app in a real browser: sign up, submit a remix of a generated
5-second clip with lyrics, watch the progress bar move and the results swap in without a reload,
play and seek a version, see the highlighted lyric word change, find the task in history (its chip
updating live), create and revoke an API key, and approve a flagged task as staff. The engine does
not run: a background thread drives the task through services like a worker would."""
from __future__ import annotations

import re
import time

import numpy as np
import pytest

from remixes import moderation, services
from remixes.models import ApiKey, RemixTask
from tests.browser.conftest import in_background, log_in, shoot
from tests.test_views_helpers import PLAN, submit_task, tiny_mp3

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINES = [
    {"text": "Hello bright morning", "start": 0.2, "end": 1.4, "words": [
        {"word": "Hello", "start": 0.2, "end": 0.6}, {"word": "bright", "start": 0.6, "end": 1.0},
        {"word": "morning", "start": 1.0, "end": 1.4}]},
    {"text": "We sing along now", "start": 1.5, "end": 2.9, "words": [
        {"word": "We", "start": 1.5, "end": 1.85}, {"word": "sing", "start": 1.85, "end": 2.2},
        {"word": "along", "start": 2.2, "end": 2.55}, {"word": "now", "start": 2.55, "end": 2.9}]},
]


def finish_like_a_worker(task_id, *, steps=(("Analysing the song", 15), ("Planning the style", 40),
                                           ("Rendering the band", 65), ("Mixing and mastering", 90)), pause=1.1):
    claimed = services.claim_task(task_id)
    for stage, percent in steps:
        time.sleep(pause)
        services.report_progress(task_id, claimed.attempts, stage, percent)
    time.sleep(pause)
    audio = tiny_mp3(3.0)
    t = np.linspace(0, 1, 300)
    peaks = [round(float(abs(np.sin(9 * x)) * (0.3 + 0.7 * x)), 3) for x in t]
    from PIL import Image
    import io

    cover = io.BytesIO()
    Image.linear_gradient("L").convert("RGB").resize((256, 256)).save(cover, format="PNG")
    services.apply_result(task_id, services.TaskResult(
        versions=[services.VersionOutput(index=i, mp3=audio, wav=b"RIFF....WAVE", duration=3.0,
                                         lyrics="Hello bright morning\nWe sing along now",
                                         lyrics_timestamped=LINES, peaks=peaks) for i in (1, 2)],
        cover_png=cover.getvalue(), cover_thumb_png=cover.getvalue(), style_plan=PLAN,
    ), attempt=claimed.attempts)


def test_a_new_member_remixes_a_clip_and_watches_it_finish(page, clip_path):
    page.goto("/")
    assert page.locator("text=Remix any song from a sentence").is_visible()
    shoot(page, "01-landing")
    page.click("a.button:has-text('Sign up free')")
    page.fill("#id_username", "newmember")
    page.fill("#id_password1", "a quiet river 42")
    page.fill("#id_password2", "a quiet river 42")
    shoot(page, "02-signup")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("#remix-form")

    page.set_input_files("#id_audio_file", str(clip_path))
    page.wait_for_selector("#estimate strong")
    assert page.inner_text("#estimate strong") == "5.00"
    assert page.inner_text("[data-file-name]") == "clip.wav"
    page.click("button.chip >> nth=0")
    assert page.input_value("#id_prompt") == "Make it lo-fi with chill beats"
    page.fill("#id_lyrics", "Hello bright morning\nWe sing along now")
    assert page.inner_text("#lyrics-count") == "38"
    page.click("details.advanced summary")
    shoot(page, "03-new-remix-form")
    page.evaluate("""() => document.getElementById('remix-form').addEventListener('htmx:xhr:progress', () => {
        const bar = document.getElementById('upload-progress');
        if (!bar.hidden) sessionStorage.setItem('upload-bar', bar.value);
    })""")
    page.click("#remix-form button[type=submit]")
    page.wait_for_url(re.compile(r"/remixes/[0-9a-f-]{36}/$"))
    assert page.evaluate("() => sessionStorage.getItem('upload-bar')") == "100"  # the bar followed the upload
    task_id = page.url.rstrip("/").rsplit("/", 1)[1]
    task = RemixTask.objects.get(pk=task_id)
    assert task.lyrics == "Hello bright morning\nWe sing along now" and task.owner.username == "newmember"

    before = page.locator("#version-2").bounding_box()
    page.evaluate("window.__notReloaded = true")
    worker = in_background(finish_like_a_worker, task_id)
    seen = set()
    shot_mid = False
    deadline = time.time() + 20
    while time.time() < deadline and not page.locator("#version-1[data-player]").count():
        value = int(page.get_attribute("progress.job-progress", "value") or 0)
        seen.add(value)
        if 0 < value < 100 and not shot_mid and value >= 40:
            shoot(page, "04-job-in-progress")
            shot_mid = True
        time.sleep(0.2)
    worker.join(5)
    assert len({v for v in seen if 0 < v < 100}) >= 2, seen  # the bar moved while it ran
    page.wait_for_selector("#version-2[data-player]")
    assert page.evaluate("window.__notReloaded") is True  # swapped in place, no reload
    after = page.locator("#version-2").bounding_box()
    assert abs(after["y"] - before["y"]) < 1 and abs(after["height"] - before["height"]) < 1  # no layout shift
    assert "Lo-fi hip hop at 80 BPM" in page.inner_text("#results .understood")
    assert page.locator("#results .cover img").count() == 1
    time.sleep(2.5)
    assert page.inner_text("#status .chip") == "Completed"  # polling stopped on 286, status stays

    audio = "#version-1 audio"
    page.wait_for_function(f"() => document.querySelector('{audio}').readyState >= 1")
    box = page.locator("#version-1 canvas.wave").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)
    position = page.evaluate(f"document.querySelector('{audio}').currentTime")
    assert 1.3 < position < 1.7, position
    page.focus("#version-1 canvas.wave")
    page.keyboard.press("Home")
    assert page.evaluate(f"document.querySelector('{audio}').currentTime") < 0.05

    page.click("#version-1 button.play")
    page.wait_for_function("() => document.querySelector('#version-1 .word.current') !== null")
    first_word = page.inner_text("#version-1 .word.current")
    page.wait_for_function(
        "w => { const c = document.querySelector('#version-1 .word.current'); return c && c.textContent !== w; }",
        arg=first_word,
    )
    page.click("#version-1 .lyric-line >> nth=1")  # a click on a line seeks to it
    page.wait_for_function("() => document.querySelector('#version-1 .lyric-line.current')?.textContent.includes('sing')")
    assert page.evaluate(f"document.querySelector('{audio}').currentTime") >= 1.5
    shoot(page, "05-job-finished-playing")
    page.click("#version-1 button.play")

    page.click("nav >> text=History")
    row = page.locator(f"#task-{task_id}")
    assert "Make it lo-fi with chill beats" in row.inner_text()
    assert row.locator(".chip").inner_text() == "Completed"
    assert not [e for e in page.js_errors if "favicon" not in e], page.js_errors


def test_history_chips_update_live(page, make_user):
    user = make_user("listener")
    running = submit_task(user, prompt="Turn it into an 80s synthwave anthem")
    log_in(page, "listener")
    page.goto("/remixes/")
    chip = page.locator(f"#task-{running.task_id} .chip")
    assert chip.inner_text() == "In queue"
    in_background(lambda: finish_like_a_worker(running.task_id, steps=(("Rendering the band", 50),), pause=0.5))
    page.wait_for_function(
        "id => document.querySelector('#task-' + id + ' .chip').textContent === 'Completed'", arg=str(running.task_id)
    )
    shoot(page, "06-history")


def test_a_member_creates_and_revokes_an_api_key(page, make_user):
    user = make_user("keyholder")
    log_in(page, "keyholder")
    page.goto("/account/")
    page.fill("#key-name", "my laptop")
    page.click("#api-keys button:has-text('Create key')")
    page.wait_for_selector("[data-new-key]")
    raw = page.inner_text("[data-new-key]")
    assert raw.startswith("rmx_")
    key = ApiKey.objects.get(user=user)
    assert key.name == "my laptop" and raw.startswith(key.prefix)
    page.click("#secret a:has-text('Reveal')")
    page.wait_for_selector("[data-secret]")
    assert page.inner_text("[data-secret]") == user.webhook_secret
    shoot(page, "07-account-new-key")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"#key-{key.pk} button:has-text('Revoke')")
    page.wait_for_selector(f"#key-{key.pk}.revoked")
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert page.locator("[data-new-key]").count() == 0
    shoot(page, "08-account-revoked")


def test_staff_approve_a_flagged_task(page, make_user, settings):
    settings.MODERATION_EXTRA_TERMS = ["forbiddenword"]
    moderation._filter.cache_clear()
    owner = make_user("singer")
    make_user("moderator", staff=True)
    task = submit_task(owner, prompt="a forbiddenword remix", lyrics="Hello bright morning")
    finish_like_a_worker(task.task_id, steps=(), pause=0)
    log_in(page, "singer")
    page.goto(f"/remixes/{task.task_id}/")
    assert "awaiting review" in page.inner_text("#status")
    assert page.locator("audio").count() == 0
    shoot(page, "09-job-awaiting-review")
    page.click("nav button:has-text('Log out')")

    page.goto("/admin/login/?next=/admin/remixes/remixtask/%3Freview_state__exact%3Dpending")
    page.fill("#id_username", "moderator")
    page.fill("#id_password", "correct horse battery staple")
    page.click("input[type=submit]")
    page.wait_for_selector("#result_list")
    shoot(page, "10-admin-review-queue")
    page.click(f"#result_list a:has-text('{str(task.task_id)[:8]}')")
    page.wait_for_selector("#review-approve")
    assert page.locator("audio[controls]").count() == 2
    shoot(page, "11-admin-task")
    page.click("#review-approve")
    page.wait_for_selector("text=Approved: its audio is served.")
    task.refresh_from_db()
    assert task.review_state == "approved" and task.reviewed_by.username == "moderator"

    page.context.clear_cookies()
    log_in(page, "singer")
    page.goto(f"/remixes/{task.task_id}/")
    assert page.locator(".version audio").count() == 2 and page.locator("#original-audio").count() == 1
    moderation._filter.cache_clear()


def test_the_job_page_fits_a_phone(browser, live_server, make_user):
    user = make_user("phoneuser")
    task = submit_task(user, prompt="Acoustic folk, slower, with warm guitar", lyrics="Hello bright morning")
    finish_like_a_worker(task.task_id, steps=(), pause=0)
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url,
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, "phoneuser")
    page.goto(f"/remixes/{task.task_id}/")
    page.wait_for_selector("#version-1[data-player]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "12-job-phone")
    page.goto("/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "13-form-phone")
    context.close()
