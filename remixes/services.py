"""The life of a remix task, in one place: submit, claim, progress, result, failure, recovery,
review and deletion. Views, Dramatiq actors and the provider webhook call these functions; none of
them writes task fields itself. Every transition is a conditional UPDATE, so a duplicate message,
a second worker or a replayed callback changes nothing."""
from __future__ import annotations

import hashlib
import logging
import math
import os
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import ledger, moderation, queue, webhooks
from .errors import InsufficientCredits, NotDeletable, QueueingError, SubmitError, UserError
from .eta import estimate_eta
from .models import Conversion, CreditEntry, ProviderEvent, RemixTask, Upload, User, random_upload_path
from .results import SOURCE_STEMS, VERSION_STEMS, AudioFacts, FetchedAudio, TaskResult, VersionOutput

log = logging.getLogger(__name__)

Status = RemixTask.Status


# --- prices and estimates ---------------------------------------------------------------------


def price_for(duration_seconds: float) -> Decimal:
    """Credits for remixing a song of this length (both versions): per started second, with a minimum."""
    raw = settings.CREDITS_PER_MINUTE * Decimal(math.ceil(max(duration_seconds, 0))) / Decimal(60)
    return max(settings.CREDITS_MINIMUM, raw).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def task_for_status(task_id: uuid.UUID, owner_id: int) -> RemixTask | None:
    """The owner's task for a status poll, with its place in the queue read in the same query: for a
    queued task `queued_before` (tasks queued earlier and not started) and `processing_now`, else 0;
    `source_duration`, the upload's length when known.

    Every open job page asks for this every 2 s, so it is one hand-written query: the ORM spends
    about 1.5 ms building the equivalent annotated query, three times what the database takes to
    answer it (`make loadtest` measures the poll)."""
    table = connection.ops.quote_name(RemixTask._meta.db_table)
    uploads = connection.ops.quote_name(Upload._meta.db_table)
    sql = f"""
        SELECT t.*,
            (SELECT u.duration FROM {uploads} u WHERE u.id = t.upload_id) AS source_duration,
            CASE WHEN t.status = %(queued)s THEN (
                SELECT COUNT(*) FROM {table} q WHERE q.status = %(queued)s AND q.created_at < t.created_at
            ) ELSE 0 END AS queued_before,
            CASE WHEN t.status = %(queued)s THEN (
                SELECT COUNT(*) FROM {table} p WHERE p.status = %(processing)s
            ) ELSE 0 END AS processing_now
        FROM {table} t WHERE t.task_id = %(task)s AND t.owner_id = %(owner)s"""
    params = {
        "queued": Status.IN_QUEUE, "processing": Status.PROCESSING, "owner": owner_id,
        "task": RemixTask._meta.pk.get_db_prep_value(task_id, connection),
    }
    return next(iter(RemixTask.objects.raw(sql, params)), None)


# --- credits ----------------------------------------------------------------------------------


def grant_credits(user: User, amount: Decimal | int | str, note: str = "") -> CreditEntry:
    return ledger.grant(user.pk, amount, note)


# --- uploads ----------------------------------------------------------------------------------


def store_upload(owner: User, fileobj: IO[bytes], original_name: str, facts: AudioFacts | None) -> Upload:
    """Save an uploaded file under a random name, with its size and sha256."""
    fileobj.seek(0)
    digest = hashlib.file_digest(fileobj, "sha256")  # reads into one reused buffer
    size = fileobj.seek(0, os.SEEK_END)
    fileobj.seek(0)
    upload = Upload(
        owner=owner,
        original_name=_clean_name(original_name),
        size=size,
        sha256=digest.hexdigest(),
        duration=facts.duration if facts else None,
        sample_rate=facts.sample_rate if facts else None,
        channels=facts.channels if facts else None,
    )
    # Local storage moves a file Django spooled to disk instead of copying it. Other storages get a
    # plain File: S3 would take the client's claimed content type from an UploadedFile.
    spooled = hasattr(fileobj, "temporary_file_path") and isinstance(upload.file.storage, FileSystemStorage)
    upload.file.save(upload.original_name or "audio", fileobj if spooled else File(fileobj), save=False)
    upload.save()
    return upload


