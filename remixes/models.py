"""The data of Remix: accounts and their credit ledger, uploads, remix tasks with their two
conversions, API keys and outgoing webhook deliveries. State changes of a task go through
`remixes.services`; these classes only describe the data."""
from __future__ import annotations

import base64
import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q, Sum

from .report import RemixReport


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in standard base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def random_upload_path(instance: models.Model, filename: str) -> str:
    # The stored name never contains user input: only the extension survives, lower-cased and short.
    suffix = "".join(ch for ch in filename.rsplit(".", 1)[-1].lower() if ch.isalnum())[:5] if "." in filename else ""
    return f"uploads/{uuid.uuid4().hex}.{suffix or 'bin'}"


def result_path(instance: models.Model, filename: str) -> str:
    task_id = getattr(instance, "task_id", None) or getattr(instance, "pk")
    return f"results/{task_id}/{uuid.uuid4().hex}-{filename}"


class User(AbstractUser):
    webhook_secret = models.CharField(max_length=80, default=new_webhook_secret)

    @property
    def credit_balance(self) -> Decimal:
        return self.credit_entries.aggregate(total=Sum("amount"))["total"] or Decimal("0")


class CreditEntry(models.Model):
    """An append-only ledger line; the balance is the sum of amounts. Never edited in place."""

    class Kind(models.TextChoices):
        GRANT = "grant", "Grant"
        HOLD = "hold", "Hold"
        EXTRA_HOLD = "extra_hold", "Extra hold"  # a song given by URL turned out longer than assumed
        RELEASE = "release", "Release of hold"
        CHARGE = "charge", "Charge"
        REFUND = "refund", "Refund"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credit_entries")
    task = models.ForeignKey("RemixTask", null=True, blank=True, on_delete=models.SET_NULL, related_name="credit_entries")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "credit entries"
        constraints = [
            # A task holds, releases, charges and refunds at most once each: retries cannot double-charge.
            models.UniqueConstraint(
                fields=["task", "kind"], condition=Q(task__isnull=False), name="one_ledger_entry_per_task_and_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} for {self.user}"


class Upload(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="uploads")
    file = models.FileField(upload_to=random_upload_path, blank=True, max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    source_url = models.CharField(max_length=2048, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    duration = models.FloatField(null=True, blank=True)
    sample_rate = models.IntegerField(null=True, blank=True)
    channels = models.IntegerField(null=True, blank=True)
    # The song's waveform for its player on the job page (features.N_PEAKS values in 0..1), drawn by the
    # worker once per upload; empty until then, or when the decoder could not read the file.
    peaks = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.original_name or self.source_url.rsplit("/", 1)[-1] or "audio"


class RemixTask(models.Model):
    class Status(models.TextChoices):
        IN_QUEUE = "IN_QUEUE", "In queue"
        PROCESSING = "PROCESSING", "Processing"
        COMPLETED = "COMPLETED", "Completed"
        FAILED = "FAILED", "Failed"

    class Review(models.TextChoices):
        NONE = "none", "Not flagged"
        PENDING = "pending", "Awaiting review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    class Gender(models.TextChoices):
        MALE = "male", "Male"
        FEMALE = "female", "Female"
        NEUTRAL = "neutral", "Neutral"

    FINISHED = (Status.COMPLETED, Status.FAILED)

    task_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tasks")
    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="tasks")
    prompt = models.TextField()
    lyrics = models.TextField(blank=True)
    gender = models.CharField(max_length=10, choices=Gender.choices, blank=True)
    webhook_url = models.CharField(max_length=2048, blank=True)
    options = models.JSONField(default=dict, blank=True)  # seed, strength, instrumental
    via_api = models.BooleanField(default=False)

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_QUEUE, db_index=True)
    status_msg = models.CharField(max_length=500, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=80, blank=True)
    eta = models.PositiveIntegerField(default=0)  # seconds, estimated at submission
    credit_estimate = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    cost = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)

    attempts = models.PositiveSmallIntegerField(default=0)  # claims so far; each claim gets a new number
    provider = models.CharField(max_length=200, blank=True)  # REMIX_PROVIDER when submitted
    provider_task_id = models.CharField(max_length=200, blank=True, db_index=True)
    provider_refs = models.JSONField(default=dict, blank=True)  # upstream conversion ids -> our version index
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    style_plan = models.JSONField(default=dict, blank=True)
    cover = models.FileField(upload_to=result_path, blank=True, max_length=300)
    cover_thumb = models.FileField(upload_to=result_path, blank=True, max_length=300)
    # The source song's separated stems (mp3), when the provider separates it.
    source_vocals_file = models.FileField(upload_to=result_path, blank=True, max_length=300)
    source_accompaniment_file = models.FileField(upload_to=result_path, blank=True, max_length=300)

    is_flagged = models.BooleanField(default=False)
    flag_reason = models.CharField(max_length=500, blank=True)
    review_state = models.CharField(max_length=10, choices=Review.choices, default=Review.NONE, db_index=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviewed_tasks"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"]), models.Index(fields=["status", "enqueued_at"])]

    def __str__(self) -> str:
        return f"{self.task_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def awaiting_review(self) -> bool:
        """Finished, but its outputs wait for a moderator's decision."""
        return self.status == self.Status.COMPLETED and self.review_state == self.Review.PENDING

    @property
    def outputs_visible(self) -> bool:
        """Audio is served only for unflagged or approved tasks."""
        return self.review_state in (self.Review.NONE, self.Review.APPROVED)

    def source_stem_files(self) -> dict[str, models.fields.files.FieldFile]:
        """The source song's stored stems by API name ("vocals", "accompaniment"); empty ones left out."""
        pairs = (("vocals", self.source_vocals_file), ("accompaniment", self.source_accompaniment_file))
        return {name: f for name, f in pairs if f}

    def stored_files(self) -> list[models.fields.files.FieldFile]:
        """Every result file of the task itself (cover, source stems), not its conversions'."""
        return [f for f in (self.cover, self.cover_thumb, self.source_vocals_file, self.source_accompaniment_file) if f]

    @property
    def seed(self) -> int:
        return int(self.options.get("seed", 0))

    @property
    def strength(self) -> float:
        return float(self.options.get("strength", 0.5))

    @property
    def instrumental(self) -> bool:
        return bool(self.options.get("instrumental", False))

    @property
    def report(self) -> RemixReport:
        """The provider's report (`style_plan`, stored as it came) read into typed fields."""
        return RemixReport.from_json(self.style_plan)


