"""Reads tensors out of PyTorch zip archives (TorchScript ``.pt`` or ``torch.save`` ``.pth``) without torch.

Both formats are a zip holding ``<root>/data.pkl`` (a pickle whose tensors are
``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)`` calls with *persistent ids*
``('storage', <Type>Storage, key, location, numel)``) and raw little-endian storages at
``<root>/data/<key>``. A restricted unpickler maps those calls to numpy arrays and every other class to a
plain attribute holder, so nothing from the file is executed. When the shared torch-free index json
(``<name>.index.json``: parameter -> zip entry, dtype, shape, strides, offset) is given, it is used
instead of the pickle.

Every tensor view is checked before it is taken (a crafted file must not make ``as_strided`` read past
its buffer): a known dtype, integer shape and strides, no negative stride or offset, the last element
``offset + sum((shape - 1) * strides)`` inside the storage, and, when the caller says which shape each
parameter must have (``expected_shape``), exactly that shape; a parameter the caller does not need is
never read. A bad file raises one :class:`~tfgan_suite.metrics.inception.InceptionWeightsError` line.
"""
import collections
import json
import pickle
import zipfile

import numpy as np

from tfgan_suite.metrics.inception import InceptionWeightsError

_STORAGE_DTYPES = {
    "FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
    "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16,
    "CharStorage": np.int8, "ByteStorage": np.uint8, "BoolStorage": np.bool_,
    "BFloat16Storage": None,
}
_NAME_DTYPES = {"float32": np.float32, "float64": np.float64, "float16": np.float16,
                "int64": np.int64, "int32": np.int32, "uint8": np.uint8, "bool": np.bool_}

# A tensor as the file describes it, before any memory is touched.
_TensorRef = collections.namedtuple("_TensorRef", "storage offset shape strides")


class _Module:
    """Stand-in for any pickled object: keeps its state as attributes."""

    def __init__(self, *args, **kwargs):
        self._args = args

    def __setstate__(self, state):
        if isinstance(state, dict):
            self.__dict__.update(state)
        else:
            self._state = state


class _StorageType:
    def __init__(self, name):
        self.dtype = _STORAGE_DTYPES.get(name)
        if self.dtype is None:
            known = ", ".join(k for k, v in _STORAGE_DTYPES.items() if v is not None)
            raise InceptionWeightsError(f"unsupported tensor storage type {name!r} in the archive; "
                                        f"known: {known}")


def _int_tuple(value, what, name):
    items = tuple(value) if isinstance(value, (list, tuple)) else None
    if items is None or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in items):
        raise InceptionWeightsError(f"tensor {name!r}: {what} must be a list of integers, got {value!r}")
    return tuple(int(v) for v in items)


def checked_view(name, flat, offset, shape, strides, expected_shape=None):
    """A copy of the view ``flat[offset + sum(i_k * strides_k)]`` of shape ``shape``, after checking
    that every element it reads lies in ``flat`` (and the shape is ``expected_shape`` when given)."""
    shape, strides = _int_tuple(shape, "shape", name), _int_tuple(strides, "strides", name)
    if not isinstance(offset, (int, np.integer)) or isinstance(offset, bool) or offset < 0:
        raise InceptionWeightsError(f"tensor {name!r}: storage offset must be a non-negative integer, "
                                    f"got {offset!r}")
    if len(strides) != len(shape):
        raise InceptionWeightsError(f"tensor {name!r}: {len(shape)} dimensions {list(shape)} but "
                                    f"{len(strides)} strides {list(strides)}")
    if any(d < 0 for d in shape) or any(s < 0 for s in strides):
        raise InceptionWeightsError(f"tensor {name!r}: negative size or stride (shape {list(shape)}, "
                                    f"strides {list(strides)})")
    if expected_shape is not None:
        if shape != tuple(expected_shape):
            raise InceptionWeightsError(f"tensor {name!r} has shape {list(shape)}; the network needs "
                                        f"{list(expected_shape)}")
        if flat.dtype.kind != "f":
            raise InceptionWeightsError(f"tensor {name!r} has dtype {flat.dtype.name}; the network "
                                        "needs floating point")
    elif int(np.prod(shape, dtype=object)) > max(len(flat), 1):
        raise InceptionWeightsError(f"tensor {name!r}: shape {list(shape)} has more elements than its "
                                    f"storage ({len(flat)})")
    if 0 in shape:
        return np.zeros(shape, flat.dtype)
    last = int(offset) + sum((d - 1) * s for d, s in zip(shape, strides))
    if last >= len(flat):
        raise InceptionWeightsError(
            f"tensor {name!r} reads element {last} of a storage of {len(flat)} {flat.dtype.name} "
            f"elements (offset {int(offset)}, shape {list(shape)}, strides {list(strides)}): the "
            "file is damaged or crafted")
    itemsize = flat.dtype.itemsize
    return np.lib.stride_tricks.as_strided(
        flat[int(offset):], shape=shape, strides=tuple(s * itemsize for s in strides),
        writeable=False).copy()


def _rebuild_tensor(storage, offset, size, stride, *unused):
    return _TensorRef(storage, offset, size, stride)


