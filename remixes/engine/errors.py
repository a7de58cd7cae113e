"""Errors the engine raises for input a user can fix.

Every class carries `user_message`, a sentence that can be shown as-is on a job page or in an API
error; the Django side never has to translate engine internals.
"""


class EngineError(Exception):
    """Base class: the remix could not be made, for a reason the user can read."""

    default_message = "The remix could not be made."

    def __init__(self, message: str | None = None):
        self.user_message = message or self.default_message
        super().__init__(self.user_message)


class UndecodableAudio(EngineError):
    default_message = "The file could not be read as audio. Upload an mp3, wav, ogg, flac or m4a file."


class EmptyAudio(EngineError):
    default_message = "The audio file contains no sound data."


class SilentAudio(EngineError):
    default_message = "The audio is silent, so there is nothing to remix."


class TooShort(EngineError):
    min_seconds = 3.0

    def __init__(self, duration: float | None = None, min_seconds: float = 3.0):
        self.min_seconds = min_seconds
        self.duration = duration
        got = f" (it is {duration:.1f} s)" if duration is not None else ""
        super().__init__(f"The song is too short to remix{got}: it must last at least {min_seconds:g} seconds.")


class TooLong(EngineError):
    def __init__(self, max_seconds: float = 600.0, duration: float | None = None):
        self.max_seconds = max_seconds
        self.duration = duration
        got = f" (it is {duration / 60:.1f} minutes)" if duration is not None else ""
        super().__init__(
            f"The song is too long to remix{got}: the limit is {_minutes(max_seconds)}."
        )


def _minutes(seconds: float) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        n = int(seconds // 60)
        return f"{n} minute{'s' if n != 1 else ''}"
    return f"{seconds:g} seconds"
