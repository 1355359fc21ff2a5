"""Offline sources: ``.npz`` files and folders of images, read into one uint8 NHWC array.

Memory: an array is read straight into one 64-byte-aligned buffer (so TensorFlow can wrap it without a
copy, see :func:`aligned_empty`); no float copy of a dataset is ever made.
"""
import zipfile
from pathlib import Path

import numpy as np

from tfgan_suite.data import pixels
from tfgan_suite.data.errors import DatasetError

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".webp", ".gif")
# The one npz rule (training data and metric sources alike): the split's own key ``x_<split>``;
# for the train split also the first generic key present (a file without split keys holds training
# images; sample files written by other tools use the later keys).
NPZ_GENERIC_KEYS = ("images", "samples", "x", "arr_0")


def npz_candidates(split):
    """The keys an ``.npz`` file is searched for, in order, for ``split``."""
    return (f"x_{split}",) + (NPZ_GENERIC_KEYS if split == "train" else ())
_CHUNK = 1 << 22
_ALIGNMENT = 64  # TensorFlow wraps numpy buffers aligned to this many bytes without copying them.


def aligned_empty(shape, dtype=np.uint8):
    """``np.empty(shape, dtype)`` whose data pointer is a multiple of 64 bytes."""
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    raw = np.empty(nbytes + _ALIGNMENT, np.uint8)
    offset = (-raw.ctypes.data) % _ALIGNMENT
    return raw[offset:offset + nbytes].view(dtype).reshape(shape)


def as_nhwc(images, origin):
    """Adds the channel axis to ``(N, H, W)`` arrays; rejects other ranks with a one-line error."""
    if images.ndim == 3:
        return images[..., None]
    if images.ndim == 4 and images.shape[-1] in (1, 3, 4):
        return images
    raise DatasetError(f"{origin}: expected images of shape (N, H, W) or (N, H, W, C) with C in 1, 3, 4, "
                       f"got {images.shape}")


def _read_npy_member(archive, member, num_examples):
    """Reads the first ``num_examples`` rows of one ``.npy`` member of an open zip into an aligned array."""
    with archive.open(member) as stream:
        try:
            version = np.lib.format.read_magic(stream)
            read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                           else np.lib.format.read_array_header_2_0)
            shape, fortran_order, dtype = read_header(stream)
        except Exception as error:  # pylint: disable=broad-except  (numpy's header parser: any malformed input)
            message = " ".join(str(error).split())[:200]
            raise DatasetError(f"{member}: not a readable .npy array ({type(error).__name__}: {message})") from None
        if fortran_order or dtype.hasobject:
            raise DatasetError(f"{member}: only C-ordered numeric arrays are supported")
        stored = archive.getinfo(member).file_size - stream.tell()
        if int(np.prod(shape, dtype=object)) * dtype.itemsize > stored:
            raise DatasetError(f"{member}: file is truncated (its header describes {shape} {dtype} but "
                               f"{stored} bytes follow)")
        if num_examples is not None and shape:
            shape = (min(int(num_examples), shape[0]),) + tuple(shape[1:])
        array = aligned_empty(shape, dtype)
        view = memoryview(array.reshape(-1).view(np.uint8))
        filled = 0
        while filled < len(view):
            count = stream.readinto(view[filled:filled + _CHUNK])  # chunks: no whole-file temporary
            if not count:
                raise DatasetError(f"{member}: file is truncated")
            filled += count
    return array


def _read_first_key(path, keys, candidates, missing, num_examples):
    """``(key, array)`` of the first of ``candidates`` among an npz file's ``keys``."""
    key = next((k for k in candidates if k in keys), None)
    if key is None:
        raise DatasetError(f"{str(path)!r} has {missing}: expected key "
                           f"{' or '.join(map(repr, candidates))}, found keys: {', '.join(keys) or 'none'}")
    with zipfile.ZipFile(path) as archive:
        try:
            return key, _read_npy_member(archive, key + ".npy", num_examples)
        except DatasetError as error:
            raise DatasetError(f"{str(path)!r} member {error}") from None


def npz_keys(path):
    with zipfile.ZipFile(path) as archive:
        return [name[:-4] for name in archive.namelist() if name.endswith(".npy")]


def load_npz(path, split="train", num_examples=None):
    """Returns the images of ``split`` from an ``.npz`` file (:func:`npz_candidates`): uint8 NHWC,
    or float32 NHWC in [-1, 1] for float images (``data.pixels``: [-1, 1], [0, 1] or [0, 255], else
    refused in one line). Float arrays of rank < 3 (toy points) are returned unchanged.
    """
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"dataset file {str(path)!r} does not exist")
    try:
        keys = npz_keys(path)
    except zipfile.BadZipFile:
        raise DatasetError(f"{str(path)!r} is not a valid .npz file (not a zip archive)") from None
    key, images = _read_first_key(path, keys, npz_candidates(split),
                                  f"no array for split {split!r}", num_examples)
    if images.dtype != np.uint8 and not np.issubdtype(images.dtype, np.floating):
        raise DatasetError(f"{str(path)!r}: key {key!r} has dtype {images.dtype}; expected uint8 images")
    if images.ndim == 0:
        raise DatasetError(f"{str(path)!r}: key {key!r} holds a single value, not an array of examples")
    origin = f"{str(path)!r} key {key!r}"
    if len(images) == 0:
        raise DatasetError(f"{str(path)!r}: key {key!r} holds no examples")
    if images.dtype == np.uint8:
        return as_nhwc(images, origin)
    if images.ndim >= 3:  # float images: the one pixel rule (data.pixels) turns them into [-1, 1]
        return pixels.to_unit_range(as_nhwc(images, origin), origin)
    return images  # low-dimensional float data (toy points) is not an image: unchanged