def _rebuild_parameter(data, *unused):
    return data


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, archive, root):
        super().__init__(file)
        self._archive, self._root, self._storages = archive, root, {}

    def find_class(self, module, name):
        if module == "torch._utils" and name in ("_rebuild_tensor_v2", "_rebuild_tensor"):
            return _rebuild_tensor
        if module == "torch._utils" and name == "_rebuild_parameter":
            return _rebuild_parameter
        if module == "torch" and name.endswith("Storage"):
            return _StorageType(name)
        if module == "collections" and name == "OrderedDict":
            import collections
            return collections.OrderedDict
        if module.startswith("__torch__") or module.startswith("torch"):
            return _Module
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a weights archive")

    def persistent_load(self, pid):
        kind, storage_type, key, _location, numel = pid[:5]
        if kind != "storage":
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
        if key not in self._storages:
            if not isinstance(storage_type, _StorageType):
                raise InceptionWeightsError(f"storage {key!r} has no torch storage type ({storage_type!r})")
            self._storages[key] = _storage(self._archive, f"{self._root}/data/{key}", storage_type.dtype, numel)
        return self._storages[key]


def _storage(archive, entry, dtype, numel=None):
    """The zip entry as a flat little-endian array (``numel`` elements when the file states it)."""
    if not isinstance(entry, str) or entry not in archive.namelist():
        raise InceptionWeightsError(f"the archive has no storage entry {entry!r}")
    raw = archive.read(entry)
    dtype = np.dtype(dtype).newbyteorder("<")
    available = len(raw) // dtype.itemsize
    if numel is None:
        numel = available
    if not isinstance(numel, (int, np.integer)) or not 0 <= numel <= available:
        raise InceptionWeightsError(f"storage {entry!r} claims {numel!r} {dtype.name} elements but holds "
                                    f"{available}")
    return np.frombuffer(raw, dtype=dtype, count=int(numel))


def _archive_root(archive):
    roots = [n[:-len("/data.pkl")] for n in archive.namelist() if n.endswith("/data.pkl")]
    if len(roots) != 1:
        raise ValueError("not a PyTorch zip archive (expected exactly one */data.pkl entry)")
    return roots[0]


def _flatten(obj, prefix, out):
    if isinstance(obj, _TensorRef):
        out[prefix] = obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            _flatten(v, f"{prefix}.{k}" if prefix else str(k), out)
    elif isinstance(obj, _Module):
        for k, v in vars(obj).items():
            if not k.startswith("_"):
                _flatten(v, f"{prefix}.{k}" if prefix else k, out)


def _index_refs(archive, index):
    """``{name: _TensorRef}`` from a torch-free index json (each entry's storage read once)."""
    try:
        with open(index, encoding="utf-8") as f:
            params = json.load(f)["parameters"]
        items = list(params.items())
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise InceptionWeightsError(f"unreadable weights index {index} ({type(e).__name__}: {e})") from e
    storages, refs = {}, {}
    for name, spec in items:
        if not isinstance(spec, dict) or not {"dtype", "entry", "shape", "strides_elems"} <= set(spec):
            raise InceptionWeightsError(f"index {index}: parameter {name!r} needs dtype, entry, shape and "
                                        f"strides_elems, got {spec!r}")
        if spec["dtype"] not in _NAME_DTYPES:
            raise InceptionWeightsError(f"index {index}: parameter {name!r} has unknown dtype "
                                        f"{spec['dtype']!r}; known: {', '.join(_NAME_DTYPES)}")
        key = (spec["entry"] if isinstance(spec["entry"], str) else repr(spec["entry"]), spec["dtype"])
        if key not in storages:
            storages[key] = _storage(archive, spec["entry"], _NAME_DTYPES[spec["dtype"]])
        refs[name] = _TensorRef(storages[key], spec.get("offset_elems", 0), spec["shape"], spec["strides_elems"])
    return refs


def read_tensors(path, index=None, expected_shape=None):
    """Returns ``{dotted.name: np.ndarray}`` for the tensors of a PyTorch zip archive.

    Args:
      path: a TorchScript ``.pt`` or a zip-format ``torch.save`` file.
      index: optional path of a torch-free index json (``parameters`` -> entry/dtype/shape/strides/offset).
      expected_shape: optional ``name -> shape or None``: the shape a parameter must have; parameters
        it returns ``None`` for are skipped. Without it every tensor is read (bounds-checked, and no
        bigger than its storage).

    Raises:
      InceptionWeightsError: a view outside its storage, a negative stride, an unknown dtype, a shape
        other than the expected one (one line naming the parameter).
    """
    with zipfile.ZipFile(path) as archive:
        if index is not None:
            refs = _index_refs(archive, index)
        else:
            root = _archive_root(archive)
            with archive.open(f"{root}/data.pkl") as f:
                obj = _Unpickler(f, archive, root).load()
            refs = {}
            _flatten(obj, "", refs)
    out = {}
    for name, ref in refs.items():
        shape = expected_shape(name) if expected_shape is not None else None
        if expected_shape is not None and shape is None:
            continue
        out[name] = checked_view(name, ref.storage, ref.offset, ref.shape, ref.strides, shape)
    return out
