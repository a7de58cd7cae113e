"""Moderation of prompts and lyrics: better-profanity's maintained list (with leetspeak), the
operator's extra terms and phrases, and what a flagged submission records."""
from __future__ import annotations

import pytest

from remixes import moderation
from remixes.models import RemixTask
from tests.test_views_helpers import submit_task


def test_it_passes_clean_prompts_and_lyrics():
    assert moderation.check_request("Make it lo-fi with chill beats", "It's a brand new day") == (False, "")


def test_it_flags_profanity_from_the_maintained_list_and_names_the_field():
    flagged, reason = moderation.check_request("make it sound like shit", "")
    assert flagged
    assert reason == "prompt contains flagged terms: shit"


def test_it_catches_leetspeak_variants_in_lyrics():
    flagged, reason = moderation.check_request("jazz", "what the fvck is this\nsh1t happens")
    assert flagged and reason.startswith("lyrics contains flagged terms:")
    assert "fvck" in reason and "sh1t" in reason


def test_it_does_not_flag_words_that_merely_contain_a_bad_word():
    assert moderation.check_request("classic assessment of the scunthorpe sound", "") == (False, "")


def test_it_adds_the_operators_extra_terms_and_phrases(settings):
    settings.MODERATION_EXTRA_TERMS = ["Grimbly", "burn it all"]
    flagged, reason = moderation.check_request("make GRIMBLY louder", "Tonight we   burn it ALL down")
    assert flagged
    assert reason == "prompt contains flagged terms: grimbly; lyrics contains flagged terms: burn it all"
    assert moderation.check_request("burn it allowed", "")[0] is False


def test_it_follows_a_change_of_extra_terms(settings):
    settings.MODERATION_EXTRA_TERMS = []
    assert moderation.check_request("zorblax", "")[0] is False
    settings.MODERATION_EXTRA_TERMS = ["zorblax"]
    assert moderation.check_request("zorblax", "")[0] is True


def test_it_reports_each_term_once():
    assert moderation.flagged_terms("shit shit SHIT") == ["shit"]


@pytest.mark.django_db
def test_a_flagged_submission_awaits_review(owner):
    task = submit_task(owner, prompt="make it shit")
    assert task.is_flagged and task.review_state == RemixTask.Review.PENDING
    assert "shit" in task.flag_reason
    assert not task.outputs_visible
