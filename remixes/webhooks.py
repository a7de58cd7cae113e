"""Outgoing webhooks: the signed deliveries of a task's events to our users' `webhook_url`s (the
incoming provider callback is `callbacks.py`).

Outgoing events follow Standard Webhooks: `webhook-id` (stable across retries), `webhook-timestamp`
and `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>` with the account's `whsec_`
secret. A Dramatiq actor sends each through safehttp (never following redirects), retrying on the
Standard Webhooks schedule; every attempt is logged on its WebhookDelivery row."""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import random
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import dramatiq
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from . import payloads, safehttp
from .auth import forget_user
from .files import signed_url
from .models import DisabledWebhookUrl, RemixTask, User, WebhookDelivery

log = logging.getLogger(__name__)

# Standard Webhooks schedule: after the first attempt, retry 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h later.
RETRY_DELAYS = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600)
JITTER = 0.1  # each delay is stretched or shrunk by up to 10 %, so retries of many events spread out
DELIVERY_TIMEOUT = 15  # seconds to wait for a receiver's answer
# File links in payloads must outlive the whole retry schedule (about 28 h).
LINK_SECONDS = 2 * 24 * 3600
# An attempt whose worker died is picked up by the sweep after this lease.
ATTEMPT_LEASE = timedelta(seconds=DELIVERY_TIMEOUT * 2 + 60)

Status = WebhookDelivery.Status


