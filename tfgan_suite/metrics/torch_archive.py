"""Reads tensors out of PyTorch zip archives (TorchScript ``.pt`` or ``torch.save`` ``.pth``) without torch.

Both formats are a zip holding ``<root>/data.pkl`` (a pickle whose tensors are
``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)`` calls with *persistent ids*
``('storage', <Type>Storage, key, location, numel)``) and raw little-endian storages at
``<root>/data/<key>``. A restricted unpickler maps those calls to numpy arrays and every other class to a
plain attribute holder, so nothing from the file is executed. When the shared torch-free index json
(``<name>.index.json``: parameter -> zip entry, dtype, shape, strides, offset) is given, it is used
instead of the pickle.
"""
import json
import pickle
import zipfile

import numpy as np

_STORAGE_DTYPES = {
    "FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
    "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16,
    "CharStorage": np.int8, "ByteStorage": np.uint8, "BoolStorage": np.bool_,
    "BFloat16Storage": None,
}
_NAME_DTYPES = {"float32": np.float32, "float64": np.float64, "float16": np.float16,
                "int64": np.int64, "int32": np.int32, "uint8": np.uint8, "bool": np.bool_}


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
            raise ValueError(f"unsupported tensor storage type {name!r} in the archive")


def _strided(flat, offset, shape, strides):
    itemsize = flat.dtype.itemsize
    if not shape:
        return flat[offset].copy()
    return np.lib.stride_tricks.as_strided(
        flat[offset:], shape=tuple(shape), strides=tuple(s * itemsize for s in strides)).copy()


def _rebuild_tensor(storage, offset, size, stride, *unused):
    return _strided(storage, offset, size, stride)


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
            raw = self._archive.read(f"{self._root}/data/{key}")
            dtype = storage_type.dtype if isinstance(storage_type, _StorageType) else np.float32
            self._storages[key] = np.frombuffer(raw, dtype=np.dtype(dtype).newbyteorder("<"), count=numel)
        return self._storages[key]


def _archive_root(archive):
    roots = [n[:-len("/data.pkl")] for n in archive.namelist() if n.endswith("/data.pkl")]
    if len(roots) != 1:
        raise ValueError("not a PyTorch zip archive (expected exactly one */data.pkl entry)")
    return roots[0]


def _flatten(obj, prefix, out):
    if isinstance(obj, np.ndarray):
        out[prefix] = obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            _flatten(v, f"{prefix}.{k}" if prefix else str(k), out)
    elif isinstance(obj, _Module):
        for k, v in vars(obj).items():
            if not k.startswith("_"):
                _flatten(v, f"{prefix}.{k}" if prefix else k, out)


def read_tensors(path, index=None):
    """Returns ``{dotted.name: np.ndarray}`` for every tensor in a PyTorch zip archive.

    Args:
      path: a TorchScript ``.pt`` or a zip-format ``torch.save`` file.
      index: optional path of a torch-free index json (``parameters`` -> entry/dtype/shape/strides/offset).
    """
    with zipfile.ZipFile(path) as archive:
        if index is not None:
            with open(index, encoding="utf-8") as f:
                params = json.load(f)["parameters"]
            out = {}
            for name, spec in params.items():
                dtype = np.dtype(_NAME_DTYPES[spec["dtype"]]).newbyteorder("<")
                flat = np.frombuffer(archive.read(spec["entry"]), dtype=dtype)
                out[name] = _strided(flat, spec.get("offset_elems", 0), spec["shape"], spec["strides_elems"])
            return out
        root = _archive_root(archive)
        with archive.open(f"{root}/data.pkl") as f:
            obj = _Unpickler(f, archive, root).load()
    out = {}
    _flatten(obj, "", out)
    return out
