import pytest

from remixes.engine.vocals.text import MAX_LYRICS_CHARS, choose_language, parse_lyrics


def test_it_separates_verses_at_blank_lines():
    lyrics = parse_lyrics("one line here\nsecond line here\n\nthird line here\n\n\nfourth line")
    assert [len(v.lines) for v in lyrics.verses] == [2, 1, 1]
    assert [line.index for line in lyrics.lines] == [0, 1, 2, 3]


def test_it_strips_section_markup_but_keeps_it_as_a_label():
    lyrics = parse_lyrics("[Verse 1]\nwalking home\n[Chorus]\nsing it loud\nChorus:\nsing it again")
    assert [v.label for v in lyrics.verses] == ["verse", "chorus", "chorus"]
    assert all("[" not in line.text and "Chorus" not in line.text for line in lyrics.lines)


def test_it_drops_inline_markup_and_repeat_marks():
    (line,) = parse_lyrics("hold me now [softly] (x2)").lines
    assert line.text == "hold me now"


def test_it_speaks_numbers_and_symbols_as_words():
    (line,) = parse_lyrics("I got 4 reasons & $5, the 1st of 1999 at 50%").lines
    assert line.spoken == ("I got four reasons and five dollars the first of nineteen ninety-nine at fifty percent")
    assert "4" in line.text  # the written words stay as the user wrote them


def test_it_speaks_numbers_in_the_lyrics_language():
    (line,) = parse_lyrics("tengo 3 razones para cantar contigo esta noche", language="es").lines
    assert "tres" in line.spoken


def test_it_detects_a_non_english_language_and_picks_its_voice():
    lyrics = parse_lyrics("El sol brilla sobre el mar\ny canto para ti toda la noche")
    assert lyrics.language == "es"
    assert any("Spanish" in note for note in lyrics.notes)


def test_it_uses_a_given_language():
    lyrics = parse_lyrics("Je chante pour toi ce soir", language="fr")
    assert lyrics.language == "fr"


def test_it_notes_a_language_the_voice_cannot_pronounce():
    voice, notes = choose_language("Ich singe heute Nacht für dich allein", None, voice_exists=lambda name: False)
    assert voice == "en"
    assert notes and "cannot pronounce" in notes[0]


def test_it_notes_an_unknown_requested_language():
    lyrics = parse_lyrics("sing along with me tonight", language="xx")
    assert lyrics.language == "en"
    assert any("No voice" in note for note in lyrics.notes)


def test_it_cuts_over_long_text_at_a_line_boundary_with_a_note():
    text = "\n".join(f"this is line number {i} of a long song" for i in range(80))
    lyrics = parse_lyrics(text)
    assert len(text) > MAX_LYRICS_CHARS
    assert any("2000" in note for note in lyrics.notes)
    last = lyrics.lines[-1]
    assert last.text.startswith("this is line number") and last.text.endswith("long song")


def test_it_skips_lines_with_nothing_to_sing():
    lyrics = parse_lyrics("...\n---\nhello world")
    assert [line.text for line in lyrics.lines] == ["hello world"]


def test_a_language_detected_in_a_child_is_the_one_detected_here_and_leaves_its_profiles_there(monkeypatch):
    # the singer detects the lyrics' language in a forked child: langdetect's ~150 MB of profiles stay there
    import sys

    from remixes.engine.vocals import text

    texts = ["Morning light is on the window, every street is waking up",
             "La mañana llega con la luz del sol y cantamos juntos", "short"]
    here = []
    for t in texts:
        text.detect_language.cache_clear()
        here.append(text.detect_language(t))
    monkeypatch.setattr(text, "_DETECT_IN_A_CHILD", False)
    monkeypatch.delitem(sys.modules, "langdetect.detector_factory", raising=False)
    text.detect_in_a_child()
    assert text._DETECT_IN_A_CHILD
    apart = []
    for t in texts:
        text.detect_language.cache_clear()
        apart.append(text.detect_language(t))
    text.detect_language.cache_clear()
    assert apart == here and here[0][0] == "en" and here[1][0] == "es" and here[2] == (None, 0.0)
    assert "langdetect.detector_factory" not in sys.modules  # the profiles were loaded in the child only


def test_a_language_detected_soon_is_read_from_the_child_started_early(monkeypatch):
    """The singer starts detecting the lyrics' language in a child before it loads its voice; parsing the
    lyrics then reads that child's answer instead of starting another."""
    from remixes.engine.vocals import text

    monkeypatch.setattr(text, "_DETECT_IN_A_CHILD", True)
    monkeypatch.setattr(text, "_PENDING", {})
    lyrics = "[Verse]\r\nLa mañana llega con la luz del sol\n\ny cantamos juntos en la calle"
    text.detect_language.cache_clear()
    text.detect_soon(lyrics)
    assert len(text._PENDING) == 1
    monkeypatch.setattr(text, "_in_a_child", lambda *args: pytest.fail("detected a second time"))
    monkeypatch.setattr(text, "_langdetect", lambda *args: pytest.fail("detected in this process"))
    assert text.parse_lyrics(lyrics, voice_exists=lambda name: True).language == "es"
    assert text._PENDING == {}
    text.detect_language.cache_clear()