def new_standard_secret() -> str:
    """A `whsec_` secret whose rest is standard base64, as Standard Webhooks libraries decode it."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def rotate_webhook_secret(user: User) -> str:
    """Give the account a new signing secret (the old one stops working at once) and return it."""
    secret = new_standard_secret()
    User.objects.filter(pk=user.pk).update(webhook_secret=secret)
    forget_user(user.pk)
    user.webhook_secret = secret
    return secret


def _signer(user: User) -> Webhook:
    try:
        return Webhook(user.webhook_secret)
    except ValueError:
        # A secret receivers could not decode either would make every signature unverifiable.
        log.warning("webhook secret of user %s is not base64; rotating it", user.pk)
        return Webhook(rotate_webhook_secret(user))


def _webhook_id(task_id, event: str) -> str:
    return "msg_" + hashlib.sha256(f"{task_id}:{event}".encode()).hexdigest()[:32]


def task_events(task: RemixTask) -> list[tuple[str, str, dict]]:
    """(key, event type, payload) of every event a finished task sends, in sending order; links
    last as long as the whole retry schedule."""
    return payloads.task_events(task, payloads.Links(task, _link))


def _link(field_file, download_name: str | None) -> str:
    return signed_url(field_file, download_name=download_name, expires_in=LINK_SECONDS)


def record_task_events(task: RemixTask, *, occasion: str = "") -> list[WebhookDelivery]:
    """The transactional outbox: write the delivery rows of a finished task's events inside the
    caller's transaction (the one that completes, fails or approves the task), so the state change
    and its events commit together or not at all. Sending is only kicked on commit; should the kick
    fail or the process die first, `resend_due_deliveries` sends the rows later, and the conditional
    claim in `attempt_delivery` lets one attempt per `webhook-id` run at a time, so re-sent messages
    never deliver an event twice.

    Idempotent: an event that already has a delivery (same webhook-id) is not created again, so
    calling this again after a late album cover adds only that event. A new `occasion` (e.g.
    "approved") sends them all again, under new webhook-ids."""
    if not task.webhook_url or not task.is_finished:
        return []
    disabled = DisabledWebhookUrl.objects.filter(user=task.owner_id, url=task.webhook_url).exists()
    created: list[WebhookDelivery] = []
    now = timezone.now()
    with transaction.atomic():
        for key, event, payload in task_events(task):
            delivery, is_new = WebhookDelivery.objects.get_or_create(
                webhook_id=_webhook_id(task.pk, f"{key}:{occasion}" if occasion else key),
                defaults={
                    "user_id": task.owner_id, "task": task, "url": task.webhook_url, "event": event,
                    "payload": payload,
                    "status": Status.DISABLED if disabled else Status.PENDING,
                    "next_attempt_at": None if disabled else now,
                    "last_error": "This URL answered 410 Gone before; deliveries to it are off." if disabled else "",
                },
            )
            if is_new:
                created.append(delivery)
        pending = [d.pk for d in created if d.status == Status.PENDING]
        if pending:
            transaction.on_commit(lambda: _kick(pending), robust=True)
    return created


def _kick(delivery_ids: list[int]) -> None:
    """Send the first attempt of freshly committed deliveries now. Best effort: a row whose message
    is lost here is sent by the sweep (`resend_due_deliveries`) once it is overdue."""
    for pk in delivery_ids:
        deliver_webhook.send(pk)


def schedule_task_events(task_id, *, occasion: str = "") -> list[WebhookDelivery]:
    """`record_task_events` for a task read by id, in a transaction of its own."""
    with transaction.atomic():
        task = RemixTask.objects.select_for_update().filter(pk=task_id).first()
        if task is None:
            return []
        return record_task_events(task, occasion=occasion)


def retry_delay(attempts_made: int, rng: random.Random | None = None) -> float | None:
    """Seconds until the next attempt after `attempts_made` failed ones, or None when out of tries."""
    if attempts_made < 1 or attempts_made > len(RETRY_DELAYS):
        return None
    base = RETRY_DELAYS[attempts_made - 1]
    return base * (1 + (rng or random).uniform(-JITTER, JITTER))


@dataclass(frozen=True)
class AttemptOutcome:
    status: str  # the delivery's status afterwards, or "skipped" when nothing was sent
    retry_in: float | None = None  # seconds until the next attempt, when one is scheduled


def attempt_delivery(delivery_id: int, *, now: datetime | None = None) -> AttemptOutcome:
    """Make one attempt of a due delivery, record it and plan the next one. A duplicate or early
    message finds the attempt already taken (conditional UPDATE) or not due, and sends nothing."""
    now = now or timezone.now()
    delivery = WebhookDelivery.objects.select_related("user").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != Status.PENDING:
        return AttemptOutcome("skipped")
    if delivery.next_attempt_at and delivery.next_attempt_at > now + timedelta(seconds=1):
        return AttemptOutcome("skipped")
    if DisabledWebhookUrl.objects.filter(user=delivery.user_id, url=delivery.url).exists():
        WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.PENDING).update(
            status=Status.DISABLED, next_attempt_at=None,
            last_error="This URL answered 410 Gone; deliveries to it are off.",
        )
        return AttemptOutcome(Status.DISABLED)
    number = delivery.attempts + 1
    taken = WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.PENDING, attempts=delivery.attempts).update(
        attempts=F("attempts") + 1, next_attempt_at=now + ATTEMPT_LEASE
    )
    if not taken:
        return AttemptOutcome("skipped")

    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    timestamp = int(time.time())  # receivers compare it with their own clock
    signed_at = datetime.fromtimestamp(timestamp, tz=dt_timezone.utc)
    signature = _signer(delivery.user).sign(delivery.webhook_id, signed_at, body.decode())
    headers = {
        "Content-Type": "application/json",
        "webhook-id": delivery.webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
    }
    started = time.monotonic()
    code: int | None = None
    error = ""
    permanent = False
    try:
        code, snippet = safehttp.post(delivery.url, body, headers, timeout=DELIVERY_TIMEOUT)
        if not 200 <= code < 300:
            error = f"HTTP {code}: {snippet[:200]}".strip()
    except safehttp.UnsafeURL as exc:
        error, permanent = f"Refused: {exc.user_message}", True
    except safehttp.SafeHTTPError as exc:
        error = exc.user_message
    duration_ms = int((time.monotonic() - started) * 1000)

    if code is not None and 200 <= code < 300:
        status, retry_in = Status.DELIVERED, None
    elif code == 410:
        status, retry_in = Status.DISABLED, None
    else:
        retry_in = None if permanent else retry_delay(number)
        status = Status.PENDING if retry_in is not None else Status.FAILED
    next_at = now + timedelta(seconds=retry_in) if retry_in is not None else None
    entry = {
        "attempt": number, "at": now.isoformat(), "status_code": code, "error": error[:300],
        "duration_ms": duration_ms, "next_attempt_at": next_at.isoformat() if next_at else None,
    }
    with transaction.atomic():
        locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        locked.status = status
        locked.last_status_code = code
        locked.last_error = error[:500]
        locked.next_attempt_at = next_at
        locked.attempt_log = [*locked.attempt_log, entry]
        locked.save(update_fields=[
            "status", "last_status_code", "last_error", "next_attempt_at", "attempt_log", "updated_at",
        ])
        if status == Status.DISABLED:
            DisabledWebhookUrl.objects.get_or_create(user_id=delivery.user_id, url=delivery.url)
            WebhookDelivery.objects.filter(user_id=delivery.user_id, url=delivery.url, status=Status.PENDING).update(
                status=Status.DISABLED, next_attempt_at=None,
                last_error="This URL answered 410 Gone; deliveries to it are off.",
            )
    log_method = log.info if status == Status.DELIVERED else log.warning
    log_method("webhook %s attempt %d to %s: %s %s", delivery.webhook_id, number, delivery.url, status, error)
    return AttemptOutcome(status, retry_in)


@dramatiq.actor(queue_name="webhooks", max_retries=0, time_limit=(DELIVERY_TIMEOUT + 45) * 1000)
def deliver_webhook(delivery_id: int) -> None:
    """One attempt; the next one is a delayed message (lost ones are re-sent by `resend_due_deliveries`)."""
    outcome = attempt_delivery(delivery_id)
    if outcome.retry_in is not None:
        deliver_webhook.send_with_options(args=(delivery_id,), delay=int(outcome.retry_in * 1000))


def resend_due_deliveries(now: datetime | None = None, grace: timedelta = timedelta(minutes=1)) -> int:
    """Re-send deliveries overdue by more than `grace` (their message was lost, or their worker died
    mid-attempt). A duplicate message is harmless: only one can take an attempt."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(status=Status.PENDING, next_attempt_at__lt=now - grace).values_list("pk", flat=True)
    )
    for pk in due:
        deliver_webhook.send(pk)
    return len(due)
