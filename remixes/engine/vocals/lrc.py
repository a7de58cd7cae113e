"""LRC export of timestamped lyrics (the karaoke format most players read)."""

from __future__ import annotations


def _stamp(seconds: float) -> str:
    centis = int(round(max(0.0, seconds) * 100))
    minutes, centis = divmod(centis, 6000)
    return f"{minutes:02d}:{centis // 100:02d}.{centis % 100:02d}"


def to_lrc(lines: list, words: bool = False, title: str | None = None) -> str:
    """`lines` in the lyrics_timestamped format (docs/design.md) -> LRC text; `words=True` adds enhanced <mm:ss.xx> word tags."""
    out = []
    if title:
        out.append(f"[ti:{title}]")
    for line in lines:
        if words and line.get("words"):
            body = " ".join(f"<{_stamp(w['start'])}>{w['word']}" for w in line["words"])
            body += f" <{_stamp(line['end'])}>"
        else:
            body = line["text"]
        out.append(f"[{_stamp(line['start'])}]{body}")
    return "\n".join(out) + ("\n" if out else "")
