"""The job lifecycle: submit, claim, progress, apply, fail, recover — and the credit ledger."""
from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.utils import timezone

from remixes import services
from remixes.errors import NotDeletable
from remixes.models import Conversion, CreditEntry, RemixTask
from remixes.services import AudioFacts, RemixOptions, TaskResult, VersionOutput

pytestmark = pytest.mark.django_db

FACTS = AudioFacts(duration=5.0, sample_rate=22050, channels=2)


def submit(user, clip_bytes, **options) -> RemixTask:
    return services.submit_remix(
        user,
        RemixOptions(prompt=options.pop("prompt", "make it lo-fi"), **options),
        audio_file=io.BytesIO(clip_bytes),
        audio_name="song.wav",
        audio_facts=FACTS,
    )


def result(lyrics: str = "") -> TaskResult:
    return TaskResult(
        versions=[
            VersionOutput(index=i, mp3=b"ID3 fake mp3 %d" % i, wav=b"RIFF fake wav %d" % i, duration=5.0,
                          lyrics=lyrics, lyrics_timestamped=[], peaks=[0.1, 0.5])
            for i in (1, 2)
        ],
        cover_png=b"\x89PNG cover",
        cover_thumb_png=b"\x89PNG thumb",
        style_plan={"style": "lofi"},
    )


def _stored_results(task) -> list[str]:
    folder = f"results/{task.pk}"
    return default_storage.listdir(folder)[1] if default_storage.exists(folder) else []


def ledger(user) -> list[tuple[str, Decimal]]:
    return sorted((e.kind, e.amount) for e in CreditEntry.objects.filter(user=user).exclude(kind="grant"))