def _clean_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name
    return "".join(ch for ch in base if ch.isprintable())[:255]


# --- submit -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RemixOptions:
    prompt: str
    lyrics: str = ""
    gender: str = ""
    webhook_url: str = ""
    seed: int | None = None
    strength: float = 0.5
    instrumental: bool = False


def submit_remix(
    owner: User,
    options: RemixOptions,
    *,
    upload: Upload | None = None,
    audio_file: IO[bytes] | None = None,
    audio_name: str = "",
    audio_facts: AudioFacts | None = None,
    audio_url: str = "",
    via_api: bool = False,
) -> RemixTask:
    """Create the upload (or reuse one), the task, its two conversions and the credit hold in one
    transaction, and queue the task when it commits. Raises InsufficientCredits or QueueingError.
    The task comes back with its conversions in `new_conversions` (version 1 first), so a caller
    that answers with their ids need not read them back."""
    if sum(x is not None and x != "" for x in (upload, audio_file, audio_url)) != 1:
        raise SubmitError("Give exactly one of an audio file or an audio URL.")
    duration = (
        upload.duration
        if upload is not None and upload.duration
        else audio_facts.duration
        if audio_facts
        else settings.REMIX_URL_ESTIMATE_SECONDS
    )
    estimate = price_for(duration)
    flagged, flag_reason = moderation.check_request(options.prompt, options.lyrics)
    seed = options.seed if options.seed is not None else int.from_bytes(hashlib.sha256(
        f"{owner.pk}:{timezone.now().isoformat()}".encode()).digest()[:3], "big")

    task = None
    try:
        with transaction.atomic():
            balance = ledger.lock_user(owner.pk).credit_balance
            if balance < estimate:
                raise InsufficientCredits(
                    f"This remix needs {estimate} credits and your balance is {balance}."
                )
            if upload is None:
                if audio_file is not None:
                    upload = store_upload(owner, audio_file, audio_name, audio_facts)
                else:
                    upload = Upload.objects.create(owner=owner, source_url=audio_url)
            now = timezone.now()
            task = RemixTask.objects.create(
                owner=owner,
                upload=upload,
                prompt=options.prompt,
                lyrics=options.lyrics,
                gender=options.gender,
                webhook_url=options.webhook_url,
                options={"seed": seed, "strength": options.strength, "instrumental": options.instrumental},
                via_api=via_api,
                status_msg="Waiting in the queue",
                eta=estimate_eta(duration),
                credit_estimate=estimate,
                provider=settings.REMIX_PROVIDER,
                enqueued_at=now,
                is_flagged=flagged,
                flag_reason=flag_reason,
                review_state=RemixTask.Review.PENDING if flagged else RemixTask.Review.NONE,
            )
            task.new_conversions = Conversion.objects.bulk_create(
                [Conversion(task=task, index=1), Conversion(task=task, index=2)]
            )
            ledger.hold(task, estimate)
            transaction.on_commit(lambda: enqueue(task.task_id))
    except UserError:
        raise
    except Exception as exc:
        # Only the on-commit send can fail after the task exists: fail it so the hold is refunded.
        if task is not None and RemixTask.objects.filter(pk=task.pk).exists():
            log.exception("queueing task %s failed", task.pk)
            fail_task(task.pk, "The task could not be queued. Nothing was charged; please try again.")
            raise QueueingError("The remix could not be queued; nothing was charged. Please try again.") from exc
        raise
    return task


def enqueue(task_id) -> None:
    """Queue `tasks.process_remix` for the task (by name: tasks.py imports this module)."""
    queue.send(queue.PROCESS_REMIX, str(task_id))


