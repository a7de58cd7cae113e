"""Dev-time style check: tag wav files with musicnn and compare a remix's style tags with its source's.

musicnn (ISC; its weights ship in its wheel) needs TensorFlow 2.12, which never enters the app's venv:
    python3.11 -m venv var/venvs/musicnn
    var/venvs/musicnn/bin/pip install tensorflow-cpu==2.12.1 librosa==0.9.2 soundfile
    var/venvs/musicnn/bin/pip install --no-deps musicnn
    var/venvs/musicnn/bin/python scripts/dev/style_tags.py SOURCE.wav:REMIX.wav:STYLE ...
Prints one JSON line per pair: the style's tags (mean over 3 s patches, MSD + MTT models) in source and
remix, and the rise. Not part of `make test`.
"""

import json
import sys

# Tags of the two musicnn models (MSD: Million Song Dataset, MTT: MagnaTagATune) that name each style.
STYLE_TAGS = {
    "lofi": ["chillout", "chill", "Hip-Hop", "Mellow", "easy listening", "jazz"],
    "classical": ["classical", "strings", "violin", "cello", "classic"],
    "jazz": ["jazz", "easy listening", "blues"],
    "techno": ["techno", "electronic", "electro", "dance", "electronica"],
    "house": ["House", "dance", "electronic", "techno", "electro"],
    "edm": ["dance", "electronic", "electro", "techno", "House"],
    "trance": ["dance", "electronic", "techno", "electronica"],
    "dnb": ["electronic", "electronica", "dance", "techno", "beat"],
    "dubstep": ["electronic", "electro", "dance", "techno"],
    "trap": ["Hip-Hop", "electronic", "beat", "beats"],
    "hiphop": ["Hip-Hop", "beat", "beats", "rnb"],
    "rock": ["rock", "classic rock", "hard rock", "guitar"],
    "metal": ["metal", "heavy metal", "hard rock", "loud"],
    "punk": ["punk", "rock", "hard rock", "fast", "loud"],
    "acoustic": ["acoustic", "folk", "guitar", "Mellow", "country"],
    "country": ["country", "folk", "acoustic", "guitar"],
    "reggae": ["beat", "dance", "funk", "chill"],
    "funk": ["funk", "soul", "dance", "rnb"],
    "disco": ["dance", "funk", "80s", "70s", "party"],
    "synthwave": ["80s", "electronic", "synth", "electro"],
    "ambient": ["ambient", "chillout", "new age", "slow", "quiet"],
    "cinematic": ["classical", "strings", "violin", "ambient"],
    "piano_ballad": ["piano", "Mellow", "soft", "beautiful", "sad"],
    "blues": ["blues", "guitar", "classic rock"],
    "chiptune": ["electronic", "synth", "electro", "weird"],
    "pop": ["pop", "catchy", "dance", "happy"],
    "vaporwave": ["chillout", "chill", "80s", "electronic", "Mellow"],
    "bossa": ["jazz", "easy listening", "Mellow", "acoustic"],
    "latin": ["dance", "party", "happy", "funk"],
    "reggaeton": ["dance", "Hip-Hop", "beat", "party"],
    "rnb": ["rnb", "soul", "sexy", "Mellow"],
    "gospel": ["soul", "choir", "choral", "oldies"],
    "kpop": ["pop", "dance", "catchy", "electronic"],
    "afrobeats": ["dance", "funk", "happy", "beat"],
    "bollywood": ["indian", "sitar", "dance", "happy"],
    "lullaby": ["soft", "quiet", "Mellow", "beautiful", "piano"],
    "acappella": ["choir", "choral", "vocal", "voice", "singing"],
    "polka": ["happy", "country", "folk", "oldies"],
    "east_asian": ["flute", "new age", "indian", "sitar"],
    "march": ["classical", "drums", "happy", "oldies"],
}


def tags(path: str) -> dict:
    from musicnn.extractor import extractor

    out = {}
    for model in ("MSD_musicnn", "MTT_musicnn"):
        taggram, labels = extractor(path, model=model, extract_features=False)
        for label, value in zip(labels, taggram.mean(axis=0)):
            out[label] = max(out.get(label, 0.0), float(value))
    return out


def main(argv) -> int:
    cache: dict = {}
    for arg in argv:
        source, remix, style = arg.split(":")
        for path in (source, remix):
            if path not in cache:
                cache[path] = tags(path)
        wanted = STYLE_TAGS.get(style, [style])
        before = sum(cache[source].get(t, 0.0) for t in wanted) / len(wanted)
        after = sum(cache[remix].get(t, 0.0) for t in wanted) / len(wanted)
        top = sorted(cache[remix].items(), key=lambda kv: -kv[1])[:5]
        print(json.dumps({"remix": remix, "style": style, "source_score": round(before, 3),
                          "remix_score": round(after, 3), "rise": round(after - before, 3),
                          "remix_top": [[k, round(v, 2)] for k, v in top]}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
