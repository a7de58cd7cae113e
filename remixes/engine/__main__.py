"""`python -m remixes.engine SONG --prompt "..." --out DIR`: remix a file from the command line."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

# A program, not a library: librosa's numba kernels compile once into the repo's var/numba.
os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(__file__).resolve().parents[2] / "var" / "numba"))

from .encode import encode_mp3, encode_wav  # noqa: E402
from .errors import EngineError  # noqa: E402
from .pipeline import RemixRequest, remix  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m remixes.engine", description="Remix a song from a text prompt.")
    parser.add_argument("song", type=Path)
    parser.add_argument("--prompt", required=True)
    parser.add_argument("--lyrics", type=Path, help="a text file with the lyrics to sing")
    parser.add_argument("--gender", choices=["male", "female", "neutral"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--strength", type=float, default=0.5)
    parser.add_argument("--instrumental", action="store_true")
    parser.add_argument("--max-seconds", type=float, default=600.0)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--cache", type=Path, help="stems cache directory: a second remix of the same file skips "
                                                   "decoding, separation and analysis")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)

    request = RemixRequest(prompt=args.prompt, lyrics=args.lyrics.read_text(encoding="utf-8") if args.lyrics else None,
                           gender=args.gender, seed=args.seed, strength=args.strength,
                           instrumental=args.instrumental, max_seconds=args.max_seconds)
    started = time.monotonic()

    def progress(stage: str, fraction: float) -> None:
        if not args.quiet:
            print(f"  {time.monotonic() - started:6.1f} s  {fraction * 100:5.1f} %  {stage}", file=sys.stderr)

    args.out.mkdir(parents=True, exist_ok=True)
    try:
        # the stems are written straight into --out (source-vocals.wav, source-accompaniment.wav,
        # version-N-instrumental.wav, version-N-vocals.wav unless the version is instrumental)
        # each version is encoded where it renders (encode=True): its mp3 comes back, its wav is in --out
        result = remix(args.song, request, progress=progress, cache=args.cache, workdir=args.out, encode=True)
    except EngineError as exc:
        print(f"error: {exc.user_message}", file=sys.stderr)
        return 2
    shutil.rmtree(args.out / ".stems", ignore_errors=True)  # the uncached separation's scratch files
    for version in result.versions:
        mp3 = version.mp3 if version.mp3 is not None else encode_mp3(version.audio, version.sample_rate)
        (args.out / f"version-{version.index}.mp3").write_bytes(mp3)
        wav = args.out / f"version-{version.index}.wav"
        if version.wav is None or Path(version.wav).resolve() != wav.resolve():
            wav.write_bytes(encode_wav(version.audio, version.sample_rate))
        (args.out / f"lyrics-{version.index}.json").write_text(
            json.dumps(version.lyrics_timestamped, indent=2, ensure_ascii=False), encoding="utf-8")
    (args.out / "cover.png").write_bytes(result.cover_png)
    (args.out / "cover-thumb.png").write_bytes(result.cover_thumb_png)
    (args.out / "plan.json").write_text(json.dumps(result.plan, indent=2, ensure_ascii=False), encoding="utf-8")

    engine = result.plan.get("engine", {})
    print(f"{args.song.name}: {result.source_duration:.1f} s, {engine.get('source_tempo')} bpm, {engine.get('key')}")
    print(f"style: {result.plan.get('style_name')} - {result.plan.get('summary')}")
    for line in result.plan.get("understood", []):
        print(f"  understood: {line}")
    if result.plan.get("ignored_words"):
        print(f"  ignored: {', '.join(result.plan['ignored_words'])}")
    print(f"tempo {engine.get('tempo')} bpm (stretch x{engine.get('stretch')}), original kept at "
          f"{engine.get('original_level')}")
    for note in engine.get("notes", []):
        print(f"  note: {note}")
    for version in result.versions:
        lines = len(version.lyrics_timestamped)
        print(f"version {version.index}: {version.duration:.1f} s" + (f", {lines} sung lines" if lines else "")
              + f"; stems: {', '.join(sorted(p.name for p in version.stems.values()))}")
    print(f"wrote {args.out} in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
