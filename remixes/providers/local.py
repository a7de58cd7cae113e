"""The default provider: the bundled engine, run inside the worker on this machine's CPU."""
from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import soundfile as sf
from django.conf import settings

from ..engine import RemixRequest, VersionResult, encode_mp3, encode_wav, remix
from ..models import RemixTask
from ..results import SOURCE_STEMS, VERSION_STEMS, Progress, TaskResult, VersionOutput

# Share of the progress bar for the engine; encoding and storing take the rest.
ENGINE_SHARE = 88


def _encode(version: VersionResult) -> VersionOutput:
    """The version's files: the mp3 and wav the engine encoded (remix(encode=True)), else encoded here."""
    mp3, wav = getattr(version, "mp3", None), getattr(version, "wav", None)
    mp3 = mp3 if mp3 is not None else encode_mp3(version.audio, version.sample_rate)
    wav = Path(wav).read_bytes() if wav is not None else encode_wav(version.audio, version.sample_rate)
    return VersionOutput(
        index=version.index,
        mp3=mp3,
        wav=wav,
        duration=round(version.duration, 2),
        lyrics=version.lyrics,
        lyrics_timestamped=version.lyrics_timestamped,
        peaks=version.peaks,
        stems=encode_stems(getattr(version, "stems", None), VERSION_STEMS),
    )


def encode_stems(paths: dict[str, Path] | None, names: tuple[str, ...]) -> dict[str, bytes]:
    """The engine's stem wav files (name -> path) as mp3 192 kb/s, for the names we store."""
    stems = {}
    for name, path in (paths or {}).items():
        if name in names and path is not None and Path(path).is_file():
            audio, sample_rate = sf.read(str(path), dtype="float32", always_2d=True)
            stems[name] = encode_mp3(audio, sample_rate)
    return stems


def source_stems_mp3(key: str, paths: dict[str, Path] | None) -> dict[str, bytes]:
    """The separated source's stems as mp3, encoded once per source file (`key`, the engine's content hash of
    it): a stems-cache entry beside its separation, so a repeat remix of the song reads them back instead of
    encoding them again (two mp3 encodes, ~3.4 s of CPU for a 3-minute song). Without all of its stem wavs,
    encoded here and not kept."""
    from ..engine.encode import MP3_KBPS
    from ..engine.pipeline import STEMS_VERSION

    if not key or not all(Path((paths or {}).get(name) or "").is_file() for name in SOURCE_STEMS):
        return encode_stems(paths, SOURCE_STEMS)

    def fill(directory: Path) -> None:
        for name, blob in encode_stems(paths, SOURCE_STEMS).items():
            (directory / f"{name}.mp3").write_bytes(blob)

    def load(directory: Path) -> dict[str, bytes]:
        return {name: (directory / f"{name}.mp3").read_bytes() for name in SOURCE_STEMS}

    return _stems_cache().files(key, "source-mp3", f"{STEMS_VERSION}-{MP3_KBPS}k", fill, load)


def _stems_cache():
    """The worker's stems cache (REMIX_CACHE_DIR, at most REMIX_CACHE_MAX_MB), shared by its processes."""
    from ..engine.stems_cache import StemsCache

    return StemsCache(settings.REMIX_CACHE_DIR, max_bytes=settings.REMIX_CACHE_MAX_MB * 1024 * 1024)


class LocalProvider:
    name = "local"

    def run(self, task: RemixTask, source: Path, progress: Progress) -> TaskResult:
        request = RemixRequest(
            prompt=task.prompt,
            lyrics=task.lyrics or None,
            gender=task.gender or None,
            seed=task.seed,
            strength=task.strength,
            instrumental=task.instrumental,
            max_seconds=float(settings.REMIX_MAX_SECONDS),
            title=Path(task.upload.display_name).stem or None,
        )
        # The stem wav files live in a work directory until they are encoded.
        with tempfile.TemporaryDirectory(prefix="remix-work-") as workdir:
            result = remix(source, request, progress=lambda stage, fraction: progress(stage, int(fraction * ENGINE_SHARE)),
                           cache=_stems_cache(), workdir=Path(workdir), encode=True)
            progress("Encoding", ENGINE_SHARE)
            # The encoders release the GIL: both versions encode side by side, one per core.
            with ThreadPoolExecutor(max_workers=len(result.versions)) as pool:
                source_stems = pool.submit(source_stems_mp3, result.source_key, getattr(result, "source_stems", None))
                versions = list(pool.map(_encode, result.versions))
                source_stems = source_stems.result()
        progress("Saving", 97)
        return TaskResult(
            versions=versions,
            cover_png=result.cover_png,
            cover_thumb_png=result.cover_thumb_png,
            style_plan=result.plan,
            source_duration=result.source_duration,
            source_stems=source_stems,
        )
