"""The report a provider stores on a task (`RemixTask.style_plan`, JSON), read once into typed fields.

The local engine stores its StylePlan (`StylePlan.to_dict()`) with an `engine` section beside it (key,
tempo, stretch, each version's vocal, notes); another provider may store less, or other shapes (a
dict of what it understood, notes as one string). `RemixReport.from_json` is the one place that knows
those shapes; the job page reads fields. The stored JSON and the API output are untouched. No Django
here: this is plain data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

VOCAL_KINDS = ("sung", "kept", "none")


@dataclass(frozen=True)
class VersionVocal:
    """What a version's vocal is: sung from the user's lyrics, the original singer kept, or none."""

    version: int
    kind: str          # one of VOCAL_KINDS
    language: str      # the kept singer's language code as the recognizer gave it ("" when not known)
    confident: bool    # the transcript of a kept vocal is trusted enough to show
    note: str


@dataclass(frozen=True)
class RemixReport:
    summary: str = ""
    style_name: str = ""
    mood: str = ""
    understood: tuple[str, ...] = ()     # what the prompt was read as, one readable line each
    ignored_words: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()          # the engine's notes
    key: str = ""                        # "C major"
    source_tempo: float | None = None    # bpm
    tempo: float | None = None           # the remix's bpm
    stretch: float = 1.0                 # source time = (version time + offset) x stretch (finite, > 0)
    offset: float = 0.0                  # seconds of the remix cut off before its versions start (>= 0)
    repeat: tuple = ()                   # (start, end, count): a part of the versions played again, or ()
    reversed: bool = False               # the versions play backwards: a version's t is the remix's length - t
    vocals: tuple[VersionVocal, ...] = ()

    @classmethod
    def from_json(cls, plan: object) -> RemixReport:
        """The report of a stored plan; anything missing or malformed reads as not said."""
        plan = plan if isinstance(plan, dict) else {}
        engine = plan.get("engine") if isinstance(plan.get("engine"), dict) else {}
        understood = plan.get("understood") or []
        if isinstance(understood, dict):
            understood = [f"{str(k).replace('_', ' ').capitalize()}: {plain(v)}" for k, v in understood.items()]
        elif isinstance(understood, str):
            understood = [understood]
        notes = plan.get("notes") or engine.get("notes") or []
        if isinstance(notes, str):
            notes = [notes]
        stretch = _number(engine.get("stretch") or 1.0)
        offset = _number(engine.get("offset") or 0.0)
        repeat = engine.get("repeat")
        repeat = tuple(_number(x) for x in repeat) if isinstance(repeat, list) and len(repeat) == 3 else ()
        if any(x is None or not math.isfinite(x) for x in repeat) or (repeat and not repeat[0] < repeat[1]):
            repeat = ()
        return cls(
            summary=str(plan.get("summary") or ""),
            style_name=str(plan.get("style_name") or ""),
            mood=str(plan.get("mood") or ""),
            understood=tuple(plain(item) for item in understood),
            ignored_words=tuple(str(word) for word in plan.get("ignored_words") or []),
            notes=tuple(plain(note) for note in notes),
            key=str(engine.get("key") or ""),
            source_tempo=_number(engine.get("source_tempo")) or None,
            tempo=_number(engine.get("tempo")) or None,
            stretch=stretch if stretch is not None and math.isfinite(stretch) and stretch > 0 else 1.0,
            offset=offset if offset is not None and math.isfinite(offset) and offset > 0 else 0.0,
            repeat=repeat,
            reversed=engine.get("reversed") is True,
            vocals=tuple(_vocals(engine.get("vocal"))),
        )

    def vocal(self, version: int) -> VersionVocal | None:
        """What version `version`'s vocal is, or None when the report does not say (older results)."""
        return next((v for v in self.vocals if v.version == version), None)

    @property
    def facts(self) -> list[tuple[str, str]]:
        """(label, value) pairs a person can read: style, mood, key, tempo."""
        facts = [(label, value) for label, value in (("Style", self.style_name), ("Mood", self.mood),
                                                    ("Key", self.key)) if value]
        if self.source_tempo and self.tempo:
            facts.append(("Tempo", f"{self.source_tempo:.0f} \u2192 {self.tempo:.0f} BPM"))
        return facts


def _vocals(entries: object) -> list[VersionVocal]:
    vocals: list[VersionVocal] = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("kind") not in VOCAL_KINDS:
            continue
        version = entry.get("version")
        if isinstance(version, float) and version.is_integer():
            version = int(version)
        if isinstance(version, int) and all(v.version != version for v in vocals):  # a version's first entry counts
            vocals.append(VersionVocal(version=version, kind=entry["kind"],
                                       language=str(entry.get("language") or "").strip(),
                                       confident=bool(entry.get("confident", True)),
                                       note=str(entry.get("note") or "")))
    return vocals


def _number(value: object) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def plain(value: object) -> str:
    """A JSON value as one line of text."""
    if isinstance(value, (list, tuple)):
        return ", ".join(plain(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {plain(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