def test_it_creates_task_conversions_upload_and_hold_in_one_go(owner, clip_bytes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        task = submit(owner, clip_bytes)
    assert task.status == RemixTask.Status.IN_QUEUE
    assert sorted(task.conversions.values_list("index", flat=True)) == [1, 2]
    assert task.upload.size == len(clip_bytes) and len(task.upload.sha256) == 64
    assert default_storage.exists(task.upload.file.name)
    assert "song" not in task.upload.file.name  # stored under a random name
    assert task.credit_estimate == services.price_for(5.0) == Decimal("5.00")
    assert ledger(owner) == [("hold", Decimal("-5.00"))]
    assert owner.credit_balance == Decimal("195.00")
    assert len(callbacks) == 1  # the message goes out on commit


def test_it_hands_back_the_new_conversions_in_version_order(owner, clip_bytes):
    task = submit(owner, clip_bytes)
    assert [c.index for c in task.new_conversions] == [1, 2]
    assert [c.pk for c in task.new_conversions] == list(
        Conversion.objects.filter(task=task).order_by("index").values_list("pk", flat=True)
    )


def spooled(data: bytes) -> TemporaryUploadedFile:
    """An upload as Django leaves one it streamed to disk."""
    uploaded = TemporaryUploadedFile("song.wav", "text/html", len(data), None)
    uploaded.write(data)
    uploaded.seek(0)
    return uploaded


def test_it_records_the_size_and_sha256_of_what_it_stores(owner, clip_bytes):
    for audio_file in (io.BytesIO(clip_bytes), spooled(clip_bytes)):
        upload = services.store_upload(owner, audio_file, "song.wav", FACTS)
        assert upload.size == len(clip_bytes)
        assert upload.sha256 == hashlib.sha256(clip_bytes).hexdigest()
        assert default_storage.open(upload.file.name).read() == clip_bytes
        audio_file.close()


def test_it_moves_an_upload_spooled_to_disk_into_local_storage_instead_of_copying_it(owner, clip_bytes, settings):
    audio_file = spooled(clip_bytes)
    temporary = Path(audio_file.temporary_file_path())
    inode = temporary.stat().st_ino
    upload = services.store_upload(owner, audio_file, "song.wav", FACTS)
    assert not temporary.exists()
    assert Path(upload.file.path).stat().st_ino == inode
    assert oct(Path(upload.file.path).stat().st_mode & 0o777) == oct(settings.FILE_UPLOAD_PERMISSIONS)
    audio_file.close()  # what Django does at the end of the request: the file is gone, no error


class TypeRecordingStorage(InMemoryStorage):
    """A storage that is not local disk, remembering the content type each saved file claimed."""

    claimed_types: list = []

    def _save(self, name, content):
        self.claimed_types.append(getattr(content, "content_type", None))
        return super()._save(name, content)


def test_a_remote_storage_never_sees_the_content_type_the_client_claimed(owner, clip_bytes, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.TypeRecordingStorage"}}
    TypeRecordingStorage.claimed_types = []
    audio_file = spooled(clip_bytes)
    upload = services.store_upload(owner, audio_file, "song.wav", FACTS)
    assert TypeRecordingStorage.claimed_types == [None]  # S3 types the object by its stored name instead
    assert upload.file.read() == clip_bytes
    audio_file.close()


def test_it_refuses_when_credits_are_insufficient_and_creates_nothing(make_user, clip_bytes):
    poor = make_user("poor", credits=Decimal("1"))
    with pytest.raises(services.InsufficientCredits) as error:
        submit(poor, clip_bytes)
    assert "needs 5.00 credits" in error.value.user_message
    assert error.value.status == 402
    assert not RemixTask.objects.exists() and not poor.uploads.exists()


def test_it_prices_by_started_second_with_a_minimum():
    assert services.price_for(1) == Decimal("5.00")
    assert services.price_for(180) == Decimal("30.00")
    assert services.price_for(180.2) == Decimal("30.17")


def test_it_claims_a_task_only_once(owner, clip_bytes):
    task = submit(owner, clip_bytes)
    first = services.claim_task(task.pk)
    assert first is not None and first.status == RemixTask.Status.PROCESSING and first.attempts == 1
    assert services.claim_task(task.pk) is None


def test_it_completes_and_charges_once_when_a_result_is_applied_twice(owner, clip_bytes):
    task = submit(owner, clip_bytes, lyrics="It's a brand new day")
    claimed = services.claim_task(task.pk)
    assert services.apply_result(task.pk, result(), attempt=claimed.attempts) is True
    files_after_first = sorted(
        name for c in Conversion.objects.filter(task=task) for name in (c.mp3.name, c.wav.name)
    )
    assert services.apply_result(task.pk, result(), attempt=claimed.attempts) is False
    task.refresh_from_db()
    assert task.status == RemixTask.Status.COMPLETED and task.progress == 100
    assert task.cost == Decimal("5.00")
    assert ledger(owner) == [("charge", Decimal("-5.00")), ("hold", Decimal("-5.00")), ("release", Decimal("5.00"))]
    assert owner.credit_balance == Decimal("195.00")
    files = sorted(name for c in Conversion.objects.filter(task=task) for name in (c.mp3.name, c.wav.name))
    assert files == files_after_first and all(default_storage.exists(n) for n in files)
    assert task.cover and default_storage.open(task.cover.name).read() == b"\x89PNG cover"
    assert task.style_plan == {"style": "lofi"}


def test_it_ignores_a_result_from_an_attempt_that_lost_the_task(owner, clip_bytes):
    task = submit(owner, clip_bytes)
    services.claim_task(task.pk)
    assert services.apply_result(task.pk, result(), attempt=7) is False
    task.refresh_from_db()
    assert task.status == RemixTask.Status.PROCESSING
    assert not _stored_results(task)


def test_it_completes_only_when_both_versions_arrived(owner, clip_bytes):
    task = submit(owner, clip_bytes)
    services.claim_task(task.pk)
    partial = result()
    partial.versions = partial.versions[:1]
    assert services.apply_result(task.pk, partial)
    task.refresh_from_db()
    assert task.status == RemixTask.Status.PROCESSING
    second = result()
    second.versions = second.versions[1:]
    assert services.apply_result(task.pk, second)
    task.refresh_from_db()
    assert task.status == RemixTask.Status.COMPLETED


def test_it_refunds_a_failed_task_once(owner, clip_bytes):
    task = submit(owner, clip_bytes)
    services.claim_task(task.pk)
    assert services.fail_task(task.pk, "The song could not be decoded.") is True
    assert services.fail_task(task.pk, "again") is False
    task.refresh_from_db()
    assert task.status == RemixTask.Status.FAILED and task.status_msg == "The song could not be decoded."
    assert ledger(owner) == [("hold", Decimal("-5.00")), ("refund", Decimal("5.00"))]
    assert owner.credit_balance == Decimal("200.00")


def test_it_does_not_fail_a_completed_task(owner, clip_bytes):
    task = submit(owner, clip_bytes)
    services.claim_task(task.pk)
    services.apply_result(task.pk, result())
    assert services.fail_task(task.pk, "late failure") is False
    task.refresh_from_db()
    assert task.status == RemixTask.Status.COMPLETED


def test_it_removes_stored_files_and_fails_when_storage_breaks(owner, clip_bytes, monkeypatch):
    task = submit(owner, clip_bytes)
    services.claim_task(task.pk)
    real_save = default_storage.save
    calls = []

    def flaky_save(name, content, **kwargs):
        calls.append(name)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real_save(name, content, **kwargs)

    monkeypatch.setattr(default_storage, "save", flaky_save)
    assert services.apply_result(task.pk, result()) is False
    task.refresh_from_db()
    assert task.status == RemixTask.Status.FAILED and "could not be stored" in task.status_msg
    assert owner.credit_balance == Decimal("200.00")
    assert not _stored_results(task)
    assert not any(c.has_audio for c in task.conversions.all())


def test_it_reports_progress_only_for_the_current_attempt(owner, clip_bytes):
    task = submit(owner, clip_bytes)
    claimed = services.claim_task(task.pk)
    assert services.report_progress(task.pk, claimed.attempts, "Analysing", 30)
    assert not services.report_progress(task.pk, claimed.attempts + 1, "Analysing", 40)
    task.refresh_from_db()
    assert (task.stage, task.progress) == ("Analysing", 30)


def test_it_requeues_stale_tasks_and_fails_those_out_of_attempts(owner, clip_bytes, settings, monkeypatch):
    sent = []
    monkeypatch.setattr(services, "enqueue", lambda task_id: sent.append(str(task_id)))
    settings.REMIX_STALE_AFTER = 60
    settings.REMIX_MAX_ATTEMPTS = 2
    lost_message = submit(owner, clip_bytes)
    dead_worker = submit(owner, clip_bytes)
    exhausted = submit(owner, clip_bytes)
    fresh = submit(owner, clip_bytes)
    long_ago = timezone.now() - timedelta(minutes=10)
    RemixTask.objects.filter(pk=lost_message.pk).update(enqueued_at=long_ago)
    services.claim_task(dead_worker.pk)
    services.claim_task(exhausted.pk)
    RemixTask.objects.filter(pk=exhausted.pk).update(attempts=2)
    RemixTask.objects.filter(pk__in=[dead_worker.pk, exhausted.pk]).update(heartbeat_at=long_ago)

    recovered = services.recover_stale_tasks()

    assert set(recovered) == {str(lost_message.pk), str(dead_worker.pk), str(exhausted.pk)}
    assert sorted(sent) == sorted([str(lost_message.pk), str(dead_worker.pk)])
    assert RemixTask.objects.get(pk=dead_worker.pk).status == RemixTask.Status.IN_QUEUE
    gave_up = RemixTask.objects.get(pk=exhausted.pk)
    assert gave_up.status == RemixTask.Status.FAILED and "after 2 attempts" in gave_up.status_msg
    assert RemixTask.objects.get(pk=fresh.pk).status == RemixTask.Status.IN_QUEUE
    assert services.recover_stale_tasks() == []  # a second sweep right away finds nothing
    assert services.claim_task(dead_worker.pk).attempts == 2


def test_a_zombie_worker_cannot_finish_a_recovered_task(owner, clip_bytes, settings, monkeypatch):
    monkeypatch.setattr(services, "enqueue", lambda task_id: None)
    settings.REMIX_STALE_AFTER = 60
    task = submit(owner, clip_bytes)
    zombie = services.claim_task(task.pk)
    RemixTask.objects.filter(pk=task.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    services.recover_stale_tasks()
    fresh = services.claim_task(task.pk)
    assert not services.report_progress(task.pk, zombie.attempts, "Rendering", 50)
    assert services.apply_result(task.pk, result(), attempt=zombie.attempts) is False
    assert services.apply_result(task.pk, result(), attempt=fresh.attempts) is True
    assert CreditEntry.objects.filter(task=task, kind="charge").count() == 1


@pytest.mark.django_db(transaction=True)  # on_commit runs for real only outside a test transaction
def test_it_fails_and_refunds_when_the_queue_is_down(owner, clip_bytes, monkeypatch):
    def broken(task_id):
        raise ConnectionError("redis down")

    monkeypatch.setattr(services, "enqueue", broken)
    with pytest.raises(services.QueueingError):
        submit(owner, clip_bytes)
    task = RemixTask.objects.get()
    assert task.status == RemixTask.Status.FAILED
    assert owner.credit_balance == Decimal("200.00")


def test_it_flags_requests_with_abusive_words(owner, clip_bytes):
    task = submit(owner, clip_bytes, lyrics="you are a bitch")
    assert task.is_flagged and task.review_state == RemixTask.Review.PENDING
    assert "lyrics" in task.flag_reason and not task.outputs_visible


def test_it_flags_a_task_whose_heard_lyrics_hold_abusive_words(owner, clip_bytes):
    # no lyrics asked: the versions carry the words the recognizer heard in the kept vocal
    task = submit(owner, clip_bytes)
    claimed = services.claim_task(task.pk)
    assert services.apply_result(task.pk, result(lyrics="you are a bitch"), attempt=claimed.attempts)
    task.refresh_from_db()
    assert task.status == RemixTask.Status.COMPLETED
    assert task.is_flagged and task.review_state == RemixTask.Review.PENDING
    assert "bitch" in task.flag_reason and not task.outputs_visible


def test_clean_heard_lyrics_leave_a_task_unflagged(owner, clip_bytes):
    task = submit(owner, clip_bytes)
    claimed = services.claim_task(task.pk)
    assert services.apply_result(task.pk, result(lyrics="a brand new day"), attempt=claimed.attempts)
    task.refresh_from_db()
    assert not task.is_flagged and task.review_state == RemixTask.Review.NONE and task.outputs_visible


def test_it_deletes_a_finished_task_with_its_files(owner, clip_bytes):
    task = submit(owner, clip_bytes)
    services.claim_task(task.pk)
    services.apply_result(task.pk, result())
    task.refresh_from_db()
    names = [c.mp3.name for c in task.conversions.all()]
    with pytest.raises(NotDeletable):  # a UserError, no longer a SubmitError
        services.delete_upload(submit(owner, clip_bytes).upload)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.delete_task(task)
    assert not any(default_storage.exists(n) for n in names)
    assert not RemixTask.objects.filter(pk=task.pk).exists()


def submit_url(user, settings) -> RemixTask:
    settings.REMIX_URL_ESTIMATE_SECONDS = 60
    return services.submit_remix(user, RemixOptions(prompt="lofi"), audio_url="https://example.com/song.mp3")


LONG_SONG = AudioFacts(duration=180.0, sample_rate=44100, channels=2)


def test_a_url_song_longer_than_assumed_holds_more_without_editing_the_ledger(owner, settings):
    task = submit_url(owner, settings)
    assert task.credit_estimate == Decimal("10.00")
    claimed = services.claim_task(task.pk)
    services.record_source(task.pk, claimed.attempts, LONG_SONG, "uploads/x.mp3", 1234, "0" * 64)
    assert ledger(owner) == [("extra_hold", Decimal("-20.00")), ("hold", Decimal("-10.00"))]
    services.apply_result(task.pk, result())
    task.refresh_from_db()
    assert task.cost == Decimal("30.00") and owner.credit_balance == Decimal("170.00")
    assert ("release", Decimal("30.00")) in ledger(owner) and ("charge", Decimal("-30.00")) in ledger(owner)


def test_a_failed_url_song_refunds_both_holds(owner, settings):
    task = submit_url(owner, settings)
    claimed = services.claim_task(task.pk)
    services.record_source(task.pk, claimed.attempts, LONG_SONG, "uploads/x.mp3", 1234, "0" * 64)
    services.fail_task(task.pk, "The engine could not remix this song.")
    assert ("refund", Decimal("30.00")) in ledger(owner)
    assert owner.credit_balance == Decimal("200.00")


def test_a_url_song_the_account_cannot_afford_is_refused(make_user, settings):
    poor = make_user("poor", credits=Decimal("15"))
    task = submit_url(poor, settings)
    claimed = services.claim_task(task.pk)
    with pytest.raises(services.InsufficientCredits):
        services.record_source(task.pk, claimed.attempts, LONG_SONG, "uploads/x.mp3", 1234, "0" * 64)
    assert ledger(poor) == [("hold", Decimal("-10.00"))]


def test_only_the_ledger_module_writes_credit_entries():
    """Every CreditEntry write in remixes/ goes through remixes/ledger.py (parsed, not grepped)."""
    import ast

    root = Path(__file__).resolve().parent.parent / "remixes"
    writers = []
    for path in root.rglob("*.py"):
        if path.name == "ledger.py" or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            writes = node.func.attr in {"create", "bulk_create", "update", "bulk_update", "delete",
                                        "get_or_create", "update_or_create", "save"}
            on_ledger = any(isinstance(part, ast.Name) and part.id == "CreditEntry"
                            for part in ast.walk(node.func.value))
            if writes and on_ledger:
                writers.append(f"{path.relative_to(root)}:{node.lineno}")
    assert writers == []


def test_the_admin_adds_credits_as_a_ledger_grant(client, staff, owner):
    client.force_login(staff)
    before = owner.credit_balance
    response = client.post("/admin/remixes/creditentry/add/", {"user": owner.pk, "amount": "12.50", "note": "gift"})
    assert response.status_code == 302, response.content[:2000]
    entry = CreditEntry.objects.filter(user=owner).first()
    assert (entry.kind, entry.amount, entry.note) == ("grant", Decimal("12.50"), "gift")
    assert owner.credit_balance == before + Decimal("12.50")
