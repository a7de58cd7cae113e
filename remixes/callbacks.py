"""The incoming side: MusicGPT calls /webhooks/provider/<token>/ when a result is ready. The view
records each callback once (a replay of the same body is ignored) and queues
`tasks.apply_provider_event` to apply it in a worker; the recovery sweep re-queues a recorded callback
whose message was lost. Outgoing deliveries are in `webhooks.py`."""
from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import queue
from .models import ProviderEvent, RemixTask


@csrf_exempt
@require_POST
def provider_callback(request: HttpRequest, token: str) -> JsonResponse:
    """Record a MusicGPT callback once (a replay of the same body is ignored) and apply it in a worker."""
    expected = settings.PROVIDER_WEBHOOK_TOKEN
    if not expected or not constant_time_compare(token, expected):
        return JsonResponse({"success": False, "message": "Not found"}, status=404)
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return JsonResponse({"success": False, "message": "The body must be JSON."}, status=400)
    if not isinstance(payload, dict) or not payload.get("task_id"):
        return JsonResponse({"success": False, "message": "task_id is missing."}, status=422)
    task = RemixTask.objects.filter(provider="musicgpt", provider_task_id=str(payload["task_id"])).first()
    if task is None:
        return JsonResponse({"success": True, "message": "Unknown task; ignored."})
    key = hashlib.sha256(request.body).hexdigest()
    with transaction.atomic():
        event, created = ProviderEvent.objects.get_or_create(event_key=key, defaults={"task": task, "payload": payload})
        if created:
            transaction.on_commit(lambda: queue.send(queue.APPLY_PROVIDER_EVENT, event.pk))
    return JsonResponse({"success": True, "message": "Accepted" if created else "Already received"})


def resend_unapplied_events(now=None, grace: timedelta = timedelta(minutes=2),
                            give_up_after: timedelta = timedelta(days=1)) -> int:
    """Queue again the recorded callbacks no worker has applied (their message was lost, or every
    retry failed) once they are `grace` old; applying is idempotent, so a duplicate is harmless."""
    now = now or timezone.now()
    due = ProviderEvent.objects.filter(
        applied_at__isnull=True, received_at__lt=now - grace, received_at__gte=now - give_up_after
    ).values_list("pk", flat=True)
    count = 0
    for pk in due:
        queue.send(queue.APPLY_PROVIDER_EVENT, pk)
        count += 1
    return count
