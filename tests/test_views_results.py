"""The job page's results beyond the two players: the progress stage in words (every engine stage
has a label), what a version's vocal is (Instrumental, a kept vocal's words as karaoke, or the
transcript's note when it is not confident), the original song for A/B listening and the stems."""
from __future__ import annotations

import copy
import re
from html import unescape
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from remixes import services
from remixes.models import RemixTask
from remixes.stages import STAGE_LABELS
from remixes.templatetags.remix_tags import stage_label
from tests.test_views_helpers import LINES, PLAN, complete_task, submit_task

pytestmark = pytest.mark.django_db

PIPELINE = Path(__file__).resolve().parent.parent / "remixes" / "engine" / "pipeline.py"


def plan_with(vocal: list[dict], stretch: float | None = None) -> dict:
    plan = copy.deepcopy(PLAN)
    plan["engine"]["vocal"] = vocal
    if stretch is not None:
        plan["engine"]["stretch"] = stretch
    return plan


def card_html(body: str, index: int) -> str:
    start = body.index(f'id="version-{index}"')
    end = body.find("</article>", start)
    return body[start:end]


def test_every_stage_the_engine_reports_has_a_label():
    reported = set(re.findall(r"""report\(\s*["'](\w+)["']""", PIPELINE.read_text()))
    assert "separate" in reported
    assert reported <= set(STAGE_LABELS), reported - set(STAGE_LABELS)
    assert stage_label("separate") == "Separating vocals"
    assert stage_label("Fetching audio") == "Fetching audio"  # already words: unchanged
    assert stage_label("split_drums") == "Split drums"
    assert stage_label("") == "Working"


def test_a_running_task_shows_separating_vocals(owner_client, owner):
    task = submit_task(owner)
    claimed = services.claim_task(task.task_id)
    services.report_progress(task.task_id, claimed.attempts, "separate", 45)
    body = owner_client.get(reverse("job", args=[task.task_id]), HTTP_HX_REQUEST="true").content.decode()
    assert "Separating vocals" in body and ">separate" not in body


def test_an_instrumental_version_says_so_and_an_unsure_transcript_shows_its_note(owner_client, owner):
    note = "The singer's words could not be made out (confidence 0.31): none are shown."
    plan = plan_with([
        {"version": 1, "kind": "none", "language": None, "confident": False, "note": ""},
        {"version": 2, "kind": "kept", "language": "en", "confident": False, "note": note},
    ])
    task = complete_task(submit_task(owner), lines=[], plan=plan)
    body = owner_client.get(reverse("job", args=[task.task_id])).content.decode()
    first, second = card_html(body, 1), card_html(body, 2)
    assert 'data-vocal="none"' in first and "<strong>Instrumental</strong>" in first
    assert 'class="word"' not in first and "lyrics (LRC)" not in first
    assert unescape(note) in unescape(second) and 'data-vocal="kept-unsure"' in second
    assert 'class="word"' not in second


def test_the_vocals_stem_of_a_version_without_singing_says_so(owner_client, owner):
    """A version whose song has no singing still has a vocals stem (the separator's leakage, near silent, kept so the
    stems add up): its link says no singing was heard, where the page says "Instrumental"; a sung version's does not."""
    plan = plan_with([{"version": 1, "kind": "none", "language": None, "confident": False, "note": ""},
                      {"version": 2, "kind": "sung", "language": "en", "confident": True, "note": ""}])
    task = complete_task(submit_task(owner), lines=[], plan=plan)
    for conv in task.conversions.all():
        conv.vocals_file.save(f"v{conv.index}-vocals.mp3", ContentFile(b"ID3 vocals"), save=False)
        conv.instrumental_file.save(f"v{conv.index}-instrumental.mp3", ContentFile(b"ID3 band"), save=False)
        conv.save()
    body = owner_client.get(reverse("job", args=[task.task_id])).content.decode()
    assert "(no singing heard)" in card_html(body, 1) and 'data-vocal="none"' in card_html(body, 1)
    assert "(no singing heard)" not in card_html(body, 2)


def test_an_unsure_kept_vocal_hides_words_even_when_some_arrived(owner_client, owner):
    plan = plan_with([{"version": i, "kind": "kept", "language": "en", "confident": False, "note": "Not sure."}
                      for i in (1, 2)])
    task = complete_task(submit_task(owner), plan=plan)
    body = owner_client.get(reverse("job", args=[task.task_id])).content.decode()
    assert 'class="word"' not in body and body.count("Not sure.") == 2


