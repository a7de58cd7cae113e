"""Rendering: a part's level change survives the band's balancing; the kept original's vocal is turned
down or up by what the prompt asked."""

from __future__ import annotations

import os
from dataclasses import replace

import numpy as np
import pytest

from remixes.engine.arrange import Part
from remixes.engine.render import _room, _without_dc, render_band, render_band_apart, render_part, rms

SECONDS = 2.0
SR = 44100


def band(bass_db: float = 0.0, keys_db: float = 0.0) -> tuple:
    """A bass line and piano chords, a note every half second."""
    onsets = np.arange(0, SECONDS - 0.5, 0.5)
    bass = tuple((t, t + 0.45, 33 + 7 * (i % 2), 100) for i, t in enumerate(onsets))
    keys = tuple((t, t + 0.45, p, 90) for t in onsets for p in (72, 76, 79))
    return (Part("bass", 33, False, bass, 0.9, -0.2, bass_db), Part("chords", 0, False, keys, 0.7, 0.3, keys_db))


def part_levels(audio: np.ndarray) -> np.ndarray:
    """How much of each part's own stem the band holds (least squares over the stems rendered alone)."""
    stems = [render_band((p,), SECONDS, 0.1).reshape(-1) for p in band()]
    weights, *_ = np.linalg.lstsq(np.stack(stems, axis=1), audio.reshape(-1), rcond=None)
    return weights


@pytest.fixture(scope="module")
def plain():
    return render_band(band(), SECONDS, 0.1)


def test_it_scales_the_band_to_the_target_level(plain):
    assert rms(plain) == pytest.approx(0.1, rel=1e-3)


@pytest.mark.parametrize("bass_db, keys_db", [(-6.0, 0.0), (6.0, 0.0), (0.0, -6.0), (3.0, -3.0)])
def test_a_level_change_moves_its_part_against_the_others(plain, bass_db, keys_db):
    changed = render_band(band(bass_db, keys_db), SECONDS, 0.1)
    ratio_db = 20 * np.log10(part_levels(changed) / part_levels(plain))
    assert ratio_db == pytest.approx([bass_db, keys_db], abs=0.05)


def test_the_band_carries_no_dc_offset():
    from remixes.engine.arrange import Part
    from remixes.engine.render import render_band

    # FluidR3's Warm Pad alone carries an offset worth most of its energy
    pad = Part("pad", 89, False, ((0.0, 3.0, 57, 90), (0.0, 3.0, 64, 90)), 1.0, 0.0)
    audio = render_band([pad], 4.0, 0.1, 44100).mean(axis=1)
    spectrum = np.abs(np.fft.rfft(audio)) ** 2
    freqs = np.fft.rfftfreq(len(audio), 1 / 44100)
    assert spectrum[freqs < 20].sum() < 0.01 * spectrum.sum()


def roomy_band(reverb: float) -> tuple:
    """A centred bass, panned chords and a panned lead, all in the same room."""
    onsets = np.arange(0, SECONDS - 0.5, 0.5)
    bass = tuple((t, t + 0.45, 33 + 7 * (i % 2), 100) for i, t in enumerate(onsets))
    keys = tuple((t, t + 0.45, p, 90) for t in onsets for p in (72, 76, 79))
    lead = tuple((t, t + 0.4, 84 + 2 * (i % 3), 95) for i, t in enumerate(onsets))
    return (Part("bass", 33, False, bass, 0.9, 0.0, 0.0, reverb), Part("chords", 0, False, keys, 0.7, 0.3, 0.0, reverb),
            Part("lead", 73, False, lead, 0.6, -0.4, 0.0, reverb))


def each_in_its_own_room(parts, target_rms: float) -> np.ndarray:
    """The band as it was made before parts shared rooms: each part DC-blocked, in its own room, panned."""
    n = int(round(SECONDS * SR))
    mix = np.zeros((n, 2), dtype=np.float64)
    for part in parts:
        rows = _without_dc(np.ascontiguousarray(render_part(part, n, SR).T))
        if part.reverb > 0:
            rows = _room(rows, part.reverb, SR)
        pan = np.array([np.sqrt((1 - part.pan) / 2), np.sqrt((1 + part.pan) / 2)]) * 1.414 * part.level
        mix += (rows * pan[:, None]).T
    return mix * (target_rms / rms(mix))


def test_parts_sharing_a_room_sound_as_if_each_had_its_own():
    for reverb in (0.0, 0.45):
        together = render_band(roomy_band(reverb), SECONDS, 0.1)
        assert np.abs(together - each_in_its_own_room(roomy_band(reverb), 0.1)).max() < 1e-5




