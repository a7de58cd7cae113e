"""API keys: created with a random secret shown once, stored as a SHA-256 with a short prefix for
recognition, revoked by date. `authenticate` turns the `Authorization` header value into a key."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from .models import ApiKey, User

KEY_PREFIX = "rmx_"
PREFIX_CHARS = 12  # stored in clear to tell keys apart on the account page
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_api_key(user: User, name: str = "") -> tuple[ApiKey, str]:
    """Create a key for `user`; returns the stored key and the raw key (shown to the user once)."""
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(user=user, name=name[:100], prefix=raw[:PREFIX_CHARS], key_hash=_digest(raw))
    return key, raw


def revoke_api_key(key: ApiKey) -> None:
    ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    key.refresh_from_db(fields=["revoked_at"])


def authenticate(raw: str | None) -> ApiKey | None:
    """The active key for a raw key (or `Bearer <key>`), or None. Marks it used, at most once a minute."""
    raw = (raw or "").strip()
    if raw[:7].lower() == "bearer ":
        raw = raw[7:].strip()
    if not raw or len(raw) > 200:
        return None
    key = ApiKey.objects.select_related("user").filter(key_hash=_digest(raw), revoked_at__isnull=True).first()
    if key is None or not key.user.is_active:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
