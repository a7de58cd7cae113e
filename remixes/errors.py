"""The one error base of the Django side: every refusal or failure a user reads is a `UserError` with
its `user_message` (and the HTTP status an API or page answers it with). No Django imports, so any
layer may raise these. The engine's own `EngineError` (remixes.engine, which never imports the app)
has the same `user_message` attribute."""
from __future__ import annotations


class UserError(Exception):
    """Something the user can read about: `user_message`; `status` is the HTTP answer for it."""

    status = 422

    def __init__(self, user_message: str):
        super().__init__(user_message)
        self.user_message = user_message


class SubmitError(UserError):
    """A remix request that cannot be accepted as given."""


class InsufficientCredits(UserError):
    """The account's balance does not cover the credits a remix needs (at submission, or when a song
    given by URL turns out longer than assumed)."""

    status = 402


class QueueingError(UserError):
    """The task was created but could not be queued; it was failed and refunded."""

    status = 500


class NotDeletable(UserError):
    """A remix or song cannot be deleted yet (a remix still running)."""

    status = 409


class SourceError(UserError):
    """The task's source audio could not be fetched or read."""


class ProviderError(UserError):
    """The provider cannot do this task; `retryable` when a later attempt may succeed."""

    def __init__(self, user_message: str, *, retryable: bool = False):
        super().__init__(user_message)
        self.retryable = retryable