class Conversion(models.Model):
    """One of the two versions a task produces."""

    conversion_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task = models.ForeignKey(RemixTask, on_delete=models.CASCADE, related_name="conversions")
    index = models.PositiveSmallIntegerField()  # 1 or 2
    mp3 = models.FileField(upload_to=result_path, blank=True, max_length=300)
    wav = models.FileField(upload_to=result_path, blank=True, max_length=300)
    # This version's stems (mp3): its vocal (none for an instrumental version) and everything else.
    vocals_file = models.FileField(upload_to=result_path, blank=True, max_length=300)
    instrumental_file = models.FileField(upload_to=result_path, blank=True, max_length=300)
    duration = models.FloatField(null=True, blank=True)
    lyrics = models.TextField(blank=True)
    lyrics_timestamped = models.JSONField(default=list, blank=True)
    peaks = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["task", "index"]
        constraints = [models.UniqueConstraint(fields=["task", "index"], name="one_conversion_per_index")]

    def __str__(self) -> str:
        return f"{self.conversion_id} (version {self.index})"

    @property
    def has_audio(self) -> bool:
        return bool(self.mp3)

    def stem_files(self) -> dict[str, models.fields.files.FieldFile]:
        """The stored stems by API name ("vocals", "instrumental"); empty ones left out."""
        return {name: f for name, f in (("vocals", self.vocals_file), ("instrumental", self.instrumental_file)) if f}

    def audio_files(self) -> list[models.fields.files.FieldFile]:
        return [f for f in (self.mp3, self.wav, self.vocals_file, self.instrumental_file) if f]


class ApiKey(models.Model):
    """A key is shown once; only its SHA-256 is stored, with a short prefix to recognise it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to a task's webhook_url, with every attempt logged."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"
        DISABLED = "disabled", "Disabled (410 Gone)"

    webhook_id = models.CharField(max_length=64, unique=True)  # Standard Webhooks `webhook-id`, stable across retries
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_deliveries")
    task = models.ForeignKey(RemixTask, null=True, blank=True, on_delete=models.CASCADE, related_name="webhook_deliveries")
    url = models.CharField(max_length=2048)
    event = models.CharField(max_length=40)  # conversion, lyrics, album_cover, failure
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_status_code = models.IntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    attempt_log = models.JSONField(default=list, blank=True)  # [{"at", "status_code", "error", "duration_ms"}]
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event} -> {self.url} ({self.status})"


class DisabledWebhookUrl(models.Model):
    """A receiver that answered 410 Gone: no more deliveries to it for this account."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="disabled_webhook_urls")
    url = models.CharField(max_length=2048)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "url"], name="disable_url_once")]


class ProviderEvent(models.Model):
    """An incoming provider callback, kept so a replayed callback is recognised and ignored."""

    event_key = models.CharField(max_length=200, unique=True)
    task = models.ForeignKey(RemixTask, null=True, blank=True, on_delete=models.CASCADE, related_name="provider_events")
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    # Set once a worker has applied (or deliberately ignored) it; the sweep re-queues the others.
    applied_at = models.DateTimeField(null=True, blank=True, db_index=True)
