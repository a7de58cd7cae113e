"""The one builder of the MusicGPT-shaped payloads: a task and its conversions as `byId` answers them,
and the outgoing webhook events. `api.py`, `webhooks.py` and the OpenAPI examples all build them here,
so the field names, the download names and the hiding of flagged outputs cannot drift apart.

MusicGPT's own fields are kept as MusicGPT spells them; our extensions are the stems links
(`conversion_path_vocals`, `conversion_path_instrumental`, `source_path_vocals`,
`source_path_accompaniment`), null when absent."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict

from django.db.models.fields.files import FieldFile

from .models import Conversion, RemixTask
from .stages import stage_label

# A link maker: (stored file, download name or None) -> absolute URL. Never given an empty file.
LinkMaker = Callable[[FieldFile, "str | None"], str]


class Links:
    """Links to a task's files, or None for files that are missing or hidden by moderation."""

    def __init__(self, task: RemixTask, make: LinkMaker):
        self.visible = task.outputs_visible
        self.make = make

    def __call__(self, field_file: FieldFile | None, download_name: str | None = None) -> str | None:
        return self.make(field_file, download_name) if field_file and self.visible else None


# --- download names -----------------------------------------------------------------------------


def download_stem(task: RemixTask, index: int) -> str:
    return f"remix-{str(task.pk)[:8]}-v{index}"


def download_names(task: RemixTask, index: int) -> dict[str, str]:
    """Names a browser saves a version's files under (mp3, wav, vocals, instrumental)."""
    stem = download_stem(task, index)
    return {"mp3": f"{stem}.mp3", "wav": f"{stem}.wav", "vocals": f"{stem}-vocals.mp3",
            "instrumental": f"{stem}-instrumental.mp3"}


def source_download_name(task: RemixTask, stem: str) -> str:
    return f"source-{str(task.pk)[:8]}-{stem}.mp3"


# --- shapes -------------------------------------------------------------------------------------


class ConversionFields(TypedDict):
    conversion_id: str
    conversion_path: str | None
    conversion_path_wav: str | None
    conversion_duration: float | None
    lyrics: str
    lyrics_timestamped: list
    conversion_path_vocals: str | None  # extension: this version's vocal stem (mp3)
    conversion_path_instrumental: str | None  # extension: this version without its vocal (mp3)


class SourceStemFields(TypedDict):
    source_path_vocals: str | None  # extension: the source song's separated vocal (mp3)
    source_path_accompaniment: str | None  # extension: the source song without its vocal (mp3)


class TaskFields(SourceStemFields):
    task_id: str
    conversionType: str
    status: str
    status_msg: str
    progress: int
    stage: str
    eta: int
    prompt: str
    gender: str | None
    album_cover_path: str | None
    album_cover_thumbnail: str | None
    credit_estimate: float
    conversion_cost: float | None
    is_flagged: bool
    reason: str
    createdAt: str | None
    updatedAt: str | None
    finishedAt: str | None


class ConversionEvent(ConversionFields, SourceStemFields):
    success: bool
    conversion_type: str
    task_id: str
    is_flagged: bool
    reason: str


class LyricsEvent(TypedDict):
    success: bool
    conversion_type: str
    subtype: str
    task_id: str
    conversion_id: str
    lyrics: str
    lyrics_timestamped: list


class AlbumCoverEvent(TypedDict):
    success: bool
    conversion_type: str
    subtype: str
    task_id: str
    album_cover_path: str | None
    album_cover_thumbnail: str | None


class FailureEvent(TypedDict):
    success: bool
    conversion_type: str
    task_id: str
    status: str
    reason: str


# --- builders -----------------------------------------------------------------------------------


