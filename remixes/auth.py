"""The signed-in user of a request, read from the shared cache instead of the database.

Every authenticated request asks for its user, and the job page's status partial is asked for every
two seconds by every open job page. `CachedModelBackend` keeps each user in the cache for
USER_CACHE_SECONDS and drops the entry whenever the row is saved or deleted, so a password change
(which ends other sessions through the session hash), a deactivation or a deletion takes effect on
the next request. Writes that skip `save()` (`QuerySet.update`) must call `forget_user`; the
timeout bounds what any missed write can leave behind.

The cache must be shared by every web process (CACHE_URL): with a per-process cache a change seen
by one process would stay unseen by the others, so settings turn the user cache off without one."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import User

# Bump when the User model's fields change, so instances pickled by older code are not read back.
KEY_VERSION = 1


def _key(user_id) -> str:
    return f"remix:user:{KEY_VERSION}:{user_id}"


class CachedModelBackend(ModelBackend):
    """Django's ModelBackend (passwords, permissions) with `get_user` served from the cache."""

    def get_user(self, user_id):
        seconds = settings.USER_CACHE_SECONDS
        if not seconds:
            return super().get_user(user_id)
        user = cache.get(_key(user_id))
        if user is None:
            user = User._default_manager.filter(pk=user_id).first()
            if user is None:
                return None
            cache.set(_key(user_id), user, seconds)
        return user if self.user_can_authenticate(user) else None


def forget_user(user_id) -> None:
    """Drop the cached copy now and again once the surrounding transaction commits: a request that
    reads the row while the change is uncommitted still sees the old one and may put it back. Only
    a read in the instant before the commit, written back after it, can outlive that; the timeout
    bounds it."""
    if not settings.USER_CACHE_SECONDS:
        return
    cache.delete(_key(user_id))
    transaction.on_commit(lambda: cache.delete(_key(user_id)))


@receiver(post_save, sender=User, dispatch_uid="forget_saved_user")
@receiver(post_delete, sender=User, dispatch_uid="forget_deleted_user")
def _forget_changed_user(sender, instance: User, **kwargs) -> None:
    forget_user(instance.pk)
