"""The torch-free weights reader refuses crafted tensor views before reading any memory.

Each crafted file is a zip built here, holding one Inception parameter described either by a pickle
(assembled opcode by opcode, as ``torch.save`` writes it, without torch) or by an index json. A bad
view must end in one ``InceptionWeightsError`` line naming the parameter, and nothing may reach the
weights cache.
"""
import json
import struct
import zipfile

import numpy as np
import pytest

from tfgan_suite.metrics import inception, inception_shapes, torch_archive
from tfgan_suite.metrics.inception import InceptionWeightsError

NAME = "net.layers.conv.weight"  # expected shape (32, 3, 3, 3): 864 float32 elements
GOOD = {"offset": 0, "shape": [32, 3, 3, 3], "strides": [27, 9, 3, 1], "dtype": "float32"}


def _unicode(text):
    data = text.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def _int(value):  # LONG1: any size, two's complement little-endian
    data = value.to_bytes(max(1, (value.bit_length() + 8) // 8), "little", signed=True)
    return b"\x8a" + bytes([len(data)]) + data


def _int_tuple(values):
    return b"(" + b"".join(_int(v) for v in values) + b"t"


def _tensor_pickle(name, storage_type, numel, offset, shape, strides):
    """``{name: torch._utils._rebuild_tensor_v2(<persistent storage '0'>, offset, shape, strides,
    False, {})}`` as protocol-2 pickle opcodes."""
    persistent_id = (b"(" + _unicode("storage") + b"ctorch\n" + storage_type.encode() + b"\n"
                     + _unicode("0") + _unicode("cpu") + _int(numel) + b"tQ")
    call = (b"ctorch._utils\n_rebuild_tensor_v2\n(" + persistent_id + _int(offset) + _int_tuple(shape)
            + _int_tuple(strides) + b"\x89}tR")
    return b"\x80\x02}(" + _unicode(name) + call + b"u."


def write_archive(directory, offset, shape, strides, dtype="float32", elements=864):
    """``crafted.pt`` (pickle path) and ``crafted.index.json`` (index path) describing one view."""
    path = directory / "crafted.pt"
    storage_type = {"float32": "FloatStorage", "int64": "LongStorage"}.get(dtype, "ComplexFloatStorage")
    raw = np.arange(elements, dtype=np.float32 if dtype != "int64" else np.int64).tobytes()
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", _tensor_pickle(NAME, storage_type, elements, offset, shape, strides))
        z.writestr("archive/data/0", raw)
    index = directory / "crafted.index.json"
    index.write_text(json.dumps({"parameters": {NAME: {
        "dtype": dtype, "entry": "archive/data/0", "offset_elems": offset, "shape": shape,
        "strides_elems": strides}}}))
    return path, index


BAD_VIEWS = {  # case: (view overrides, the message)
    "out_of_bounds_offset": ({"offset": 10}, rf"tensor '{NAME}' reads element 873 of a storage of 864 float32"),
    "negative_stride": ({"strides": [27, 9, -3, 1]}, rf"tensor '{NAME}': negative size or stride"),
    "huge_shape": ({"shape": [32, 3, 3, 2 ** 40], "strides": [27, 9, 3, 0]},
                   rf"tensor '{NAME}' has shape \[32, 3, 3, 1099511627776\]; the network needs \[32, 3, 3, 3\]"),
    "wrong_shape": ({"shape": [3, 3, 3, 32], "strides": [288, 96, 32, 1]},
                    rf"tensor '{NAME}' has shape \[3, 3, 3, 32\]; the network needs \[32, 3, 3, 3\]"),
    "wrong_dtype_pickle": ({"dtype": "complex64"}, "unsupported tensor storage type 'ComplexFloatStorage'"),
    "int_dtype": ({"dtype": "int64"}, rf"tensor '{NAME}' has dtype int64; the network needs floating point"),
}


@pytest.mark.parametrize("case", sorted(BAD_VIEWS))
@pytest.mark.parametrize("via", ["pickle", "index"])
def test_crafted_view_is_refused_and_nothing_is_cached(tmp_path, cache, case, via):
    overrides, message = BAD_VIEWS[case]
    view = {**GOOD, **overrides}
    if via == "index" and view["dtype"] == "complex64":
        message = "parameter 'net.layers.conv.weight' has unknown dtype 'complex64'; known: float32"
    archive, index = write_archive(tmp_path, **view)
    if via == "pickle":
        index.unlink()  # resolve_inception_weights uses the index beside the archive when present
    with pytest.raises(InceptionWeightsError, match=message) as error:
        inception.resolve_inception_weights(archive)
    assert "\n" not in str(error.value)
    assert not cache.exists() or not any(cache.iterdir())


def test_good_view_is_read_exactly_and_bounds_are_inclusive(tmp_path):
    archive, index = write_archive(tmp_path, **GOOD)
    expected = np.arange(864, dtype=np.float32).reshape(32, 3, 3, 3)
    for path in (None, index):
        np.testing.assert_array_equal(torch_archive.read_tensors(archive, path)[NAME], expected)
    # a transposed view whose last element is exactly the storage's last element
    flat = np.arange(12, dtype=np.float32)
    view = torch_archive.checked_view("t", flat, 0, [4, 3], [1, 4])
    np.testing.assert_array_equal(view, flat.reshape(3, 4).T)
    with pytest.raises(InceptionWeightsError, match="reads element 12 of a storage of 12"):
        torch_archive.checked_view("t", flat, 1, [4, 3], [1, 4])


def test_without_expected_shapes_a_view_larger_than_its_storage_is_refused(tmp_path):
    archive, index = write_archive(tmp_path, 0, [2 ** 40, 864], [0, 1])
    for path in (None, index):
        with pytest.raises(InceptionWeightsError, match="has more elements than its storage"):
            torch_archive.read_tensors(archive, path)


@pytest.mark.parametrize("spec, message", [
    ({"dtype": "float32", "entry": "archive/data/9", "shape": [1], "strides_elems": [1]},
     "the archive has no storage entry 'archive/data/9'"),
    ({"dtype": "float32", "entry": "archive/data/0", "shape": "32", "strides_elems": [1]},
     "shape must be a list of integers, got '32'"),
    ({"dtype": "float32", "entry": "archive/data/0", "shape": [32], "strides_elems": [1, 1]},
     r"1 dimensions \[32\] but 2 strides"),
    ({"dtype": "float32", "entry": "archive/data/0", "shape": [32], "strides_elems": [1],
      "offset_elems": -1}, "storage offset must be a non-negative integer, got -1"),
    ({"entry": "archive/data/0"}, "needs dtype, entry, shape and strides_elems"),
])
def test_malformed_index_entries(tmp_path, spec, message):
    archive, index = write_archive(tmp_path, **GOOD)
    index.write_text(json.dumps({"parameters": {"x": spec}}))
    with pytest.raises(InceptionWeightsError, match=message):
        torch_archive.read_tensors(archive, index)
    index.write_text("{not json")
    with pytest.raises(InceptionWeightsError, match="unreadable weights index"):
        torch_archive.read_tensors(archive, index)


def test_storage_shorter_than_the_pickle_claims(tmp_path):
    crafted = tmp_path / "short.pt"
    with zipfile.ZipFile(crafted, "w") as z:
        z.writestr("archive/data.pkl", _tensor_pickle(NAME, "FloatStorage", 10_000, 0, [32, 3, 3, 3],
                                                      [27, 9, 3, 1]))
        z.writestr("archive/data/0", np.zeros(864, np.float32).tobytes())
    with pytest.raises(InceptionWeightsError, match="claims 10000 float32 elements but holds 864"):
        torch_archive.read_tensors(crafted)


def test_expected_shapes_cover_both_naming_schemes():
    shapes = inception_shapes.source_tensor_shapes()
    lookup = inception_shapes.expected_shape_of(shapes)
    assert lookup("net.layers.mixed_10.tower_2_conv.weight") == (192, 2048, 1, 1)
    assert lookup("Mixed_7c.branch_pool.conv.weight") == (192, 2048, 1, 1)
    assert lookup("model.Conv2d_1a_3x3.conv.weight") == (32, 3, 3, 3)  # a module prefix is ignored
    assert lookup("Conv2d_1a_3x3.bn.num_batches_tracked") is None  # not needed: never read
    assert lookup("fc.weight") == (1008, 2048)