def test_a_kept_vocal_with_word_timings_plays_as_karaoke(owner_client, owner):
    plan = plan_with([{"version": i, "kind": "kept", "language": "en", "confident": True, "note": ""} for i in (1, 2)])
    task = complete_task(submit_task(owner), plan=plan)
    body = owner_client.get(reverse("job", args=[task.task_id])).content.decode()
    first = card_html(body, 1)
    assert first.count('class="word"') == sum(len(line["words"]) for line in LINES)
    assert 'class="lyric-line"' in first and "The original singer’s words, transcribed (English)" in first
    assert reverse("lyrics_lrc", args=[task.task_id, 1]) in first


def test_a_sung_version_has_no_kept_caption(owner_client, owner):
    plan = plan_with([{"version": i, "kind": "sung", "language": "en", "confident": True, "note": ""} for i in (1, 2)])
    task = complete_task(submit_task(owner), plan=plan)
    body = owner_client.get(reverse("job", args=[task.task_id])).content.decode()
    assert "transcribed" not in body and body.count('class="word"') == 2 * 6


def test_the_original_song_is_offered_for_ab_listening_through_a_signed_link(owner_client, owner, client):
    task = complete_task(submit_task(owner), plan=plan_with([], stretch=1.25))
    body = owner_client.get(reverse("job", args=[task.task_id])).content.decode()
    match = re.search(r'<audio id="original-audio" preload="metadata" src="([^"]+)"', body)
    assert match, "no original player"
    assert body.count('data-ab="original-audio"') == 2 and body.count('data-stretch="1.250"') == 2
    assert body.count('data-offset="0.000"') == 2
    assert body.count('class="ab"') == 2 and 'aria-pressed="false"' in body
    link = unescape(match.group(1))
    assert "/files/" in link
    response = client.get(link.split("testserver", 1)[1], HTTP_RANGE="bytes=0-3")  # anyone holding the link
    assert response.status_code == 206 and b"".join(response.streaming_content) == b"RIFF"
    task.upload.refresh_from_db()
    with task.upload.file.open("rb") as fh:
        assert fh.read(4) == b"RIFF"


def test_the_original_is_not_offered_before_the_versions_or_while_held(owner_client, owner, settings):
    running = submit_task(owner)
    body = owner_client.get(reverse("job", args=[running.task_id])).content.decode()
    assert 'id="original"' in body and "original-audio" not in body and 'class="ab"' not in body
    settings.MODERATION_EXTRA_TERMS = ["forbiddenword"]
    from remixes import moderation

    moderation._filter.cache_clear()
    try:
        flagged = complete_task(submit_task(owner, prompt="a forbiddenword remix"))
    finally:
        moderation._filter.cache_clear()
    assert flagged.review_state == RemixTask.Review.PENDING
    body = owner_client.get(reverse("job", args=[flagged.task_id])).content.decode()
    assert "original-audio" not in body and "/files/" not in body


def test_the_results_box_keeps_its_shape_with_the_original_and_stems_rows(owner_client, owner):
    task = submit_task(owner)
    before = owner_client.get(reverse("job", args=[task.task_id])).content.decode()
    after = owner_client.get(reverse("job", args=[complete_task(task).task_id])).content.decode()
    for marker in ('id="original"', 'class="downloads stems"'):
        assert before.count(marker) == after.count(marker), marker


def test_stems_of_the_source_and_of_each_version_download(owner_client, owner):
    task = complete_task(submit_task(owner))
    task.source_vocals_file.save("source-vocals.mp3", ContentFile(b"ID3 source vocals"), save=False)
    task.source_accompaniment_file.save("source-accompaniment.mp3", ContentFile(b"ID3 source band"), save=False)
    task.save()
    conv = task.conversions.get(index=1)
    conv.vocals_file.save("v1-vocals.mp3", ContentFile(b"ID3 v1 vocals"), save=False)
    conv.instrumental_file.save("v1-instrumental.mp3", ContentFile(b"ID3 v1 band"), save=False)
    conv.save()
    instrumental_only = task.conversions.get(index=2)  # an instrumental version: no vocal stem
    instrumental_only.instrumental_file.save("v2-instrumental.mp3", ContentFile(b"ID3 v2 band"), save=False)
    instrumental_only.save()

    body = owner_client.get(reverse("job", args=[task.task_id])).content.decode()
    original = body[body.index('id="original"'):body.index('class="versions"')]
    links = dict(re.findall(r'<a href="([^"]+)" download data-stem="(\w+)"', original))
    assert sorted(links.values()) == ["accompaniment", "vocals"]
    assert [label for _, label in re.findall(r'<a href="([^"]+)" download data-stem="(\w+)"', card_html(body, 1))] == [
        "vocals", "instrumental"]
    second = re.findall(r'data-stem="(\w+)"', card_html(body, 2))
    assert second == ["instrumental"]
    expected = {"vocals": b"ID3 source vocals", "accompaniment": b"ID3 source band"}
    for url, label in links.items():
        response = owner_client.get(unescape(url).split("testserver", 1)[1])
        assert response.status_code == 200 and b"".join(response.streaming_content) == expected[label]
        assert "attachment" in response["Content-Disposition"] and f"-{label}.mp3" in response["Content-Disposition"]