def load_npz_labels(path, split="train", num_examples=None):
    """The int32 class labels of ``split`` in an ``.npz`` file: key ``y_<split>`` (or ``labels``)."""
    path = Path(path)
    candidates = (f"y_{split}",) + (("labels",) if split == "train" else ())
    key, labels = _read_first_key(path, npz_keys(path), candidates,
                                  f"no labels for split {split!r}", num_examples)
    if not np.issubdtype(labels.dtype, np.integer) or labels.ndim != 1:
        raise DatasetError(f"{str(path)!r}: key {key!r} must hold one integer label per example, "
                           f"got dtype {labels.dtype} and shape {labels.shape}")
    return labels.astype(np.int32)


def list_images(folder):
    """All image files under ``folder`` (recursively), sorted by path."""
    return sorted(p for p in Path(folder).rglob("*") if p.suffix.lower() in IMAGE_EXTENSIONS and p.is_file())


def load_folder(folder, num_examples=None, progress=True):
    """Reads every PNG/JPEG/... under ``folder`` (recursively, sorted) into one uint8 NHWC array.

    All images must have the same size. The result has 1 channel when every image is grayscale, else 3
    (RGB; alpha is dropped, palettes are expanded).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetError(f"dataset folder {str(folder)!r} does not exist")
    paths = list_images(folder)
    if num_examples is not None:
        paths = paths[:int(num_examples)]
    return read_image_files(paths, folder, progress)


def class_folders(folder):
    """``(paths, labels, class names)``: the images of each sub-folder of ``folder``, labelled by the
    index of the sub-folder's name in sorted order (``class_names[label]``)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetError(f"dataset folder {str(folder)!r} does not exist")
    classes = sorted(p.name for p in folder.iterdir() if p.is_dir())
    paths, labels = [], []
    for index, name in enumerate(classes):
        found = list_images(folder / name)
        paths += found
        labels += [index] * len(found)
    loose = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS]
    if not classes or loose:
        raise DatasetError(f"{str(folder)!r} has no labels: a labelled folder holds one sub-folder per "
                           f"class and no images of its own (found {len(classes)} sub-folders, "
                           f"{len(loose)} loose images)")
    return paths, np.asarray(labels, np.int32), classes


def load_class_folders(folder, num_examples=None, progress=True):
    """``(images, labels)`` of a folder with one sub-folder per class (see :func:`class_folders`)."""
    paths, labels, _ = class_folders(folder)
    if num_examples is not None:
        paths, labels = paths[:int(num_examples)], labels[:int(num_examples)]
    return read_image_files(paths, folder, progress), labels


def read_image_files(paths, folder, progress=True):
    """Reads image files (one size) into one uint8 NHWC array (see :func:`load_folder`)."""
    from PIL import Image  # pylint: disable=import-outside-toplevel

    if not paths:
        raise DatasetError(f"no images ({', '.join(IMAGE_EXTENSIONS)}) found under {str(folder)!r}")
    sizes = []
    for path in paths:  # headers only: cheap
        try:
            with Image.open(path) as image:
                sizes.append(image.size)
        except OSError as error:
            raise DatasetError(f"cannot read image {str(path)!r}: {error}") from None
    first = sizes[0]
    for path, size in zip(paths, sizes):
        if size != first:
            raise DatasetError(f"images in {str(folder)!r} have different sizes: {str(paths[0])!r} is "
                               f"{first[0]}x{first[1]} but {str(path)!r} is {size[0]}x{size[1]} "
                               "(resize them to one size first)")
    mode = folder_mode(paths)
    channels = 1 if mode == "L" else 3
    images = aligned_empty((len(paths), first[1], first[0], channels))
    iterator = paths
    if progress and len(paths) > 2000:
        from tqdm import tqdm  # pylint: disable=import-outside-toplevel
        iterator = tqdm(paths, desc=f"reading {folder.name}", unit="img")
    for i, path in enumerate(iterator):
        images[i] = read_images([path], mode)[0].reshape(images.shape[1:])
    return images


GRAYSCALE_MODES = {"1", "L", "LA", "I", "I;16", "F"}


def folder_mode(paths):
    """``"L"`` when every image is grayscale (1 channel), else ``"RGB"`` (headers only)."""
    from PIL import Image  # pylint: disable=import-outside-toplevel

    modes = set()
    for path in paths:
        with Image.open(path) as image:
            modes.add(image.mode)
    return "L" if modes <= GRAYSCALE_MODES else "RGB"


def read_images(paths, mode):
    """The images at ``paths`` as one uint8 array ``[n, H, W]`` (``mode="L"``) or ``[n, H, W, 3]``;
    16-bit and float grayscale are scaled to 8 bits, alpha is dropped, palettes are expanded."""
    from PIL import Image  # pylint: disable=import-outside-toplevel

    out = []
    for path in paths:
        with Image.open(path) as image:
            if image.mode in ("I", "I;16", "F"):
                image = image.point(lambda v: v / 256).convert("L") if image.mode != "F" else image.convert("L")
            out.append(np.asarray(image.convert(mode), dtype=np.uint8))
    return np.stack(out)


def find_tfds_directory(folder):
    """The prepared tfds dataset directory (holding ``dataset_info.json``) at or under ``folder``, or None."""
    folder = Path(folder)
    if (folder / "dataset_info.json").is_file():
        return folder
    found = sorted({p.parent for depth in ("*/", "*/*/", "*/*/*/") for p in folder.glob(depth + "dataset_info.json")})
    if len(found) > 1:
        raise DatasetError(f"{str(folder)!r} holds several prepared tfds datasets "
                           f"({', '.join(str(p) for p in found[:4])}); pass one of them")
    return found[0] if found else None
