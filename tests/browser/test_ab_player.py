"""A/B listening on the job page in a real browser: the original song plays beside the versions, and
a version's A/B switch (a button, or the "A" key) hands playback to the original at the same point
of the song (mapped through the tempo stretch) and back. Also what a listener reads where lyrics
would be: karaoke for a sung or kept vocal, "Instrumental", or an unsure transcript's note; and the
stems rows. Screenshots at desktop and phone widths go to var/screenshots/."""
from __future__ import annotations

import copy
import io

import numpy as np
import pytest
from django.core.files.base import ContentFile

from remixes import services
from remixes.models import RemixTask
from tests.browser.conftest import log_in, shoot
from tests.browser.test_remix_flow import LINES
from tests.test_views_helpers import PLAN, submit_task, tiny_mp3

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STRETCH = 1.25  # the remix is faster: source time = version time x 1.25
UNSURE = "The singer's words could not be made out with confidence (0.28), so none are shown."


def finished(owner, vocal: list[dict], *, stems: bool = False, offset: float = 0.0, repeat=(),
             backwards: bool = False) -> RemixTask:
    task = submit_task(owner, prompt="Upbeat house remix with a four-on-the-floor kick", seconds=5.0)
    claimed = services.claim_task(task.task_id)
    plan = copy.deepcopy(PLAN)
    plan["engine"].update(stretch=STRETCH, vocal=vocal, offset=offset, repeat=list(repeat), reversed=backwards)
    audio = tiny_mp3(3.0)
    peaks = [round(float(abs(np.sin(9 * x)) * (0.3 + 0.7 * x)), 3) for x in np.linspace(0, 1, 300)]
    lines = {entry["version"]: (LINES if entry["kind"] in ("sung", "kept") and entry["confident"] else [])
             for entry in vocal}
    from PIL import Image

    cover = io.BytesIO()
    Image.linear_gradient("L").convert("RGB").resize((256, 256)).save(cover, format="PNG")
    services.apply_result(task.task_id, services.TaskResult(
        versions=[services.VersionOutput(index=i, mp3=audio, wav=b"RIFF....WAVE", duration=3.0,
                                         lyrics="Hello bright morning\nWe sing along now" if lines[i] else "",
                                         lyrics_timestamped=lines[i], peaks=peaks) for i in (1, 2)],
        cover_png=cover.getvalue(), cover_thumb_png=cover.getvalue(), style_plan=plan,
    ), attempt=claimed.attempts)
    task = RemixTask.objects.get(pk=task.task_id)
    if stems:
        services.record_source_peaks(task.upload_id, peaks)  # the worker draws the original's waveform
        task.source_vocals_file.save("vocals.mp3", ContentFile(audio), save=False)
        task.source_accompaniment_file.save("accompaniment.mp3", ContentFile(audio), save=False)
        task.save()
        for conv in task.conversions.all():
            if lines[conv.index]:
                conv.vocals_file.save("vocals.mp3", ContentFile(audio), save=False)
            conv.instrumental_file.save("instrumental.mp3", ContentFile(audio), save=False)
            conv.save()
    return task


def open_job(page, username: str, task: RemixTask) -> None:
    """The job page, logged in as its owner, once the version's and the original's audio can be read."""
    log_in(page, username)
    page.goto(f"/remixes/{task.task_id}/")
    page.wait_for_function("""() => document.querySelector('#version-1 audio').readyState >= 1
                                    && document.getElementById('original-audio').readyState >= 1""")


def times(page) -> dict:
    return page.evaluate("""() => ({
        version: document.querySelector('#version-1 audio').currentTime,
        versionPaused: document.querySelector('#version-1 audio').paused,
        original: document.getElementById('original-audio').currentTime,
        originalPaused: document.getElementById('original-audio').paused,
        pressed: document.querySelector('#version-1 button.ab').getAttribute('aria-pressed'),
    })""")