def test_an_instrumental_version_says_why_and_a_language_reads_as_its_name(owner_client, owner):
    plan = plan_with([
        {"version": 1, "kind": "none", "language": None, "confident": True,
         "note": "No singing in this song: instrumental."},
        {"version": 2, "kind": "kept", "language": "es", "confident": True, "note": ""},
    ])
    task = complete_task(submit_task(owner), lines=LINES, plan=plan)
    body = owner_client.get(reverse("job", args=[task.task_id])).content.decode()
    assert "No singing in this song: instrumental." in card_html(body, 1)
    assert 'class="word"' not in card_html(body, 1)  # kind "none" shows no words even if some arrived
    assert "transcribed (Spanish)" in card_html(body, 2)


def test_a_kept_vocal_without_words_never_reads_as_instrumental(owner_client, owner):
    plan = plan_with([{"version": i, "kind": "kept", "language": "en", "confident": True, "note": ""} for i in (1, 2)])
    task = complete_task(submit_task(owner), lines=[], plan=plan)
    task.conversions.filter(index=1).update(lyrics="")
    body = owner_client.get(reverse("job", args=[task.task_id])).content.decode()
    first = card_html(body, 1)
    assert "Instrumental" not in first and 'data-vocal="kept-unsure"' in first
    assert "could not be made out" in first


def test_the_engines_own_instrumental_note_is_not_repeated(owner_client, owner):
    plan = plan_with([{"version": i, "kind": "none", "language": None, "confident": True,
                       "note": "Instrumental: no vocal in this version."} for i in (1, 2)])
    task = complete_task(submit_task(owner), lines=[], plan=plan)
    first = card_html(owner_client.get(reverse("job", args=[task.task_id])).content.decode(), 1)
    assert first.count("nstrumental") == 1 and "<strong>Instrumental</strong>" in first


def test_a_confident_kept_vocal_shows_the_transcripts_note_above_its_words(owner_client, owner):
    note = "Transcribed from the song's own vocal (English). 1 unclear word left out."
    plan = plan_with([{"version": i, "kind": "kept", "language": "en", "confident": True, "note": note}
                      for i in (1, 2)])
    task = complete_task(submit_task(owner), plan=plan)
    first = unescape(card_html(owner_client.get(reverse("job", args=[task.task_id])).content.decode(), 1))
    assert f'<li class="lyrics-caption">{note}</li>' in first and first.count('class="word"') == 6


def test_a_version_cut_after_the_songs_start_tells_the_ab_player_where_it_begins(owner_client, owner):
    """"skip the intro": the engine's offset (seconds of the remix cut before the version) goes to the player, which
    maps a version's time onto the original as (time + offset) x stretch."""
    plan = plan_with([], stretch=1.25)
    plan["engine"]["offset"] = 12.5
    task = complete_task(submit_task(owner), plan=plan)
    body = owner_client.get(reverse("job", args=[task.task_id])).content.decode()
    assert body.count('data-offset="12.500"') == 2


def test_a_version_with_a_part_played_again_tells_the_ab_player_which(owner_client, owner):
    """"loop the chorus": the engine's repeat (the version's start and end of the part, how many more times) goes to
    the player, which maps a time in a copy onto the part's first time through; a malformed one is not sent."""
    plan = plan_with([], stretch=1.0)
    plan["engine"]["repeat"] = [58.2, 88.4, 1]
    task = complete_task(submit_task(owner), plan=plan)
    body = owner_client.get(reverse("job", args=[task.task_id])).content.decode()
    assert body.count('data-repeat="58.200,88.400,1.000"') == 2
    plan["engine"]["repeat"] = [88.4, 58.2, 1]
    task = complete_task(submit_task(owner), plan=plan)
    assert "data-repeat" not in owner_client.get(reverse("job", args=[task.task_id])).content.decode()


def test_a_version_played_backwards_tells_the_ab_player(owner_client, owner):
    """"play it backwards": the player maps a version's t onto the remix's (length - t); only a true flag says so."""
    plan = plan_with([], stretch=1.0)
    plan["engine"]["reversed"] = True
    task = complete_task(submit_task(owner), plan=plan)
    assert owner_client.get(reverse("job", args=[task.task_id])).content.decode().count('data-reversed="1"') == 2
    plan["engine"]["reversed"] = "yes"
    task = complete_task(submit_task(owner), plan=plan)
    assert "data-reversed" not in owner_client.get(reverse("job", args=[task.task_id])).content.decode()