# --- worker side ------------------------------------------------------------------------------


def claim_task(task_id) -> RemixTask | None:
    """Move IN_QUEUE -> PROCESSING. Returns the task, or None when someone else has it or it is done."""
    now = timezone.now()
    claimed = RemixTask.objects.filter(pk=task_id, status=Status.IN_QUEUE).update(
        status=Status.PROCESSING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        progress=0,
        stage="Starting",
        status_msg="Processing",
    )
    if not claimed:
        return None
    return RemixTask.objects.select_related("upload", "owner").get(pk=task_id)


def report_progress(task_id, attempt: int, stage: str, percent: int) -> bool:
    """Record progress of the current attempt. False means the task is no longer ours: stop working."""
    return bool(
        RemixTask.objects.filter(pk=task_id, status=Status.PROCESSING, attempts=attempt).update(
            stage=stage[:80], progress=max(0, min(99, int(percent))), heartbeat_at=timezone.now()
        )
    )


def release_task(task_id, attempt: int, reason: str) -> bool:
    """Put a task this worker claimed back in the queue (the message is being retried)."""
    return bool(
        RemixTask.objects.filter(pk=task_id, status=Status.PROCESSING, attempts=attempt).update(
            status=Status.IN_QUEUE, enqueued_at=timezone.now(), stage="Requeued", status_msg=reason[:500]
        )
    )


def record_provider_submission(task_id, attempt: int, provider_task_id: str, refs: dict[str, int]) -> bool:
    """Remember the upstream ids of a task handed to an upstream provider; its callbacks finish it."""
    return bool(
        RemixTask.objects.filter(pk=task_id, status=Status.PROCESSING, attempts=attempt).update(
            provider_task_id=provider_task_id, provider_refs=refs, heartbeat_at=timezone.now(),
            stage="Remixing upstream", progress=10,
        )
    )


def mark_provider_event_applied(event_id: int) -> None:
    """A worker has applied (or deliberately ignored) this provider callback: the sweep leaves it be."""
    ProviderEvent.objects.filter(pk=event_id, applied_at__isnull=True).update(applied_at=timezone.now())


def attach_fetched_source(task_id, attempt: int, fetched: FetchedAudio) -> None:
    """Store a song fetched from the task's audio_url as its upload and settle the hold (record_source);
    the stored copy is removed again when that fails."""
    upload = RemixTask.objects.select_related("upload").get(pk=task_id).upload
    with fetched.path.open("rb") as fh:
        stored = default_storage.save(random_upload_path(upload, fetched.path.name), File(fh))
    try:
        record_source(task_id, attempt, fetched.facts, stored, fetched.size, fetched.sha256)
    except Exception:
        default_storage.delete(stored)
        raise


def record_source_peaks(upload_id, peaks: list[float]) -> None:
    """The original song's waveform, for its player on the job page (drawn once per upload)."""
    Upload.objects.filter(pk=upload_id).update(peaks=peaks)


def record_source(task_id, attempt: int, facts: AudioFacts, stored_name: str, size: int, sha256: str) -> None:
    """Attach a fetched audio_url to its upload and settle the hold to the song's real length.
    Raises InsufficientCredits when the real song costs more than the account can pay."""
    with transaction.atomic():
        task = RemixTask.objects.select_for_update().select_related("upload").get(pk=task_id)
        upload = task.upload
        upload.file.name = stored_name
        upload.size, upload.sha256 = size, sha256
        upload.duration, upload.sample_rate, upload.channels = facts.duration, facts.sample_rate, facts.channels
        upload.save()
        price = price_for(facts.duration)
        if price > task.credit_estimate:
            extra = price - task.credit_estimate
            if ledger.lock_user(task.owner_id).credit_balance < extra:
                raise InsufficientCredits(
                    f"This song is {facts.duration:.0f} s long and needs {price} credits; your balance is too low."
                )
            ledger.extra_hold(task, extra, f"Held for the song's real length ({facts.duration:.0f} s)")
            RemixTask.objects.filter(pk=task_id).update(credit_estimate=price)