def test_a_silent_piece_of_the_stretch_skips_rubber_band_and_comes_out_as_it_would(monkeypatch):
    from remixes.engine import render

    monkeypatch.setattr(render, "_STRETCH_CHUNK_SECONDS", 2.0)  # pieces of (0, 2), (1.75, 4), (3.75, 6) s
    sr = 44100
    audio = (np.random.default_rng(2).standard_normal((6 * sr, 2)) * 0.1).astype(np.float32)
    audio[int(1.75 * sr):4 * sr] = 0.0  # the second piece is silence
    real, stretched = render.stretch_piece, []
    monkeypatch.setattr(render, "stretch_piece", lambda a, rate, sr, fine: stretched.append(len(a)) or real(a, rate, sr))
    skipped = render.Stretch(audio, 0.8, sr).result()
    assert len(stretched) == 2  # the silent piece never went through Rubber Band
    assert len(skipped) == round(6 * sr / 0.8) and not skipped[int(2.6 * sr):int(4.6 * sr)].any()
    monkeypatch.setattr(render, "_stretch_rows", lambda reader, a, b, rate, sr, fine: real(np.asarray(reader[a:b]), rate, sr))
    assert np.array_equal(render.Stretch(audio, 0.8, sr).result(), skipped)  # every piece through Rubber Band


@pytest.mark.parametrize("soundfont", ["/usr/share/sounds/sf2/FluidR3_GM.sf2", "/usr/share/sounds/sf2/TimGM6mb.sf2"])
def test_instrument_names_come_from_the_preset_headers_without_loading_the_soundfont(monkeypatch, soundfont):
    """The names the band is described with are the synthesiser's own, read without loading the instruments."""
    import remixes.engine.render as render

    if not os.path.exists(soundfont):
        pytest.skip(f"{soundfont} is not installed")
    monkeypatch.setenv("REMIX_SOUNDFONT", soundfont)
    render.release_soundfont()
    names = {(drums, program): render.instrument_name(program, drums) for drums in (False, True) for program in range(128)}
    assert render._synth.cache_info().currsize == 0  # naming loaded nothing
    synth, sfid = render._synth(soundfont)
    try:
        for (drums, program), name in names.items():
            try:
                own = synth.sfpreset_name(sfid, 128 if drums else 0, program)
            except Exception:  # not in this soundfont
                own = None
            if own:
                assert name == (f"{own} kit" if drums and "kit" not in own.lower() else own)
            else:
                assert name == (f"drum kit {program}" if drums else f"GM program {program}")
        assert sum(not name.startswith("GM program") for (drums, _), name in names.items() if not drums) == 128
    finally:
        render.release_soundfont()


def _stitched_whole(pieces, out_len, rate, sr, overlap):
    """The stretch's pieces cross-faded into one whole array (how Stretch.result stitched them before)."""
    out = np.zeros((out_len, 2), dtype=np.float32)
    for (src_from, end), piece in pieces:
        out_from = int(round(src_from / rate))
        size = min(int(round((end - src_from) / rate)) if piece is None else len(piece), max(0, out_len - out_from))
        if src_from > 0:
            fade = min(int(round(overlap * sr / rate)), size)
            ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)[:, None]
            out[out_from:out_from + fade] *= 1 - ramp
            if piece is not None:
                piece = piece[:size].copy()
                piece[:fade] *= ramp
        if piece is not None:
            out[out_from:out_from + size] += piece[:size]
    return out


@pytest.mark.parametrize("rate", [0.79, 1.3])
def test_the_stretch_spilled_a_piece_at_a_time_is_the_whole_stitched_stretch(monkeypatch, tmp_path, rate):
    from remixes.engine import render

    monkeypatch.setattr(render, "_STRETCH_CHUNK_SECONDS", 2.0)
    sr = 8000
    audio = (np.random.default_rng(3).standard_normal((7 * sr + 123, 2)) * 0.1).astype(np.float32)
    audio[int(1.75 * sr):4 * sr] = 0.0  # a silent piece: no Rubber Band, zeros as long as its stretch

    def stretch(a, rate, sr, fine=False):  # a stand-in as long as Rubber Band's, fast: every other row, scaled
        return (np.resize(a[::2], (int(round(len(a) / rate)), 2)) * np.float32(0.9)).astype(np.float32)

    monkeypatch.setattr(render, "stretch_piece", stretch)
    whole = render.Stretch(audio, rate, sr)
    pieces = [((a, b), render._stretch_rows(audio, a, b, rate, sr)) for a, b in whole.pieces]
    expected = _stitched_whole(pieces, int(round(len(audio) / rate)), rate, sr, render._STRETCH_OVERLAP_SECONDS)
    assert np.array_equal(whole.result(), expected)
    spilled = render.Stretch(audio, rate, sr).spill(tmp_path / "stretch.npy")
    assert np.array_equal(np.load(spilled), expected)
    assert np.array_equal(np.load(render.Stretch(audio, 1.0, sr).spill(tmp_path / "same.npy")), audio)