def test_ab_switch_keeps_the_place_in_the_song(page, make_user):
    owner = make_user("listener")
    task = finished(owner, [{"version": 1, "kind": "sung", "language": "en", "confident": True, "note": ""},
                            {"version": 2, "kind": "none", "language": None, "confident": False, "note": ""}],
                    stems=True)
    open_job(page, "listener", task)
    assert page.evaluate("document.getElementById('original-audio').duration") == pytest.approx(5.0, abs=0.05)
    assert page.inner_text("#version-2 .lyrics").startswith("Instrumental")

    # Paused: the switch moves the place exactly, through the stretch.
    box = page.locator("#version-1 canvas.wave").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)
    at = times(page)
    assert 1.3 < at["version"] < 1.7, at
    page.click("#version-1 button.ab")
    switched = times(page)
    assert switched["pressed"] == "true" and switched["originalPaused"] and switched["versionPaused"]
    assert switched["original"] == pytest.approx(at["version"] * STRETCH, abs=0.02)
    assert page.inner_text("#version-1 [data-current]") == "0:01"  # the card still counts version time

    # Playing: the original plays on from there; the keyboard switches back to the version.
    page.click("#version-1 button.play")
    page.wait_for_function("() => document.getElementById('original-audio').currentTime > %f" % (switched["original"] + 0.3))
    assert page.evaluate("document.querySelector('#version-1 audio').paused") is True
    assert page.inner_text("#version-1 button.play") == "Pause"
    assert page.inner_text("#original button.play") == "Pause"  # the original's own player follows
    page.wait_for_function("() => document.querySelector('#version-1 .word.current') !== null")  # karaoke follows
    shoot(page, "20-job-ab-original-playing")
    page.focus("#version-1 canvas.wave")
    page.keyboard.press("a")
    back = times(page)
    assert back["pressed"] == "false" and back["originalPaused"] and not back["versionPaused"]
    assert back["version"] == pytest.approx(back["original"] / STRETCH, abs=0.1)
    page.wait_for_function("() => document.querySelector('#version-1 audio').currentTime > %f" % (back["version"] + 0.2))
    page.click("#version-1 button.play")

    # The original's player draws the song's waveform: bars of many heights, not one plain track.
    heights = page.evaluate("""() => {
        const canvas = document.querySelector('#original canvas.wave');
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        const heights = new Set();
        for (let x = 0; x < canvas.width; x += 3) {
            let filled = 0;
            for (let y = 0; y < canvas.height; y++) filled += data[(y * canvas.width + x) * 4 + 3] > 0 ? 1 : 0;
            heights.add(filled);
        }
        return heights.size;
    }""")
    assert heights > 5, heights

    # The original's own player is seekable from the keyboard.
    page.focus("#original canvas.wave")
    page.keyboard.press("Home")
    assert page.evaluate("document.getElementById('original-audio').currentTime") < 0.05
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.getElementById('original-audio').currentTime") == pytest.approx(4.99, abs=0.02)

    assert page.locator("#original .stems a").all_inner_texts() == ["vocals", "accompaniment"]
    assert page.locator("#version-1 .stems a").all_inner_texts() == ["vocals", "instrumental"]
    assert page.locator("#version-2 .stems a").all_inner_texts() == ["instrumental"]
    stem = page.get_attribute("#version-1 .stems a[data-stem=vocals]", "href")
    assert page.request.get(stem).body()[:2] == b"\xff\xfb"  # the link serves the stored stem (an mp3 frame)
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "21-job-ab-desktop")
    assert not [e for e in page.js_errors if "favicon" not in e], page.js_errors


