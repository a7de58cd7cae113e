"""Messages to the Dramatiq actors of `tasks.py`, sent by actor name. `tasks.py` (the orchestrator)
imports the services; the services and the provider-callback view queue work through here instead of
importing `tasks`, so every import points one way. The worker applies each actor's own options
(retries, time limit) to these messages as to any other; tests check the names against the actors."""
from __future__ import annotations

from typing import NamedTuple

import dramatiq


class Target(NamedTuple):
    queue_name: str
    actor_name: str


PROCESS_REMIX = Target("remix", "process_remix")
APPLY_PROVIDER_EVENT = Target("remix", "apply_provider_event")


def send(target: Target, *args, delay_ms: int | None = None) -> dramatiq.Message:
    broker = dramatiq.get_broker()
    broker.declare_queue(target.queue_name)  # idempotent; a stub broker needs it before the first message
    message = dramatiq.Message(queue_name=target.queue_name, actor_name=target.actor_name, args=args, kwargs={},
                               options={})
    return broker.enqueue(message, delay=delay_ms)