def _iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def conversion_fields(task: RemixTask, conv: Conversion, links: Links) -> ConversionFields:
    names = download_names(task, conv.index)
    return {
        "conversion_id": str(conv.pk),
        "conversion_path": links(conv.mp3),
        "conversion_path_wav": links(conv.wav, names["wav"]),
        "conversion_duration": conv.duration,
        "lyrics": conv.lyrics,
        "lyrics_timestamped": conv.lyrics_timestamped,
        "conversion_path_vocals": links(conv.vocals_file, names["vocals"]),
        "conversion_path_instrumental": links(conv.instrumental_file, names["instrumental"]),
    }


def source_stem_fields(task: RemixTask, links: Links) -> SourceStemFields:
    return {
        "source_path_vocals": links(task.source_vocals_file, source_download_name(task, "vocals")),
        "source_path_accompaniment": links(
            task.source_accompaniment_file, source_download_name(task, "accompaniment")
        ),
    }


def suffixed(fields: ConversionFields, index: int) -> dict:
    """A version's fields as `byId` lists them on a task: every name with `_1` or `_2`."""
    return {f"{name}_{index}": value for name, value in fields.items()}


def _reason(task: RemixTask) -> str:
    if task.is_flagged:
        return task.flag_reason
    if task.status == RemixTask.Status.FAILED:
        return task.status_msg
    return ""


def task_fields(task: RemixTask, links: Links, *, eta: int) -> TaskFields:
    return {
        "task_id": str(task.pk),
        "conversionType": "REMIX",
        "status": task.status,
        "status_msg": task.status_msg,
        "progress": task.progress,
        "stage": stage_label(task.stage) if task.stage else task.stage,
        "eta": eta,
        "prompt": task.prompt,
        "gender": task.gender or None,
        "album_cover_path": links(task.cover),
        "album_cover_thumbnail": links(task.cover_thumb),
        "credit_estimate": float(task.credit_estimate),
        "conversion_cost": float(task.cost) if task.cost is not None else None,
        "is_flagged": task.is_flagged,
        "reason": _reason(task),
        "createdAt": _iso(task.created_at),
        "updatedAt": _iso(task.updated_at),
        "finishedAt": _iso(task.finished_at),
        **source_stem_fields(task, links),
    }


def task_status(task: RemixTask, conversions: list[Conversion], links: Links, *, eta: int) -> dict:
    """`byId?task_id=`: the task's fields and both versions' fields suffixed `_1`, `_2`."""
    body: dict = dict(task_fields(task, links, eta=eta))
    for conv in sorted(conversions, key=lambda c: c.index):
        body.update(suffixed(conversion_fields(task, conv, links), conv.index))
    return body


def conversion_status(task: RemixTask, conv: Conversion, links: Links, *, eta: int) -> dict:
    """`byId?conversion_id=`: the task's fields and this version's, unsuffixed."""
    return {**task_fields(task, links, eta=eta), **conversion_fields(task, conv, links)}


def conversion_event(task: RemixTask, conv: Conversion, links: Links) -> ConversionEvent:
    return {
        "success": True,
        "conversion_type": "Remix",
        "task_id": str(task.pk),
        **conversion_fields(task, conv, links),
        "is_flagged": task.is_flagged,
        "reason": task.flag_reason if task.is_flagged else "",
        **source_stem_fields(task, links),
    }


def lyrics_event(task: RemixTask, conv: Conversion) -> LyricsEvent:
    return {
        "success": True,
        "conversion_type": "Remix",
        "subtype": "lyrics_timestamped",
        "task_id": str(task.pk),
        "conversion_id": str(conv.pk),
        "lyrics": conv.lyrics,
        "lyrics_timestamped": conv.lyrics_timestamped,
    }


def album_cover_event(task: RemixTask, links: Links) -> AlbumCoverEvent:
    return {
        "success": True,
        "conversion_type": "Remix",
        "subtype": "album_cover",
        "task_id": str(task.pk),
        "album_cover_path": links(task.cover),
        "album_cover_thumbnail": links(task.cover_thumb),
    }


