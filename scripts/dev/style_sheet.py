"""Dev-time listening aid: every style's remix of one song as a mel spectrogram next to the source's, with
the figures a listener's ear stands in for. Not part of `make test` (it remixes the song once per style).

    NUMBA_CACHE_DIR=var/numba .venv/bin/python scripts/dev/style_sheet.py SONG.wav OUT_DIR [--styles a,b]

Writes OUT_DIR/sheet-N.png (the source on top, then one row per style: 30 s of version 1, 0-11 kHz on a mel
scale, time stretched to the remix's own length), OUT_DIR/<style>.wav (version 1) and prints one line per
style: tempo, stretch, aligned chroma similarity of both versions to the source, percussive share, spectral
centroid, the share of energy under 120 Hz / 120 Hz-2 kHz / 2-6 kHz / over 6 kHz, and the band's instruments.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

SR = 44100
SECONDS = 30.0
ROW_HEIGHT = 96
WIDTH = 900
LABEL = 150


def mel_image(audio: np.ndarray, sr: int) -> np.ndarray:
    """(ROW_HEIGHT, WIDTH) uint8 RGB-ready levels: dB of a mel spectrogram of the first SECONDS, 80 dB range."""
    import librosa

    from remixes.engine.decode import mono_of

    mono = mono_of(np.asarray(audio, dtype=np.float32))[: int(SECONDS * sr)]
    mel = librosa.feature.melspectrogram(y=mono, sr=sr, n_fft=2048, hop_length=512, n_mels=ROW_HEIGHT, fmax=11000)
    db = librosa.power_to_db(mel, ref=np.max, top_db=None)  # 0 dB: the loudest bin of the excerpt
    db = np.clip((db + 80.0) / 80.0, 0.0, 1.0)[::-1]  # low frequencies at the bottom
    columns = np.linspace(0, db.shape[1] - 1, WIDTH).round().astype(int)
    return (db[:, columns] * 255).astype(np.uint8)


def colour(levels: np.ndarray) -> np.ndarray:
    """A dark-to-bright colour ramp (black, purple, orange, pale yellow) for uint8 levels."""
    stops = np.array([[0, 0, 4], [80, 18, 123], [183, 55, 121], [252, 137, 97], [252, 253, 191]], dtype=float)
    x = levels.astype(float) / 255 * (len(stops) - 1)
    lower = np.floor(x).astype(int).clip(0, len(stops) - 2)
    t = (x - lower)[..., None]
    return (stops[lower] * (1 - t) + stops[lower + 1] * t).astype(np.uint8)


def figures(audio: np.ndarray, sr: int) -> dict:
    import librosa

    from remixes.engine.decode import mono_of

    mono = mono_of(np.asarray(audio, dtype=np.float32))
    spectrum = np.abs(librosa.stft(mono, n_fft=4096, hop_length=2048)) ** 2
    freqs = librosa.fft_frequencies(sr=sr, n_fft=4096)
    total = spectrum.sum() + 1e-12
    shares = [float(spectrum[(freqs >= lo) & (freqs < hi)].sum() / total)
              for lo, hi in ((0, 120), (120, 2000), (2000, 6000), (6000, sr / 2 + 1))]
    centroid = float((freqs[:, None] * spectrum).sum() / total)
    harmonic, percussive = librosa.decompose.hpss(librosa.stft(mono[: 30 * sr], n_fft=2048, hop_length=512))
    share = float((np.abs(percussive) ** 2).sum() / ((np.abs(harmonic) ** 2).sum() + (np.abs(percussive) ** 2).sum()))
    return {"bands": shares, "centroid": centroid, "percussive": share}


def main(argv=None) -> int:
    from PIL import Image, ImageDraw

    from remixes.engine.decode import decode
    from remixes.engine.pipeline import RemixRequest, remix
    from remixes.engine.vocabulary import STYLE_TABLE
    from tools.evaluate import recognisability

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("song")
    parser.add_argument("out")
    parser.add_argument("--styles", default="", help="comma-separated style ids (default: all)")
    parser.add_argument("--strength", type=float, default=0.5)
    parser.add_argument("--cache", default="var/style-sheet-cache")
    parser.add_argument("--images-only", action="store_true", help="draw the sheets from OUT_DIR's wav files")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    wanted = [s for s in args.styles.split(",") if s]
    styles = [spec for spec in STYLE_TABLE if not wanted or spec.id in wanted]
    source = decode(args.song)
    rows = [("source", mel_image(source, SR))]
    f = figures(source, SR)
    print(f"{'source':12s} centroid {f['centroid']:6.0f} Hz  percussive {f['percussive']:.2f}  bands "
          + " ".join(f"{b:.2f}" for b in f["bands"]), flush=True)
    for spec in styles:
        if args.images_only:
            import soundfile as sf

            if (out / f"{spec.id}.wav").exists():
                rows.append((spec.id, mel_image(sf.read(out / f"{spec.id}.wav", dtype="float32")[0], SR)))
            continue
        result = remix(args.song, RemixRequest(prompt=spec.name, seed=1, strength=args.strength), cache=args.cache)
        engine = result.plan["engine"]
        if result.plan["style"] != spec.id:
            print(f"{spec.id}: the prompt {spec.name!r} was read as {result.plan['style']}", flush=True)
        v1 = result.versions[0].audio
        scores = [recognisability(source, v.audio, SR)["score"] for v in result.versions]
        f = figures(v1, SR)
        parts = ", ".join(name for _, _, name in engine["instruments"][0]["parts"])
        print(f"{spec.id:12s} tempo {engine['tempo']:6.1f} (x{1 / engine['stretch']:.2f})  recog {scores[0]:.3f} "
              f"{scores[1]:.3f}  centroid {f['centroid']:6.0f} Hz  percussive {f['percussive']:.2f}  bands "
              + " ".join(f"{b:.2f}" for b in f["bands"]) + f"  [{parts}]", flush=True)
        import soundfile as sf

        sf.write(out / f"{spec.id}.wav", v1, SR, subtype="PCM_16")
        rows.append((spec.id, mel_image(v1, SR)))
    per_sheet = 11  # and the source on top of each
    for k in range(1, len(rows), per_sheet):
        chunk = rows[:1] + rows[k:k + per_sheet]
        sheet = Image.new("RGB", (LABEL + WIDTH, ROW_HEIGHT * len(chunk)), "white")
        draw = ImageDraw.Draw(sheet)
        for i, (name, image) in enumerate(chunk):
            sheet.paste(Image.fromarray(colour(image)), (LABEL, i * ROW_HEIGHT))
            draw.text((6, i * ROW_HEIGHT + ROW_HEIGHT // 2 - 6), name, fill="black")
        sheet.save(out / f"sheet-{(k - 1) // per_sheet + 1}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
