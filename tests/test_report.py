"""The report stored on a task (`style_plan`) read into typed fields in one place (issue 13)."""
from __future__ import annotations

import math

import pytest

from remixes.engine.style import interpret
from remixes.report import RemixReport, VersionVocal


def engine_plan() -> dict:
    """What the local engine stores: its StylePlan and the engine's section (pipeline.remix)."""
    plan = interpret("lofi, slower, no banana").to_dict()
    plan["engine"] = {
        "source_tempo": 120.0, "tempo": 84.6, "stretch": 1.4184, "key": "A minor",
        "sections": [[0.0, 12.5, "intro"], [12.5, 60.0, "verse"]],
        "vocal": [{"version": 1, "kind": "sung", "language": "en", "note": ""},
                  {"version": 2, "kind": "kept", "language": "es", "confident": False, "note": "Hard to hear"}],
        "notes": ["Original drums suppressed.", "The band: ..."],
    }
    return plan


def test_the_engine_s_plan_reads_as_fields():
    plan = engine_plan()
    report = RemixReport.from_json(plan)
    assert report.summary == plan["summary"] and report.style_name == plan["style_name"] == "Lo-fi hip-hop"
    assert report.understood == tuple(plan["understood"]) and report.ignored_words == ("banana",)
    assert report.notes == ("Original drums suppressed.", "The band: ...")
    assert (report.key, report.source_tempo, report.tempo, report.stretch) == ("A minor", 120.0, 84.6, 1.4184)
    assert report.vocal(1) == VersionVocal(1, "sung", "en", True, "")
    assert report.vocal(2) == VersionVocal(2, "kept", "es", False, "Hard to hear")
    assert report.facts == [("Style", "Lo-fi hip-hop"), ("Mood", plan["mood"]), ("Key", "A minor"),
                            ("Tempo", "120 \u2192 85 BPM")]


def test_other_providers_shapes_read_as_the_same_fields():
    report = RemixReport.from_json({
        "understood": {"genre": "lo-fi", "tempo_factor": 0.85, "extras": ["vinyl", "rain"]},
        "notes": "one note as a string",
        "engine": {"notes": ["not used: the plan's own notes come first"], "stretch": "fast"},
    })
    assert report.understood == ("Genre: lo-fi", "Tempo factor: 0.85", "Extras: vinyl, rain")
    assert report.notes == ("one note as a string",)
    assert report.stretch == 1.0 and report.facts == [] and report.vocals == ()
    assert RemixReport.from_json({"understood": "all of it", "engine": {"notes": ["from the engine"]}}).notes \
        == ("from the engine",)


@pytest.mark.parametrize("stored", [None, [], "text", {}, {"engine": "broken"}, {"engine": {"vocal": "x"}}])
def test_a_missing_or_malformed_report_reads_as_nothing_said(stored):
    assert RemixReport.from_json(stored) == RemixReport()


@pytest.mark.parametrize("stretch", [0, -1.5, math.inf, math.nan, None, [1.2]])
def test_an_unusable_stretch_reads_as_no_stretch(stretch):
    assert RemixReport.from_json({"engine": {"stretch": stretch}}).stretch == 1.0


def test_a_version_s_first_well_formed_vocal_entry_counts():
    report = RemixReport.from_json({"engine": {"vocal": [
        "junk", {"version": 1, "kind": "whistled"}, {"version": 1.0, "kind": "none", "note": "Instrumental"},
        {"version": 1, "kind": "sung"}, {"version": "2", "kind": "sung"},
    ]}})
    assert report.vocals == (VersionVocal(1, "none", "", True, "Instrumental"),)
    assert report.vocal(2) is None