def _save(name: str, content: bytes | Path) -> str:
    if isinstance(content, Path):
        with content.open("rb") as fh:
            return default_storage.save(name, File(fh))
    return default_storage.save(name, ContentFile(content))


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:
            log.exception("could not delete %s", name)


def apply_result(task_id, result: TaskResult, attempt: int | None = None) -> bool:
    """Store what the provider produced. The task completes when both versions have audio: then the
    hold is released, the real cost charged and the outgoing webhooks queued. After completion only
    missing metadata (timed lyrics, cover) is still accepted, as upstream callbacks may come late.
    Applying the same result twice changes nothing. Returns True when something was applied."""
    task = RemixTask.objects.get(pk=task_id)
    if attempt is not None and task.attempts != attempt:
        return False
    if task.status not in (Status.PROCESSING, Status.COMPLETED):
        return False
    running = task.status == Status.PROCESSING
    conversions = {c.index: c for c in task.conversions.all()}

    saved: list[str] = []
    audio_names: dict[int, dict[str, str]] = {}  # version index -> {conversion file field: stored name}
    task_names: dict[str, str] = {}  # task file field -> stored name

    def store(name: str, content: bytes | Path) -> str:
        saved.append(_save(name, content))
        return saved[-1]

    try:
        for version in result.versions:
            conv = conversions[version.index]
            if not running or conv.has_audio or version.mp3 is None:
                continue
            base = f"results/{task.pk}/remix-{version.index}-{conv.pk.hex[:8]}"
            names = audio_names[version.index] = {"mp3": store(base + ".mp3", version.mp3)}
            if version.wav is not None:
                names["wav"] = store(base + ".wav", version.wav)
            for stem, content in (version.stems or {}).items():
                if stem in VERSION_STEMS and content is not None:
                    names[f"{stem}_file"] = store(f"{base}-{stem}.mp3", content)
        if result.cover_png and not task.cover:
            task_names["cover"] = store(f"results/{task.pk}/cover.png", result.cover_png)
            if result.cover_thumb_png:
                task_names["cover_thumb"] = store(f"results/{task.pk}/cover-thumb.png", result.cover_thumb_png)
        if running:
            for stem, content in (result.source_stems or {}).items():
                if stem in SOURCE_STEMS and content is not None and not getattr(task, f"source_{stem}_file"):
                    task_names[f"source_{stem}_file"] = store(f"results/{task.pk}/source-{stem}.mp3", content)
    except Exception as exc:
        log.exception("storing results of %s failed", task.pk)
        _delete_files(saved)
        if running:
            fail_task(task.pk, f"The results could not be stored ({exc.__class__.__name__}). Your credits were refunded.")
        return False

    with transaction.atomic():
        condition = Q(pk=task.pk, status=task.status)
        if attempt is not None:
            condition &= Q(attempts=attempt)
        locked = RemixTask.objects.select_for_update().filter(condition).first()
        if locked is None:  # the task changed hands or state meanwhile
            transaction.on_commit(lambda: _delete_files(saved))
            return False
        changed = False
        for version in result.versions:
            conv = Conversion.objects.select_for_update().get(pk=conversions[version.index].pk)
            changed |= _fill_conversion(conv, version, audio_names.get(version.index, {}), running)
        for attr, name in task_names.items():
            if getattr(locked, attr):  # stored by a concurrent delivery
                transaction.on_commit(lambda n=name: _delete_files([n]))
            else:
                getattr(locked, attr).name = name
                changed = True
        if result.style_plan is not None and running:
            locked.style_plan = result.style_plan
            changed = True
        if not locked.is_flagged and _flag_heard_lyrics(locked):
            changed = True
        if result.source_duration and not locked.upload.duration:
            Upload.objects.filter(pk=locked.upload_id).update(duration=result.source_duration)
        completes = running and all(c.has_audio for c in Conversion.objects.filter(task=locked))
        if completes:
            _complete(locked)
        if changed or completes:
            locked.save()
        if completes or (changed and not running):
            # The events (on completion, or the ones a late lyrics or cover callback makes possible)
            # are written in this same transaction: the outbox.
            webhooks.record_task_events(locked)
    if completes:
        log.info("task %s completed", task.pk)
    return changed or completes


