"""`python -m tools.evaluate SONG --prompt ...`: measure a remix instead of assuming it works.

Recognisable: chroma with each frame's mean removed, remix aligned onto the source by the best global
time-stretch, offset and transposition, mean cosine along the aligned frames (docs/design.md, "Measuring a
remix"). Restyled: duration ratio, onset rate, spectral centroid, percussive share, a reverb proxy and
the mode, compared with what the plan asked for. Also loudness, true peak and lyric timings.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

_RATE = 22050
_HOP = 4096                      # ~0.19 s chroma frames
_STRETCHES = np.exp(np.linspace(np.log(0.5), np.log(2.0), 49))   # ~3% steps
_MAX_OFFSET_SECONDS = 20.0


def recognisability(source: np.ndarray, remix: np.ndarray, sr: int) -> dict:
    """Best mean cosine of mean-removed chroma over global stretch x offset x transposition."""
    src = _chroma_frames(source, sr)
    rem = _chroma_frames(remix, sr)
    frame = _HOP / _RATE
    max_lag = int(_MAX_OFFSET_SECONDS / frame)
    # A coarse grid, then a fine one around its winner: on a 3-minute song a 1% stretch error
    # already drifts the frames by two seconds.
    coarse = _search(src, rem, _STRETCHES, range(12), max_lag, frame)
    fine = np.exp(np.log(coarse["stretch"]) + np.linspace(-0.03, 0.03, 25))
    best = _search(src, rem, fine, [(-coarse["transpose"]) % 12], max_lag, frame)
    return best if best["score"] >= coarse["score"] else coarse


def _search(src, rem, stretches, shifts, max_lag, frame) -> dict:
    best = {"score": -1.0, "stretch": 1.0, "offset": 0.0, "transpose": 0}
    for stretch in stretches:
        # Remix frame j sits at remix time j*frame, i.e. source time j*frame*stretch.
        n = int(rem.shape[1] * stretch)
        if n < 8:
            continue
        positions = np.arange(n) / stretch
        idx = np.clip(positions.astype(int), 0, rem.shape[1] - 1)
        warped = rem[:, idx]
        for shift in shifts:
            score, lag = _best_lag(src, np.roll(warped, shift, axis=0), max_lag)
            if score > best["score"]:
                best = {"score": float(score), "stretch": float(stretch), "offset": float(lag * frame),
                        "transpose": int(-shift % 12)}
    return best


def _chroma_frames(audio: np.ndarray, sr: int) -> np.ndarray:
    import librosa

    from remixes.engine.decode import resample

    mono = audio.mean(axis=1) if audio.ndim == 2 else audio
    mono = resample(mono, sr, _RATE) if sr != _RATE else mono
    chroma = librosa.feature.chroma_stft(y=mono, sr=_RATE, n_fft=_HOP * 2, hop_length=_HOP)
    energy = librosa.feature.rms(y=mono, frame_length=_HOP * 2, hop_length=_HOP)[0][: chroma.shape[1]]
    chroma = chroma - chroma.mean(axis=0, keepdims=True)
    chroma /= np.linalg.norm(chroma, axis=0, keepdims=True) + 1e-9
    chroma[:, energy < 0.01 * energy.max()] = 0.0   # silence has no harmony to compare
    return chroma


def _best_lag(a: np.ndarray, b: np.ndarray, max_lag: int) -> tuple[float, int]:
    """Max over lags of mean_t <a[:, t], b[:, t - lag]> over the frames where both are voiced."""
    n = a.shape[1] + b.shape[1]
    size = 1 << int(np.ceil(np.log2(n)))
    fa = np.fft.rfft(a, size, axis=1)
    fb = np.fft.rfft(b, size, axis=1)
    corr = np.fft.irfft((fa * np.conj(fb)).sum(axis=0), size)
    va = (np.abs(a).sum(axis=0) > 0).astype(float)
    vb = (np.abs(b).sum(axis=0) > 0).astype(float)
    counts = np.fft.irfft(np.fft.rfft(va, size) * np.conj(np.fft.rfft(vb, size)), size)
    lags = np.r_[0:max_lag + 1, -max_lag:0]
    values = corr[lags % size]
    overlap = np.round(counts[lags % size])
    minimum = 0.5 * min(va.sum(), vb.sum())
    valid = overlap >= max(minimum, 1)
    if not valid.any():
        return -1.0, 0
    scores = np.where(valid, values / np.maximum(overlap, 1), -1.0)
    k = int(np.argmax(scores))
    return float(scores[k]), int(lags[k])


def style_metrics(audio: np.ndarray, sr: int) -> dict:
    """Production features of one signal (compare a remix's against its source's)."""
    import librosa
    import scipy.ndimage as ndi

    from remixes.engine.analyse import _key
    from remixes.engine.decode import resample

    mono = resample(audio.mean(axis=1), sr, _RATE)
    duration = len(mono) / _RATE
    onsets = librosa.onset.onset_detect(y=mono, sr=_RATE, hop_length=512, units="time")
    centroid = librosa.feature.spectral_centroid(y=mono, sr=_RATE, hop_length=1024)[0]
    spec = np.abs(librosa.stft(mono, n_fft=2048, hop_length=1024))
    harmonic = ndi.median_filter(spec, size=(1, 17), mode="nearest")
    percussive = ndi.median_filter(spec, size=(17, 1), mode="nearest")
    mask = percussive ** 2 / (harmonic ** 2 + percussive ** 2 + 1e-12)
    percussive_share = float(((spec * mask) ** 2).sum() / ((spec ** 2).sum() + 1e-12))
    rms = librosa.feature.rms(y=mono, hop_length=512)[0]
    rms_db = 20 * np.log10(rms + 1e-9)
    loud = rms_db > rms_db.max() - 40
    # Reverb fills the gaps between notes: the envelope's dips get shallower.
    dips = float(np.percentile(rms_db[loud], 90) - np.percentile(rms_db[loud], 10)) if loud.any() else 0.0
    chroma = librosa.feature.chroma_stft(y=mono, sr=_RATE, hop_length=2048)
    tonic, mode, _ = _key(chroma, librosa.feature.rms(y=mono, hop_length=2048)[0][: chroma.shape[1]])
    return {
        "duration": round(duration, 3),
        "onset_rate": round(len(onsets) / max(duration, 1e-9), 3),
        "centroid_hz": round(float(np.mean(centroid)), 1),
        "percussive_share": round(percussive_share, 4),
        "envelope_range_db": round(dips, 2),
        "mode": mode,
        "key": int(tonic),
    }


def loudness_metrics(audio: np.ndarray, sr: int) -> dict:
    """Integrated loudness by pyloudnorm and true peak by 4x polyphase oversampling (independent of
    the mastering code's own meters)."""
    import pyloudnorm
    from scipy.signal import resample_poly

    lufs = pyloudnorm.Meter(sr).integrated_loudness(audio.astype(np.float64))
    peak = float(np.abs(resample_poly(audio, 4, 1, axis=0)).max())
    return {"lufs": round(float(lufs), 2), "true_peak_dbtp": round(20 * np.log10(max(peak, 1e-9)), 2)}


def lyric_checks(lines: list, duration: float) -> dict:
    """Timestamps monotonic, inside the audio, words inside their line."""
    problems = []
    previous_end = 0.0
    for i, line in enumerate(lines):
        if line["start"] < previous_end - 1e-6:
            problems.append(f"line {i + 1} starts before the previous one ends")
        if line["end"] > duration + 1e-6 or line["start"] < 0:
            problems.append(f"line {i + 1} is outside the audio")
        word_end = line["start"]
        for word in line.get("words", []):
            if word["start"] < word_end - 1e-6 or word["end"] > line["end"] + 1e-6:
                problems.append(f"line {i + 1}: word {word['word']!r} out of order or outside its line")
            word_end = word["end"]
        previous_end = line["end"]
    return {"lines": len(lines), "problems": problems}


def evaluate(source_path, request, reference: np.ndarray | None = None) -> dict:
    """Remix `source_path` and measure both versions (plus an unrelated clip's score for scale)."""
    from remixes.engine.decode import SAMPLE_RATE, decode
    from remixes.engine.pipeline import remix
    from tools.songs import make_song

    sr = SAMPLE_RATE
    source = decode(source_path, request.max_seconds)
    result = remix(source_path, request)
    source_style = style_metrics(source, sr)
    report = {"prompt": request.prompt, "style": result.plan.get("style"), "engine": result.plan.get("engine"),
              "source": source_style, "versions": []}
    for version in result.versions:
        metrics = {
            "index": version.index,
            "recognisable": recognisability(source, version.audio, sr),
            "style": style_metrics(version.audio, sr),
            "loudness": loudness_metrics(version.audio, sr),
        }
        s, v = source_style, metrics["style"]
        metrics["changes"] = {
            "duration_ratio": round(v["duration"] / s["duration"], 3),
            "onset_rate_ratio": round(v["onset_rate"] / max(s["onset_rate"], 1e-9), 3),
            "centroid_ratio": round(v["centroid_hz"] / max(s["centroid_hz"], 1e-9), 3),
            "percussive_share_ratio": round(v["percussive_share"] / max(s["percussive_share"], 1e-9), 3),
            "envelope_range_change_db": round(v["envelope_range_db"] - s["envelope_range_db"], 2),
            "mode": f"{s['mode']} -> {v['mode']}",
        }
        if version.lyrics_timestamped:
            metrics["lyrics"] = lyric_checks(version.lyrics_timestamped, version.duration)
        report["versions"].append(metrics)
    if reference is None:
        reference = make_song(min(60.0, len(source) / sr), tempo=137.0, tonic=6, mode="minor", seed=99,
                              progressions="other")
    report["unrelated_score"] = round(recognisability(source, reference, sr)["score"], 3)
    return report


def main(argv=None) -> int:
    from remixes.engine.pipeline import RemixRequest

    parser = argparse.ArgumentParser(prog="python -m tools.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("song")
    parser.add_argument("--prompt", required=True)
    parser.add_argument("--lyrics", type=Path)
    parser.add_argument("--gender")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--strength", type=float, default=0.5)
    parser.add_argument("--instrumental", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    args = parser.parse_args(argv)
    request = RemixRequest(prompt=args.prompt, lyrics=args.lyrics.read_text() if args.lyrics else None,
                           gender=args.gender, seed=args.seed, strength=args.strength,
                           instrumental=args.instrumental)
    report = evaluate(args.song, request)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    engine = report["engine"] or {}
    print(f"prompt: {report['prompt']!r} -> style {report['style']}; tempo {engine.get('source_tempo')} -> "
          f"{engine.get('tempo')} bpm (stretch {engine.get('stretch')}), key {engine.get('key')}")
    print(f"unrelated clip scores {report['unrelated_score']:.3f}")
    for v in report["versions"]:
        r, c, lo = v["recognisable"], v["changes"], v["loudness"]
        print(f"version {v['index']}: recognisable {r['score']:.3f} (stretch {r['stretch']:.2f}, offset "
              f"{r['offset']:.1f} s, transpose {r['transpose']}) | duration x{c['duration_ratio']} onsets "
              f"x{c['onset_rate_ratio']} centroid x{c['centroid_ratio']} percussive x{c['percussive_share_ratio']} "
              f"envelope {c['envelope_range_change_db']:+.1f} dB mode {c['mode']} | {lo['lufs']} LUFS "
              f"{lo['true_peak_dbtp']} dBTP")
        if "lyrics" in v:
            print(f"  lyrics: {v['lyrics']['lines']} lines, problems: {v['lyrics']['problems'] or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
