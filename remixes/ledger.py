"""The credit ledger: the only code that writes `CreditEntry` rows. Lines are appended, never edited;
the balance is their sum. A task holds, releases, charges and refunds at most once each (a unique
constraint), so a retried step cannot charge twice. Callers run these inside their own transaction
with the account locked (`lock_user`) when a balance check must not race."""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from .models import CreditEntry, RemixTask, User

Kind = CreditEntry.Kind


def balance(user_id: int) -> Decimal:
    return CreditEntry.objects.filter(user_id=user_id).aggregate(total=Sum("amount"))["total"] or Decimal("0")


def lock_user(user_id: int) -> User:
    """Serialise balance checks of one account (a no-op on SQLite, whose write transactions are already
    serial). Read the balance from the returned user in a later statement: one that waited for the
    lock sees the ledger lines its predecessor committed."""
    return User.objects.select_for_update().get(pk=user_id)


def grant(user_id: int, amount: Decimal | int | str, note: str = "") -> CreditEntry:
    return CreditEntry.objects.create(user_id=user_id, kind=Kind.GRANT, amount=Decimal(amount), note=note)


def hold(task: RemixTask, amount: Decimal) -> CreditEntry:
    """Hold `amount` while the task runs (written with the task, in its transaction)."""
    return CreditEntry.objects.create(
        user_id=task.owner_id, task=task, kind=Kind.HOLD, amount=-amount, note="Held while remixing"
    )


def extra_hold(task: RemixTask, amount: Decimal, note: str) -> CreditEntry:
    """Hold more for a song given by URL that turned out longer than assumed (the first hold stays)."""
    return CreditEntry.objects.create(user_id=task.owner_id, task=task, kind=Kind.EXTRA_HOLD, amount=-amount, note=note)


def settle(task: RemixTask, held: Decimal, cost: Decimal) -> None:
    """A completed task: release what was held and charge what it cost."""
    CreditEntry.objects.create(user_id=task.owner_id, task=task, kind=Kind.RELEASE, amount=held, note="Hold released")
    CreditEntry.objects.create(user_id=task.owner_id, task=task, kind=Kind.CHARGE, amount=-cost, note="Remix completed")


def refund(task: RemixTask) -> Decimal:
    """A failed task: give back everything held for it (hold and extra hold). Returns the amount."""
    held = -sum(
        CreditEntry.objects.filter(task=task, kind__in=[Kind.HOLD, Kind.EXTRA_HOLD]).values_list("amount", flat=True),
        Decimal("0"),
    )
    if held:
        CreditEntry.objects.create(
            user_id=task.owner_id, task=task, kind=Kind.REFUND, amount=held, note="Refund: remix failed"
        )
    return held


def refunded(task: RemixTask) -> Decimal | None:
    """What a failed task gave back, or None."""
    return CreditEntry.objects.filter(task=task, kind=Kind.REFUND).values_list("amount", flat=True).first()
