#!/usr/bin/env bash
# `make setup`, last step: compile the numba kernels of librosa that a remix uses into var/numba, once,
# in ONE process. A remix's two helper processes would otherwise compile the same kernels at the same
# time into an empty cache, and concurrent writers can leave a cache entry that later crashes the
# interpreter that loads it (seen here: segfaults in librosa's beat tracker). Re-run when librosa or
# numba change (the stamp names their versions) or when var/numba is emptied.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export NUMBA_CACHE_DIR="${NUMBA_CACHE_DIR:-$(pwd)/var/numba}"
mkdir -p "$NUMBA_CACHE_DIR"
versions="$($PY -c 'import librosa, numba; print(f"librosa {librosa.__version__}, numba {numba.__version__}")')"
stamp="$NUMBA_CACHE_DIR/.warmed"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$versions" ]; then
  exit 0
fi
echo "numba: compiling librosa's kernels into $NUMBA_CACHE_DIR ($versions)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
$PY - "$work" <<'PYEOF'
import sys
import soundfile as sf
from tools.songs import make_song
sf.write(f"{sys.argv[1]}/song.wav", make_song(12.0, tempo=100.0, seed=1), 44100, subtype="PCM_16")
open(f"{sys.argv[1]}/lyrics.txt", "w").write("Morning light across the water\nI will carry you home\n")
PYEOF
# One in-process remix (no helpers) runs every stage: analysis, transcription, the band, the singer, into an
# emptied cache. Then a fresh interpreter runs the same remix from the cache, loading every kernel back: a
# cache entry that crashes the process that loads it (seen on new machines: librosa's beat kernel for int64
# frames, and its pitch interpolation gufunc behind chroma_stft, written over by another process compiling
# at the same time, segfaulted every later remix) is found here, and the cache is built again.
empty_cache() { find "$NUMBA_CACHE_DIR" -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +; }
remix_in_process() {
  REMIX_ENGINE_PROCESSES=1 $PY -m remixes.engine "$work/song.wav" --prompt "lo-fi with chill beats" \
    --lyrics "$work/lyrics.txt" --out "$work/$1" --quiet > /dev/null
}
for attempt in 1 2 3; do
  empty_cache
  if remix_in_process out && remix_in_process again 2>/dev/null; then
    echo "$versions" > "$stamp"
    exit 0
  fi
  echo "numba: the warm-up remix or a fresh process loading its cache failed (attempt $attempt); again" >&2
done
empty_cache
echo "numba: no cache that loads safely after 3 attempts; emptied, kernels will compile on first use" >&2