def failure_event(task: RemixTask) -> FailureEvent:
    return {
        "success": False, "conversion_type": "Remix", "task_id": str(task.pk), "status": "FAILED",
        "reason": task.status_msg,
    }


def task_events(task: RemixTask, links: Links) -> list[tuple[str, str, dict]]:
    """(key, event type, payload) of every event a finished task sends, in sending order."""
    if task.status == RemixTask.Status.FAILED:
        return [("failure", "failure", dict(failure_event(task)))]
    if task.status != RemixTask.Status.COMPLETED:
        return []
    conversions = sorted(task.conversions.all(), key=lambda c: c.index)
    events: list[tuple[str, str, dict]] = [
        (f"conversion:{conv.index}", "conversion", dict(conversion_event(task, conv, links))) for conv in conversions
    ]
    if not task.instrumental:
        events += [(f"lyrics:{conv.index}", "lyrics", dict(lyrics_event(task, conv))) for conv in conversions]
    if task.cover:
        events.append(("album_cover", "album_cover", dict(album_cover_event(task, links))))
    return events


# --- the OpenAPI document's examples ------------------------------------------------------------


def examples(base_url: str) -> dict[str, dict]:
    """Example bodies by schema name, built by the builders above from an unsaved example task."""
    import uuid
    from datetime import datetime, timezone
    from decimal import Decimal

    created = datetime(2025, 1, 1, 12, 0, tzinfo=timezone.utc)
    task = RemixTask(
        task_id=uuid.UUID("0b0e5c1e-7d1a-4c4e-9a53-2f1c8e6d4a10"), prompt="Make it lo-fi with chill beats",
        gender="female", status=RemixTask.Status.COMPLETED, status_msg="Completed", progress=100, stage="Done",
        credit_estimate=Decimal("3.00"), cost=Decimal("3.00"), created_at=created, updated_at=created,
        finished_at=created, cover="results/example/cover.png", cover_thumb="results/example/cover-thumb.png",
        source_vocals_file="results/example/source-vocals.mp3",
        source_accompaniment_file="results/example/source-accompaniment.mp3",
    )
    lines = [{"text": "It's a brand new day", "start": 0.2, "end": 1.4, "words": [
        {"word": "It's", "start": 0.2, "end": 0.4}, {"word": "a", "start": 0.4, "end": 0.5},
        {"word": "brand", "start": 0.5, "end": 0.8}, {"word": "new", "start": 0.8, "end": 1.0},
        {"word": "day", "start": 1.0, "end": 1.4}]}]
    conversions = [
        Conversion(
            conversion_id=uuid.UUID(f"7c9e6679-7425-40de-944b-e07fc1f90ae{i}"), task=task, index=i,
            mp3=f"results/example/remix-{i}.mp3", wav=f"results/example/remix-{i}.wav",
            vocals_file=f"results/example/remix-{i}-vocals.mp3",
            instrumental_file=f"results/example/remix-{i}-instrumental.mp3",
            duration=182.4, lyrics="It's a brand new day", lyrics_timestamped=lines,
        )
        for i in (1, 2)
    ]

    def make(field_file: FieldFile, download_name: str | None) -> str:
        return f"{base_url}/files/<signed-token>/{field_file.name.rsplit('/', 1)[-1]}"

    links = Links(task, make)
    failed = RemixTask(task_id=task.task_id, status=RemixTask.Status.FAILED,
                       status_msg="The audio could not be decoded. Your credits were refunded.")
    return {
        "TaskStatus": task_status(task, conversions, links, eta=0),
        "ConversionStatus": conversion_status(task, conversions[0], links, eta=0),
        "ConversionEvent": dict(conversion_event(task, conversions[0], links)),
        "LyricsEvent": dict(lyrics_event(task, conversions[0])),
        "AlbumCoverEvent": dict(album_cover_event(task, links)),
        "FailureEvent": dict(failure_event(failed)),
    }