CONVERSION_FILES = ("mp3", "wav", "vocals_file", "instrumental_file")


def _flag_heard_lyrics(task: RemixTask) -> bool:
    """Flag a task for review when its versions' lyrics hold flagged terms. The request's own lyrics were
    checked at submission; these are the words the recognizer heard in a kept vocal (or a provider sent),
    which the job page and the API show. Returns True when the task was flagged."""
    heard = " ".join(text for text in Conversion.objects.filter(task=task).values_list("lyrics", flat=True) if text)
    terms = moderation.flagged_terms(heard)
    if not terms:
        return False
    task.is_flagged = True
    task.flag_reason = f"the song's lyrics contain flagged terms: {', '.join(terms[:5])}"[:500]
    task.review_state = RemixTask.Review.PENDING
    return True


def _fill_conversion(conv: Conversion, version: VersionOutput, names: dict[str, str], running: bool) -> bool:
    """Copy one version's parts onto its conversion; after completion only into empty fields."""
    changed = False
    if names:
        if conv.has_audio:  # another delivery stored this version meanwhile
            transaction.on_commit(lambda n=list(names.values()): _delete_files(n))
        else:
            for attr in CONVERSION_FILES:
                getattr(conv, attr).name = names.get(attr, "")
            changed = True
    for attr in ("duration", "lyrics", "lyrics_timestamped", "peaks"):
        value = getattr(version, attr)
        current = getattr(conv, attr)
        if value is None or current == value or (not running and current):
            continue
        setattr(conv, attr, value)
        changed = True
    if changed:
        conv.save()
    return changed


def _complete(task: RemixTask) -> None:
    duration = Upload.objects.values_list("duration", flat=True).get(pk=task.upload_id) or 0
    cost = min(price_for(duration), task.credit_estimate) if duration else task.credit_estimate
    task.status = Status.COMPLETED
    task.progress = 100
    task.stage = "Done"
    task.status_msg = "Completed"
    task.finished_at = timezone.now()
    task.cost = cost
    ledger.settle(task, held=task.credit_estimate, cost=cost)


def fail_task(task_id, reason: str, attempt: int | None = None) -> bool:
    """Move an unfinished task to FAILED with a human reason and refund its hold. Idempotent."""
    with transaction.atomic():
        condition = Q(pk=task_id, status__in=[Status.IN_QUEUE, Status.PROCESSING])
        if attempt is not None:
            condition &= Q(attempts=attempt)
        task = RemixTask.objects.select_for_update().filter(condition).first()
        if task is None:
            return False
        task.status = Status.FAILED
        task.status_msg = reason[:500]
        task.stage = "Failed"
        task.finished_at = timezone.now()
        task.cost = Decimal("0")
        partial = [f.name for f in task.source_stem_files().values()]
        task.source_vocals_file.name = task.source_accompaniment_file.name = ""
        task.save()
        ledger.refund(task)
        for conv in task.conversions.all():
            partial += [f.name for f in conv.audio_files()]
            for attr in CONVERSION_FILES:
                getattr(conv, attr).name = ""
            conv.save(update_fields=list(CONVERSION_FILES))
        transaction.on_commit(lambda: _delete_files(partial))
        webhooks.record_task_events(task)
    log.info("task %s failed: %s", task_id, reason)
    return True


