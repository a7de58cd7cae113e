"""New accounts start with STARTER_CREDITS, however they are created (sign-up, admin, command)."""
from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from . import ledger
from .models import User


@receiver(post_save, sender=User, dispatch_uid="grant_starter_credits")
def grant_starter_credits(sender, instance: User, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw and settings.STARTER_CREDITS > 0:
        ledger.grant(instance.pk, settings.STARTER_CREDITS, "Starter credits")