def test_labels_and_the_ab_switch_on_a_phone(browser, live_server, make_user):
    owner = make_user("phonelistener")
    task = finished(owner, [{"version": 1, "kind": "kept", "language": "en", "confident": True, "note": ""},
                            {"version": 2, "kind": "kept", "language": "en", "confident": False, "note": UNSURE}],
                    stems=True)
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url,
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, "phonelistener")
    page.goto(f"/remixes/{task.task_id}/")
    page.wait_for_selector("#version-1[data-player]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert "The original singer’s words, transcribed (English)" in page.inner_text("#version-1 .lyrics")
    assert page.locator("#version-1 .word").count() == 7
    assert page.inner_text("#version-2 .lyrics") == UNSURE
    assert page.locator("#version-2 .word").count() == 0
    for selector in ("#version-1 button.ab", "#version-1 button.play", "#original button.play"):
        box = page.locator(selector).bounding_box()
        assert box["height"] >= 32 and box["x"] >= 0 and box["x"] + box["width"] <= 390, (selector, box)
    page.locator("#original").scroll_into_view_if_needed()
    shoot(page, "22-job-phone-original", full_page=False)
    page.locator("#version-2").scroll_into_view_if_needed()
    shoot(page, "23-job-phone-unsure-lyrics", full_page=False)
    shoot(page, "24-job-phone-full")
    context.close()


def test_the_progress_names_the_engine_stage_in_words(page, make_user):
    owner = make_user("waiter")
    task = submit_task(owner, prompt="Epic orchestral version")
    claimed = services.claim_task(task.task_id)
    services.report_progress(task.task_id, claimed.attempts, "separate", 45)
    log_in(page, "waiter")
    page.goto(f"/remixes/{task.task_id}/")
    assert "Separating vocals…" in page.inner_text("#status .stage")
    assert "45% · Separating vocals" in page.inner_text("#status .status-detail")
    shoot(page, "25-job-separating-vocals", full_page=False)
    services.report_progress(task.task_id, claimed.attempts, "render", 60)
    page.wait_for_function("() => document.querySelector('#status .stage').textContent.includes('Rendering the versions')")
    assert "separate" not in page.inner_text("#status")


def test_ab_switch_of_a_version_cut_after_the_songs_start_lands_where_it_began(page, make_user):
    """"skip the intro": the version starts 1 s into the remix; its 1.5 s is the original's (1.5 + 1) x 1.25."""
    owner = make_user("cutter")
    task = finished(owner, [{"version": 1, "kind": "none", "language": None, "confident": False, "note": ""},
                            {"version": 2, "kind": "none", "language": None, "confident": False, "note": ""}],
                    offset=1.0)
    open_job(page, "cutter", task)
    box = page.locator("#version-1 canvas.wave").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)
    at = times(page)
    page.click("#version-1 button.ab")
    switched = times(page)
    assert switched["original"] == pytest.approx((at["version"] + 1.0) * STRETCH, abs=0.02)
    page.click("#version-1 button.ab")
    assert times(page)["version"] == pytest.approx(at["version"], abs=0.02)


def test_ab_switch_in_a_part_played_again_lands_on_its_first_time_through(page, make_user):
    """"loop the chorus": 0.5-1.0 s of the version played twice more (1.0-2.0 s), the rest after; its 1.5 s is the
    part's 0.5 s, heard in the original at 0.5 x 1.25; switching back lands on the part's first time through."""
    owner = make_user("looper")
    task = finished(owner, [{"version": 1, "kind": "none", "language": None, "confident": False, "note": ""},
                            {"version": 2, "kind": "none", "language": None, "confident": False, "note": ""}],
                    repeat=(0.5, 1.0, 2))
    open_job(page, "looper", task)
    page.evaluate("document.querySelector('#version-1 audio').currentTime = 1.75")
    page.click("#version-1 button.ab")
    assert times(page)["original"] == pytest.approx((0.5 + 0.25) * STRETCH, abs=0.02)
    page.click("#version-1 button.ab")
    assert times(page)["version"] == pytest.approx(0.75, abs=0.02)


def test_ab_switch_of_a_version_played_backwards_lands_on_the_same_moment_of_the_song(page, make_user):
    """"play it backwards": the version's 1.0 s is its remix's (length - 1.0) s, the original's that x 1.25; back
    from the original, the version's own 1.0 s again."""
    owner = make_user("backwards")
    task = finished(owner, [{"version": 1, "kind": "none", "language": None, "confident": False, "note": ""},
                            {"version": 2, "kind": "none", "language": None, "confident": False, "note": ""}],
                    backwards=True)
    open_job(page, "backwards", task)
    length = page.evaluate("document.querySelector('#version-1 audio').duration")
    page.evaluate("document.querySelector('#version-1 audio').currentTime = 1.0")
    page.click("#version-1 button.ab")
    assert times(page)["original"] == pytest.approx((length - 1.0) * STRETCH, abs=0.02)
    page.click("#version-1 button.ab")
    assert times(page)["version"] == pytest.approx(1.0, abs=0.02)