def recover_stale_tasks(now=None) -> list[str]:
    """Re-send tasks that a lost message or a dead worker left behind; fail those out of attempts.
    Safe to run from many processes at once: every change is conditional on what was read."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.REMIX_STALE_AFTER)
    recovered: list[str] = []
    for task_id, enqueued_at in RemixTask.objects.filter(status=Status.IN_QUEUE, enqueued_at__lt=cutoff).values_list(
        "pk", "enqueued_at"
    ):
        if RemixTask.objects.filter(pk=task_id, status=Status.IN_QUEUE, enqueued_at=enqueued_at).update(
            enqueued_at=now
        ):
            _resend(task_id)
            recovered.append(str(task_id))
    # Upstream tasks wait for MusicGPT's callbacks without heartbeats: they get the whole time limit.
    upstream_deadline = now - timedelta(seconds=settings.REMIX_TASK_TIME_LIMIT)
    silent = RemixTask.objects.filter(
        Q(status=Status.PROCESSING)
        & (
            (~Q(provider="musicgpt") & Q(heartbeat_at__lt=cutoff))
            | (Q(provider="musicgpt") & Q(heartbeat_at__lt=upstream_deadline))
        )
    )
    for task_id, attempts, heartbeat in silent.values_list("pk", "attempts", "heartbeat_at"):
        if attempts >= settings.REMIX_MAX_ATTEMPTS:
            fail_task(
                task_id,
                f"The remix did not finish after {attempts} attempts. Your credits were refunded.",
                attempt=attempts,
            )
            recovered.append(str(task_id))
            continue
        if RemixTask.objects.filter(
            pk=task_id, status=Status.PROCESSING, attempts=attempts, heartbeat_at=heartbeat
        ).update(status=Status.IN_QUEUE, enqueued_at=now, stage="Requeued", status_msg="Waiting in the queue (retry)"):
            _resend(task_id)
            recovered.append(str(task_id))
    if recovered:
        log.warning("recovered %d stale task(s): %s", len(recovered), ", ".join(recovered))
    return recovered


def _resend(task_id) -> None:
    try:
        enqueue(task_id)
    except Exception:
        # The task stays IN_QUEUE with a fresh enqueued_at; the next sweep tries again.
        log.exception("re-sending task %s failed", task_id)


# --- owner and reviewer actions ---------------------------------------------------------------


def review_task(task: RemixTask, reviewer: User, approve: bool) -> None:
    """Record a moderator's decision. An approved, finished task sends its webhook events again,
    now with the audio links its first events had to leave out."""
    with transaction.atomic():
        RemixTask.objects.filter(pk=task.pk).update(
            review_state=RemixTask.Review.APPROVED if approve else RemixTask.Review.REJECTED,
            reviewed_by=reviewer,
            reviewed_at=timezone.now(),
        )
        if approve:
            decided = RemixTask.objects.select_for_update().get(pk=task.pk)
            if decided.status == Status.COMPLETED:
                webhooks.record_task_events(decided, occasion="approved")


def delete_task(task: RemixTask) -> None:
    """Delete a finished task and its stored files (the ledger keeps its lines)."""
    if not task.is_finished:
        raise NotDeletable("A remix can be deleted once it has finished.")
    names = [f.name for f in task.stored_files()]
    for conv in task.conversions.all():
        names += [f.name for f in conv.audio_files()]
    with transaction.atomic():
        task.delete()
        transaction.on_commit(lambda: _delete_files(names))


def delete_upload(upload: Upload) -> None:
    """Delete an upload with all its finished remixes and their files."""
    if upload.tasks.exclude(status__in=RemixTask.FINISHED).exists():
        raise NotDeletable("This song still has a remix in progress.")
    for task in upload.tasks.all():
        delete_task(task)
    names = [upload.file.name] if upload.file else []
    with transaction.atomic():
        upload.delete()
        transaction.on_commit(lambda: _delete_files(names))