@pytest.mark.parametrize("in_place", [False, True])
def test_the_effects_on_interleaved_audio_are_those_on_channel_rows(in_place):
    import pedalboard as pb

    from remixes.engine.render import apply_effects
    from remixes.engine.vocabulary import Effect

    rng = np.random.default_rng(5)
    audio = (rng.standard_normal((44100, 2)) * 0.1).astype(np.float32)
    effects = (Effect("compressor", {"threshold_db": -20.0, "ratio": 3.0}),)
    rows = pb.Pedalboard([
        pb.Compressor(threshold_db=-20.0, ratio=3.0),
        pb.Reverb(room_size=0.35 + 0.55 * 0.4, damping=0.5, wet_level=0.33 * 0.4, dry_level=1 - 0.25 * 0.4, width=1.0),
        pb.HighShelfFilter(cutoff_frequency_hz=3500, gain_db=6 * -0.2),
        pb.LowShelfFilter(cutoff_frequency_hz=200, gain_db=-2 * -0.2),
    ])(np.ascontiguousarray(audio.T), 44100).T
    given = audio.copy()
    out = apply_effects(given, effects, 0.4, -0.2, seed=1, in_place=in_place)
    np.testing.assert_array_equal(out, rows)
    assert (out is given) == in_place and out.flags.c_contiguous


def test_a_part_rendered_into_a_used_buffer_is_the_part_rendered_alone():
    bass, keys = band()
    n = int(SECONDS * SR)
    alone = render_part(keys, n, SR)
    used = render_part(bass, n, SR)
    np.testing.assert_array_equal(render_part(keys, n, SR, out=used), alone)


def test_the_dc_blocker_a_chunk_at_a_time_is_the_filter_over_the_whole_row():
    from scipy.signal import lfilter

    rows = (np.random.default_rng(2).standard_normal((2, 200_000)) * 0.1 + 0.05).astype(np.float32)
    b, a = np.array([1.0, -1.0], dtype=np.float32), np.array([1.0, -0.9995], dtype=np.float32)
    whole = np.stack([lfilter(b, a, row) for row in rows])
    np.testing.assert_array_equal(_without_dc(rows.copy()), whole)


@pytest.mark.parametrize("rows", [False, True])
def test_a_plugin_run_a_chunk_at_a_time_in_place_gives_the_samples_of_one_call(monkeypatch, rows):
    import pedalboard as pb

    from remixes.engine import render

    monkeypatch.setattr(render, "_CHUNK", 1000)  # chunks of 1000 frames, the last two 984 and 23
    audio = (np.random.default_rng(4).standard_normal((5007, 2)) * 0.3).astype(np.float32)
    audio = np.ascontiguousarray(audio.T) if rows else audio

    def chain():  # effects that carry state from one chunk to the next
        return pb.Pedalboard([pb.Compressor(threshold_db=-20.0, ratio=4.0), pb.Chorus(depth=0.4, mix=0.5),
                              pb.Delay(delay_seconds=0.01, feedback=0.4, mix=0.3),
                              pb.Reverb(room_size=0.6, damping=0.5, wet_level=0.2, dry_level=0.9, width=1.0)])

    whole = chain()(audio, SR)
    given = audio.copy()
    assert render.process_in_place(chain(), given, SR, rows=rows) is given
    np.testing.assert_array_equal(given, whole)


def _faults_of_a_second_array(keep: bool) -> int:
    """In a child process (its malloc settings its own): page faults in filling a 160 MB array after one freed."""
    import resource

    from remixes.engine.render import keep_freed_blocks

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        if keep:
            keep_freed_blocks()
        first = np.ones(40_000_000, dtype=np.float32)
        del first
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        second = np.ones(40_000_000, dtype=np.float32)
        os.write(write, str(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before).encode())
        del second
        os._exit(0)
    os.close(write)
    faults = int(os.read(read, 64))
    os.close(read)
    os.waitpid(pid, 0)
    return faults


def test_a_render_helper_reuses_the_pages_of_a_freed_full_length_array():
    assert _faults_of_a_second_array(keep=False) >= 80  # mapped afresh: 160 MB in 2 MB pages at the fewest
    assert _faults_of_a_second_array(keep=True) < 20


def test_the_finer_stretch_is_rubber_bands_other_engine():
    from remixes.engine import render

    sr = 22050
    t = np.arange(2 * sr) / sr
    audio = np.stack([np.sin(2 * np.pi * 220 * t) * (t % 0.5 < 0.1), np.sin(2 * np.pi * 330 * t)], axis=1)
    audio = audio.astype(np.float32)
    finer = render.Stretch(audio, 0.8, sr, fine=True).result()
    assert np.allclose(finer, render.stretch_piece(audio, 0.8, sr, True))
    assert len(finer) == round(len(audio) / 0.8)
    assert not np.allclose(finer, render.Stretch(audio, 0.8, sr).result(), atol=1e-3)


