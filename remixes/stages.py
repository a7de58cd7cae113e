"""Progress stages in words. The engine reports its stages by short names (remixes/engine/pipeline.py);
the job page and the API's `stage` field show them as people read them. Stages reported in words already
("Fetching audio", "Encoding", "Saving") are shown as they are. No Django imports."""

STAGE_LABELS = {
    "starting": "Starting",
    "decode": "Reading the song",
    "analyse": "Analysing the song",
    "analyze": "Analysing the song",
    "tempo": "Changing the tempo",
    "stretch": "Changing the tempo",
    "separate": "Separating vocals",
    "transcribe": "Transcribing the song",
    "lyrics": "Transcribing the lyrics",
    "plan": "Planning the style",
    "arrange": "Arranging",
    "render": "Rendering the versions",
    "sing": "Singing the lyrics",
    "mix": "Mixing",
    "master": "Mastering",
    "encode": "Encoding",
    "cover": "Drawing the cover",
    "done": "Finishing",
}


def stage_label(stage) -> str:
    """An engine stage name as a person reads it: "separate" -> "Separating vocals"."""
    text = str(stage or "").strip()
    if not text:
        return "Working"
    label = STAGE_LABELS.get(text.lower())
    if label:
        return label
    if text.isidentifier():  # an engine name with no label yet: "split_drums" -> "Split drums"
        text = text.replace("_", " ")
        return text[0].upper() + text[1:]
    return text