def _click_track(sr: int, seconds: float = 4.0) -> tuple:
    """Two steady tones (one per side) and a noise burst (~1 ms decay) on both every half second."""
    t = np.arange(int(seconds * sr)) / sr
    audio = np.stack([0.2 * np.sin(2 * np.pi * 220 * t), 0.2 * np.sin(2 * np.pi * 330 * t)], axis=1)
    clicks = np.arange(sr // 4, len(t) - sr // 4, sr // 2)
    burst = np.random.default_rng(0).standard_normal((256, 2)) * np.exp(-np.arange(256) / 40)[:, None]
    for c in clicks:
        audio[c:c + 256] += burst
    return audio.astype(np.float32), clicks


@pytest.mark.parametrize("rate", [0.87, 1.25])
def test_the_stretch_keeps_the_length_and_the_beat_and_the_finer_engine_keeps_clicks_sharp(rate):
    from remixes.engine.render import stretch_piece

    audio, clicks = _click_track(SR)
    for fine in (False, True):
        out = stretch_piece(audio, rate, SR, fine)
        assert out.shape == (round(len(audio) / rate), 2)
        energy = np.diff(out.mean(axis=1)) ** 2   # the tones are low: the clicks rule the difference
        window = int(0.03 * SR)
        for c in clicks:
            at = int(round(c / rate))
            peak = at - window + int(np.argmax(energy[at - window:at + window]))
            assert abs(peak - at) < 0.012 * SR   # the click where the tempo puts it
            if fine:  # little of the click smeared into the 25 ms before it
                click, before = energy[peak - 220:peak + 220].sum(), energy[peak - 1320:peak - 220].sum()
                assert before < 0.05 * click


def test_a_mono_source_is_stretched_once_for_the_samples_of_the_stereo_stretch(monkeypatch):
    import pedalboard

    from remixes.engine.render import stretch_piece

    audio, _ = _click_track(22050, 2.0)
    real, calls = pedalboard.time_stretch, []

    def spy(channels, sr, **options):
        calls.append((channels.shape[0], options))
        return real(channels, sr, **options)

    monkeypatch.setattr(pedalboard, "time_stretch", spy)
    dual_mono = np.repeat(audio[:, :1], 2, axis=1)
    once = stretch_piece(dual_mono, 0.8, 22050, True)
    both = real(np.ascontiguousarray(dual_mono.T), 22050, stretch_factor=0.8, high_quality=True).T
    assert np.array_equal(once, both)   # Rubber Band's stereo stretch of equal channels, to the sample
    assert stretch_piece(audio, 0.8, 22050, True).shape == once.shape
    assert [n for n, _ in calls] == [1, 2]   # the mono source went through as one channel, stereo as two
    assert all(o["high_quality"] is True and o["preserve_formants"] is False for _, o in calls)
    calls.clear()   # the faster stretch is the engine's own phase vocoder: no Rubber Band, the same shortcut
    faster = stretch_piece(dual_mono, 0.8, 22050, False)
    assert not calls and faster.shape == once.shape and np.array_equal(faster[:, 0], faster[:, 1])


def test_the_finer_stretch_keeps_to_the_beat_along_a_long_song():
    """R3's whole-sample hops miss the asked rate by up to ~0.2 %: over a 45 s piece the clicks wander 50+ ms
    off the tempo's grid; the fine stretch's shorter pieces keep them on it."""
    from remixes.engine import render

    sr = 22050
    audio, clicks = _click_track(sr, 40.0)
    out = render.Stretch(audio, 0.9, sr, fine=True).result()
    energy = np.diff(out.mean(axis=1)) ** 2
    window = int(0.1 * sr)
    offsets = []
    for c in clicks[2:-2]:
        at = int(round(c / 0.9))
        offsets.append(abs(int(np.argmax(energy[at - window:at + window])) - window) / sr)
    assert max(offsets) < 0.025


def test_a_span_moves_its_part_there_and_nowhere_else(plain):
    """"louder bass in the chorus": the bass +6 dB from 1 s on (Part.spans), after the band is balanced."""
    bass, keys = band()
    spanned = render_band((replace(bass, spans=((1.0, SECONDS, 2.0),)), keys), SECONDS, 0.1)
    halves = [slice(0, int(0.95 * SR)), slice(int(1.0 * SR), int(SECONDS * SR))]
    first, second = (spanned[h] for h in halves)
    plain_first, plain_second = (plain[h] for h in halves)
    assert np.allclose(first, plain_first, atol=1e-6)  # before the span: the band as it was
    # in the span, the bass's share of the band is doubled and the piano's is what it was
    stems = [render_band((p,), SECONDS, 0.1)[halves[1]].reshape(-1) for p in band()]
    weights = [np.linalg.lstsq(np.stack(stems, axis=1), audio.reshape(-1), rcond=None)[0]
               for audio in (plain_second, second)]
    assert 20 * np.log10(weights[1] / weights[0]) == pytest.approx([6.02, 0.0], abs=0.05)


def test_span_gains_ramp_in_before_the_span_and_out_before_its_end_block_by_block_as_whole():
    from remixes.engine.render import SPAN_RAMP_SECONDS, apply_spans

    n = 3 * SR
    spans = ((1.0, 2.0, 0.25),)
    whole = apply_spans(np.ones((n, 2), dtype=np.float32), spans, SR)
    ramp = int(SPAN_RAMP_SECONDS * SR)
    assert np.all(whole[: SR - ramp] == 1.0) and np.all(whole[2 * SR:] == 1.0)
    assert np.allclose(whole[SR: 2 * SR - ramp], 0.25)  # the section's first sample is at the new gain
    assert np.all(np.diff(whole[SR - ramp: SR, 0]) <= 0) and np.all(np.diff(whole[2 * SR - ramp: 2 * SR, 0]) >= 0)
    blocks = np.concatenate([apply_spans(np.ones((b - a, 2), dtype=np.float32), spans, SR, offset=a)
                             for a, b in ((0, 40000), (40000, 44150), (44150, 90001), (90001, n))])
    assert np.array_equal(blocks, whole)
    rows = apply_spans(np.ones((2, n), dtype=np.float32), spans, SR, axis=1)
    assert np.array_equal(rows.T, whole)


def test_a_span_given_two_gains_moves_from_one_to_the_other_across_it_block_by_block_as_whole():
    """"fade in the drums": (0, 1) over the span, a straight line from silence, untouched around it."""
    from remixes.engine.render import apply_spans

    n = 3 * SR
    spans = ((1.0, 2.0, (0.0, 1.0)),)
    whole = apply_spans(np.ones((n, 2), dtype=np.float32), spans, SR)
    assert np.all(whole[:SR] == 1.0) and np.all(whole[2 * SR:] == 1.0)
    assert whole[SR, 0] == 0.0 and whole[SR + SR // 2, 0] == pytest.approx(0.5, abs=1e-4)
    assert np.all(np.diff(whole[SR:2 * SR, 0]) > 0)
    blocks = np.concatenate([apply_spans(np.ones((b - a, 2), dtype=np.float32), spans, SR, offset=a)
                             for a, b in ((0, 40000), (40000, 66150), (66150, n))])
    assert np.array_equal(blocks, whole)
    falling = apply_spans(np.ones((2, n), dtype=np.float32), ((2.0, 3.0, (1.0, 0.0)),), SR, axis=1)
    assert falling[0, 2 * SR] == 1.0 and falling[0, -1] == pytest.approx(0.0, abs=1e-4)


def test_an_effect_in_a_span_changes_that_span_keeps_its_level_and_rings_on_after_it():
    """"a lowpass on the chorus": the noise there through it and as loud, the rest as it was, sample for sample;
    "reverb on the chorus": its tail rings on over what follows, EFFECT_TAIL_SECONDS at most."""
    from remixes.engine.render import EFFECT_TAIL_SECONDS, SPAN_RAMP_SECONDS, apply_effects_in_span
    from remixes.engine.vocabulary import Effect

    rng = np.random.default_rng(3)
    noise = (rng.standard_normal((10 * SR, 2)) * 0.1).astype(np.float32)
    audio = noise.copy()
    apply_effects_in_span(audio, 3.0, 6.0, (Effect("lowpass", {"cutoff_hz": 500.0}),), 0.0, seed=1, sr=SR)
    ramp = int(SPAN_RAMP_SECONDS * SR)
    assert np.array_equal(audio[:3 * SR - ramp], noise[:3 * SR - ramp])
    assert np.allclose(audio[6 * SR + SR // 10:], noise[6 * SR + SR // 10:], atol=1e-4)  # (a filter's ring: ~0)
    inside = slice(3 * SR + SR // 2, 6 * SR - SR // 2)
    assert np.corrcoef(audio[inside, 0], noise[inside, 0])[0, 1] < 0.3
    level = 20 * np.log10(np.sqrt(np.mean(audio[inside] ** 2)) / np.sqrt(np.mean(noise[inside] ** 2)))
    assert abs(level) < 1.0
    tone = np.zeros((12 * SR, 2), dtype=np.float32)
    tone[3 * SR:6 * SR] = 0.1 * np.sin(2 * np.pi * 440 * np.arange(3 * SR) / SR)[:, None]
    apply_effects_in_span(tone, 3.0, 6.0, (), 0.8, seed=1, sr=SR)
    after = lambda a, b: float(np.sqrt(np.mean(tone[int(a * SR):int(b * SR)] ** 2)))  # noqa: E731
    assert after(6.05, 6.5) > 1e-3 and after(6.0 + EFFECT_TAIL_SECONDS + 0.01, 12.0) == 0.0


def test_a_bitcrush_holds_each_sample_so_it_is_heard_and_not_only_its_bits():
    """"bitcrush it": 8 bits alone left a mix 42 dB under its error (unheard); each sample held for 1 / 11,025 s
    folds a 1 kHz tone's images up around 10 and 12 kHz, as a crusher's aliasing does."""
    from remixes.engine.render import apply_effects
    from remixes.engine.vocabulary import EFFECT_DEFAULTS, Effect, EffectKind

    t = np.arange(SR) / SR
    tone = np.repeat((0.5 * np.sin(2 * np.pi * 1000 * t))[:, None], 2, axis=1).astype(np.float32)
    crushed = apply_effects(tone, (Effect("bitcrush", dict(EFFECT_DEFAULTS[EffectKind.BITCRUSH])),), 0.0, 0.0, seed=1)
    spectrum = np.abs(np.fft.rfft(crushed[:, 0]))  # 1 Hz bins
    image = spectrum[10_000:10_050].max() + spectrum[12_000:12_050].max()
    assert image > 0.05 * spectrum[1000]
    plain = apply_effects(tone, (Effect("bitcrush", {"bit_depth": 8.0, "rate_hz": float(SR)}),), 0.0, 0.0, seed=1)
    assert np.abs(np.fft.rfft(plain[:, 0]))[10_000:12_050].max() < 0.01 * spectrum[1000]



@pytest.mark.parametrize("db", [4.0, -4.0])
def test_the_mids_bell_moves_the_middle_and_leaves_the_ends(db):
    """"boost the mids" / "scoop the mids": 1 kHz moves by the bell's gain, 100 Hz and 10 kHz by under 1 dB."""
    from remixes.engine.render import apply_effects
    from remixes.engine.vocabulary import Effect

    t = np.arange(SR) / SR
    level = lambda x, hz: float(np.abs(np.fft.rfft(x[SR // 4:SR // 4 + 22050, 0]))[hz // 2])  # noqa: E731 - 2 Hz bins
    for hz in (100, 1000, 10_000):
        tone = np.repeat((0.25 * np.sin(2 * np.pi * hz * t))[:, None], 2, axis=1).astype(np.float32)
        moved = 20 * np.log10(level(apply_effects(tone, (Effect("mids", {"db": db}),), 0.0, 0.0, seed=1), hz)
                              / level(tone, hz))
        assert (abs(moved - db) < 0.5) if hz == 1000 else abs(moved) < 1.0, (hz, moved)


AMBIENCE_SECONDS = 24


def ambience_bed(kind: str, sr: int = 44100) -> tuple[np.ndarray, np.ndarray]:
    """(the music, the bed `kind` adds under it at amount 0.5), AMBIENCE_SECONDS of a 220 Hz tone; asserts the bed is
    the same for a seed, another for another seed, and AMBIENCE_DB under the music's RMS."""
    from remixes.engine.render import AMBIENCE_DB, add_ambience
    from remixes.engine.vocabulary import Effect

    t = np.arange(AMBIENCE_SECONDS * sr) / sr
    music = np.repeat((0.3 * np.sin(2 * np.pi * 220 * t))[:, None], 2, axis=1).astype(np.float32)
    beds = []
    for seed in (1, 1, 2):
        audio = music.copy()
        add_ambience(audio, (Effect(kind, {"amount": 0.5}),), seed=seed, sr=sr)
        beds.append(audio - music)
    assert np.array_equal(beds[0], beds[1]) and not np.array_equal(beds[0], beds[2])
    assert 20 * np.log10(rms(beds[0]) / rms(music)) == pytest.approx(AMBIENCE_DB[kind], abs=0.5)
    return music, beds[0]


@pytest.mark.parametrize("kind", ["rain", "waves"])
def test_an_ambience_lies_under_the_music_at_its_level_seeded_and_shaped_as_itself(kind):
    """"rain sounds" / "ocean waves": a stereo bed at AMBIENCE_DB under the music's RMS (amount 0.5), the same for a
    seed; rain is a hiss above 500 Hz with drops in it, waves a low rush that swells and falls back over seconds."""
    from remixes.engine.render import add_ambience
    from remixes.engine.vocabulary import Effect

    sr, seconds = 44100, AMBIENCE_SECONDS
    music, bed = ambience_bed(kind, sr)
    assert np.corrcoef(bed[:, 0], bed[:, 1])[0, 1] < 0.5  # two sides, not one in the middle
    spectrum = np.abs(np.fft.rfft(bed[:, 0])) ** 2
    freqs = np.fft.rfftfreq(len(bed), 1 / sr)
    low = spectrum[freqs < 500].sum() / spectrum.sum()
    seconds_rms = np.sqrt(np.mean(bed[: seconds * sr, 0].reshape(seconds, sr) ** 2, axis=1))
    swell = 20 * np.log10(seconds_rms.max() / seconds_rms.min())
    if kind == "rain":
        assert low < 0.1 and swell < 3  # steady
    else:
        assert low > 0.5 and swell > 8  # swells over seconds
    plain = music.copy()
    add_ambience(music, (Effect("vinyl", {"amount": 0.5}),), seed=1, sr=sr)
    assert np.array_equal(music, plain)  # none asked


@pytest.mark.parametrize("kind", ["birds", "fire"])
def test_birdsong_comes_in_phrases_and_a_fire_crackles_over_its_roar(kind):
    """"add bird sounds", "nature sounds" / "fireplace crackling" (unread before): a bed at AMBIENCE_DB under the
    music's RMS, seeded. Birdsong is all above 2 kHz and silent most of the time (phrases between rests); a fire is
    never silent, its low roar a fifth to a third of it, the rest crackle: dozens of sharp clicks a second, and its two
    sides are two fires' worth (uncorrelated)."""
    sr, seconds = 44100, AMBIENCE_SECONDS
    _, bed = ambience_bed(kind, sr)
    spectrum = np.abs(np.fft.rfft(bed[:, 0])) ** 2
    freqs = np.fft.rfftfreq(len(bed), 1 / sr)
    low, high = (spectrum[freqs < 500].sum() / spectrum.sum(), spectrum[freqs > 2000].sum() / spectrum.sum())
    blocks = np.sqrt(np.mean(bed[:, 0].reshape(-1, sr // 10) ** 2, axis=1))
    quiet = np.mean(blocks < 0.01 * blocks.max())
    x = np.abs(bed[:, 0])
    clicks = np.sum((x[1:] > 6 * rms(x)) & (x[:-1] <= 6 * rms(x))) / seconds
    if kind == "birds":
        assert high > 0.99 and quiet > 0.4
    else:
        assert 0.15 < low < 0.35 and quiet == 0 and clicks > 30
        assert abs(np.corrcoef(bed[:, 0], bed[:, 1])[0, 1]) < 0.1


def test_a_part_with_a_delay_of_its_own_repeats_its_note():
    """One short piano note with its own delay (0.3 s) sounds again 0.3 s later; without it, it only decays."""
    from remixes.engine.vocabulary import Effect

    note = Part("chords", 0, False, ((0.0, 0.08, 72, 110),), 0.7, 0.0)
    delayed = replace(note, effects=(Effect("delay", {"seconds": 0.3, "feedback": 0.3, "mix": 0.4}),))

    def echo(part) -> float:  # energy just after 0.3 s over just before it
        audio = render_band((part,), 1.0, 0.1).mean(axis=1)
        return rms(audio[int(0.30 * SR):int(0.37 * SR)]) / rms(audio[int(0.22 * SR):int(0.29 * SR)])

    assert echo(note) < 1.0 < 2.0 < echo(delayed)


def test_a_parts_own_effects_keep_its_level_and_leave_the_other_parts_alone():
    """A distortion on the chords: the chords change, come out at the level they went in at, and the bass is the
    bass (the band with it, less the distorted chords alone, is the bass alone at the same scale)."""
    from remixes.engine.render import _with_effects
    from remixes.engine.vocabulary import Effect

    bass, chords = band()
    rough = replace(chords, effects=(Effect("distortion", {"drive_db": 18.0}),))
    rows = np.ascontiguousarray(render_part(chords, int(SECONDS * SR), SR).T)
    out = _with_effects(rows.copy(), rough.effects, SR)
    assert rms(out) == pytest.approx(rms(rows), rel=1e-3) and np.abs(out - rows).max() > 0.1 * np.abs(rows).max()
    together = render_band((bass, rough), SECONDS, 0.1)
    apart = [render_band((p,), SECONDS, 1.0) for p in (bass, rough)]
    weights, *_ = np.linalg.lstsq(np.stack([a.reshape(-1) for a in apart], axis=1), together.reshape(-1), rcond=None)
    assert np.abs(together - (weights[0] * apart[0] + weights[1] * apart[1])).max() < 1e-4


def test_a_part_out_of_the_mixs_reverb_comes_apart_at_the_bands_scale():
    """"no reverb on the drums" (mix_reverb 0): the part is the second band, "less" (0.5) half of it; together they
    are the band as one signal, at the level the band has with every part in the mix's reverb."""
    bass, chords = band()
    whole = render_band((bass, chords), SECONDS, 0.1)
    for share in (0.0, 0.5):
        wet, dry = render_band_apart((bass, replace(chords, mix_reverb=share)), SECONDS, 0.1)
        assert np.abs(wet + dry - whole).max() < 1e-5
        alone = render_band_apart((replace(bass, level=0.0), chords), SECONDS, 1.0)[0]
        weight = float(np.dot(dry.reshape(-1), alone.reshape(-1)) / np.dot(alone.reshape(-1), alone.reshape(-1)))
        assert np.abs(dry - weight * alone).max() < 1e-5 and weight > 0
    assert render_band_apart((bass, chords), SECONDS, 0.1)[1] is None


def test_a_riser_sweeps_up_to_the_chorus_and_stops_there():
    """Over its span the noise's band climbs (spectral centroid up ~4 octaves) and its level rises to RISER_DB under
    the music; nothing before it, nothing after it; seeded."""
    from remixes.engine.render import RISER_DB, add_risers

    square = np.sign(np.sin(np.arange(6 * SR) / SR * 2 * np.pi * 2))[:, None]
    music = np.full((6 * SR, 2), 0.1, dtype=np.float32) * square.astype(np.float32)
    audio = music.copy()
    add_risers(audio, ((1.0, 5.0),), seed=3)
    stereo = audio - music
    riser = stereo.mean(axis=1)

    def centroid(a: float, b: float) -> float:
        spectrum = np.abs(np.fft.rfft(riser[int(a * SR):int(b * SR)])) ** 2
        return float((np.fft.rfftfreq(int(b * SR) - int(a * SR), 1 / SR) * spectrum).sum() / spectrum.sum())

    assert np.abs(riser[:SR]).max() == 0 and np.abs(riser[5 * SR:]).max() == 0
    assert centroid(4.5, 4.99) > 8 * centroid(2.0, 2.5) > 0
    assert rms(stereo[int(4.6 * SR):5 * SR]) == pytest.approx(rms(music) * 10 ** (RISER_DB / 20), rel=0.3)
    assert rms(riser[int(1.5 * SR):2 * SR]) < 0.1 * rms(riser[int(4.5 * SR):5 * SR])
    again = music.copy()
    add_risers(again, ((1.0, 5.0),), seed=3)
    assert np.array_equal(again, audio)


def test_a_crowd_murmurs_under_the_music_and_applauds_at_the_start_and_the_end():
    """"live crowd", "audience cheering", "applause": a murmur at AMBIENCE_DB under the music (speech-shaped: most
    of it 150 Hz - 4 kHz), applause APPLAUSE_DB over it at the start (dying away) and rising to the end, made of
    claps (sharp onsets: the applause's 5 ms envelope peaks far over its mean); seeded; two sides."""
    from remixes.engine.render import AMBIENCE_DB, APPLAUSE_DB, add_ambience
    from remixes.engine.vocabulary import Effect

    seconds = 30
    t = np.arange(seconds * SR) / SR
    music = np.repeat((0.3 * np.sin(2 * np.pi * 220 * t))[:, None], 2, axis=1).astype(np.float32)
    beds = []
    for seed in (1, 1, 2):
        audio = music.copy()
        add_ambience(audio, (Effect("crowd", {"amount": 0.5}),), seed=seed, sr=SR)
        beds.append(audio - music)
    bed = beds[0]
    assert np.array_equal(beds[0], beds[1]) and not np.array_equal(beds[0], beds[2])

    def db(a: float, b: float) -> float:
        return 20 * np.log10(rms(bed[int(a * SR):int(b * SR)]) / rms(music))

    assert db(8, 20) == pytest.approx(AMBIENCE_DB["crowd"], abs=1.5)
    assert db(0, 0.5) - db(8, 20) == pytest.approx(APPLAUSE_DB, abs=3) and db(2.5, 3) < db(0, 0.5) - 10
    assert db(seconds - 2, seconds) - db(8, 20) == pytest.approx(APPLAUSE_DB, abs=3)
    spectrum = np.abs(np.fft.rfft(bed[8 * SR:20 * SR, 0])) ** 2
    freqs = np.fft.rfftfreq(12 * SR, 1 / SR)
    assert spectrum[(freqs > 150) & (freqs < 4000)].sum() > 0.8 * spectrum.sum()  # 0.87: gentle skirts
    claps = np.sqrt(np.mean(bed[(seconds - 2) * SR:, 0].reshape(-1, 210) ** 2, axis=1))  # 4.8 ms
    assert claps.max() > 2.5 * claps.mean() and np.corrcoef(bed[:, 0], bed[:, 1])[0, 1] < 0.5  # noise: 1.2


def test_sidechain_pumping_ducks_on_every_beat_and_swells_back():
    """"sidechain": at each beat the gain drops PUMP depth within a few ms and is back by PUMP_RELEASE of the beat."""
    from remixes.engine.render import PUMP_RELEASE, pump_envelope

    beats = np.arange(0.0, 4.0, 0.5)
    envelope = pump_envelope(beats, 4 * SR, 8.0)
    db = 20 * np.log10(envelope)
    for b in beats[1:]:
        at = int(b * SR)
        assert db[at - 10] > -0.01 and db[at:at + int(0.01 * SR)].min() == pytest.approx(-8.0, abs=0.3)
        assert db[at + int(0.5 * PUMP_RELEASE / 2 * SR)] < -1.5 and db[at + int(0.5 * PUMP_RELEASE * SR) + 2] > -0.01
    assert np.all(pump_envelope(beats, SR, 0.0) == 1.0)


def test_mono_makes_the_two_sides_one():
    """"make it mono": after the style's own widening, both channels carry the mid."""
    from remixes.engine.render import apply_effects
    from remixes.engine.vocabulary import Effect

    rng = np.random.default_rng(0)
    stereo = rng.standard_normal((SR, 2)).astype(np.float32) * 0.1
    out = apply_effects(stereo, (Effect("wide", {"amount": 0.7}), Effect("mono", {"amount": 1.0})), 0.0, 0.0, seed=0)
    assert np.allclose(out[:, 0], out[:, 1]) and np.allclose(out[:, 0], stereo.mean(axis=1), atol=1e-6)
